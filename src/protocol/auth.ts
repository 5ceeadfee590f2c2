import { createHmac, randomFillSync, timingSafeEqual } from 'node:crypto';

/**
 * Random bytes for nonces and session ids, from a pool the system's CSPRNG
 * fills 4 KiB at a time (as Node's randomUUID does): one call per 128 nonces
 * instead of one each, which a burst of connections felt. Each byte is
 * handed out once.
 */
const pool = Buffer.alloc(4096);
let used = pool.length;

/** `bytes` random bytes, in hex. */
export function randomHex(bytes: number): string {
  if (used + bytes > pool.length) {
    randomFillSync(pool);
    used = 0;
  }
  const hex = pool.toString('hex', used, used + bytes);
  used += bytes;
  return hex;
}

/** A fresh challenge for one connection. */
export function makeNonce(): string {
  return randomHex(32);
}

/** The proof a client sends: HMAC-SHA256(token, nonce) in hex. The token itself never crosses the wire. */
export function authProof(token: string, nonce: string): string {
  return createHmac('sha256', token).update(nonce).digest('hex');
}

/** Constant-time check of a proof against the expected one. */
export function verifyProof(token: string, nonce: string, proof: string): boolean {
  const expected = Buffer.from(authProof(token, nonce), 'hex');
  const given = Buffer.from(proof, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
