/**
 * Reading the files flags name (token, PEM) and checking who may read them:
 * shared by the client commands and `tcpcmd serve`, so small and free of the
 * client library.
 */
import { readFileSync, statSync } from 'node:fs';
import { ErrorCode, TcpcmdError, errorMessage } from '../protocol/index.js';

/** Reads a file that holds a secret token; the token is the file's first line. */
export function readTokenFile(path: string): string {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new TcpcmdError(ErrorCode.USAGE, `cannot read the token file ${path}: ${errorMessage(err)}`, { cause: err });
  }
  const token = text.split(/\r?\n/)[0]?.trim() ?? '';
  if (token === '') throw new TcpcmdError(ErrorCode.USAGE, `the token file ${path} is empty`);
  return token;
}

/** The file's mode (e.g. `0644`) when users other than its owner may read it; undefined otherwise or on Windows. */
export function looselyReadable(path: string): string | undefined {
  if (process.platform === 'win32') return undefined;
  try {
    const mode = statSync(path).mode & 0o777;
    return (mode & 0o044) !== 0 ? `0${mode.toString(8)}` : undefined;
  } catch {
    return undefined;
  }
}

/** Reads a PEM file a flag names (`what`, e.g. `--ca`); USAGE when it cannot be read. */
export function readPem(path: string, what: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    throw new TcpcmdError(ErrorCode.USAGE, `cannot read the ${what} file ${path}: ${errorMessage(err)}`, { cause: err });
  }
}
