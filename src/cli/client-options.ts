import { readFileSync } from 'node:fs';
import type { Argv } from 'yargs';
import { ErrorCode, TcpcmdError } from '../protocol/index.js';
import type { ConnectOptions } from '../client/index.js';

export interface ClientFlags {
  tls?: boolean;
  ca?: string;
  fingerprint?: string;
  'token-file'?: string;
  'connect-timeout'?: number;
}

/** Flags every client command shares: TLS, token and connect timeout. */
export function withClientFlags<T>(y: Argv<T>): Argv<T & ClientFlags> {
  return y
    .option('tls', { type: 'boolean', describe: 'Connect with TLS (implied by --ca or --fingerprint)' })
    .option('ca', { type: 'string', describe: "PEM file of the CA (or the server's self-signed certificate) to trust" })
    .option('fingerprint', { type: 'string', describe: "Pin the server certificate's SHA-256 fingerprint (as printed by `tcpcmd serve`)" })
    .option('token-file', { type: 'string', describe: 'Read the token from this file (default: the TCPCMD_TOKEN variable)' })
    .option('connect-timeout', { type: 'number', describe: 'Give up connecting after this many ms', default: 10_000 }) as Argv<T & ClientFlags>;
}

/** Reads a file that holds a secret token; the token is the file's first line. */
export function readTokenFile(path: string): string {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new TcpcmdError(ErrorCode.USAGE, `cannot read the token file ${path}: ${(err as Error).message}`, { cause: err });
  }
  const token = text.split(/\r?\n/)[0]?.trim() ?? '';
  if (token === '') throw new TcpcmdError(ErrorCode.USAGE, `the token file ${path} is empty`);
  return token;
}

function readPem(path: string, what: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    throw new TcpcmdError(ErrorCode.USAGE, `cannot read the ${what} file ${path}: ${(err as Error).message}`, { cause: err });
  }
}

export function connectOptionsFrom(flags: ClientFlags): ConnectOptions {
  const options: ConnectOptions = {};
  if (flags['token-file']) options.token = readTokenFile(flags['token-file']);
  if (flags['connect-timeout'] !== undefined) {
    if (!(flags['connect-timeout'] > 0)) throw new TcpcmdError(ErrorCode.USAGE, `--connect-timeout must be a positive number of ms, got ${flags['connect-timeout']}`);
    options.connectTimeoutMs = flags['connect-timeout'];
  }
  if (flags.tls || flags.ca || flags.fingerprint) {
    options.tls = {
      ...(flags.ca ? { ca: readPem(flags.ca, '--ca') } : {}),
      ...(flags.fingerprint ? { fingerprint: flags.fingerprint } : {}),
    };
  }
  return options;
}

export { readPem };
