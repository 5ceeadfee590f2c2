import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** A fresh challenge for one connection. */
export function makeNonce(): string {
  return randomBytes(32).toString('hex');
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
