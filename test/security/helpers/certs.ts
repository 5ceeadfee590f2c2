import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestCert {
  cert: string;
  key: string;
  /** SHA-256 fingerprint as openssl prints it: `AB:CD:…`. */
  fingerprint: string;
}

export interface TestCerts {
  dir: string;
  /** Two self-signed certificates for localhost and 127.0.0.1: the server's, and an impostor's. */
  a: TestCert;
  b: TestCert;
  remove(): void;
}

const OPENSSL = process.env.OPENSSL ?? '/usr/bin/openssl';

/** Makes throw-away self-signed certificates with openssl (test-only; .ci/run installs openssl when missing). */
export function makeCerts(): TestCerts {
  const dir = mkdtempSync(join(tmpdir(), 'tcpcmd-certs-'));
  const make = (name: string): TestCert => {
    const cert = join(dir, `${name}.pem`);
    const key = join(dir, `${name}.key`);
    execFileSync(OPENSSL, [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
      '-keyout', key, '-out', cert, '-days', '2', '-subj', `/CN=tcpcmd-test-${name}`,
      '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1',
    ], { stdio: 'ignore' });
    const printed = execFileSync(OPENSSL, ['x509', '-in', cert, '-noout', '-fingerprint', '-sha256'], { encoding: 'utf8' });
    return { cert, key, fingerprint: printed.trim().split('=')[1] ?? '' };
  };
  return { dir, a: make('a'), b: make('b'), remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export function pem(path: string): Buffer {
  return readFileSync(path);
}
