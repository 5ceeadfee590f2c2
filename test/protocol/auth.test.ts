import { describe, expect, it } from 'vitest';
import { authProof, makeNonce, randomHex, verifyProof } from '../../src/protocol/auth.js';

describe('auth', () => {
  it('random bytes from the pool: the length asked for, never the same twice, across refills of the pool', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 1_000; i++) {
      const hex = i % 2 === 0 ? makeNonce() : randomHex(4);
      expect(hex).toMatch(i % 2 === 0 ? /^[0-9a-f]{64}$/ : /^[0-9a-f]{8}$/);
      seen.add(hex);
    }
    expect(seen.size).toBe(1_000); // 1,000 × 18 bytes on average: the 4 KiB pool was filled again several times
  });

  it('a proof made with the token checks; one made with another token does not', () => {
    const nonce = makeNonce();
    expect(verifyProof('secret', nonce, authProof('secret', nonce))).toBe(true);
    expect(verifyProof('secret', nonce, authProof('other', nonce))).toBe(false);
    expect(verifyProof('secret', nonce, 'not hex')).toBe(false);
  });
});
