import { isLoopback } from './peer.js';

export interface PenaltyOptions {
  /** Failed proofs from one address before it is shut out. */
  after: number;
  /** First shut-out; each further failure adds as much again, up to `maxMs`. */
  baseMs: number;
  maxMs: number;
  /** Addresses remembered at most (the oldest are forgotten first), so a spread of sources cannot grow memory. */
  maxAddresses: number;
  now: () => number;
}

const DEFAULTS: PenaltyOptions = { after: 5, baseMs: 30_000, maxMs: 15 * 60_000, maxAddresses: 10_000, now: Date.now };

/**
 * Shuts an address out for a while after repeated failed proofs, as
 * OpenSSH's PerSourcePenalties does: the 1 s delay slows one connection's
 * guessing, this stops a guesser from multiplying it with parallel
 * connections. Sessions check it before each proof, not only when a
 * connection opens, so proofs sent together on many connections opened
 * before the shut-out are not checked either. Loopback is never shut out (one local user must not be able to
 * lock out the others), and a success forgives the address.
 */
export class AuthPenalties {
  private readonly options: PenaltyOptions;
  private readonly byAddress = new Map<string, { failures: number; until: number; last: number }>();

  constructor(options: Partial<PenaltyOptions> = {}) {
    this.options = { ...DEFAULTS, ...options };
  }

  failed(address: string | undefined): void {
    if (!address || isLoopback(address) || this.options.after <= 0) return;
    const { after, baseMs, maxMs, maxAddresses, now } = this.options;
    const entry = this.byAddress.get(address) ?? { failures: 0, until: 0, last: 0 };
    entry.failures += 1;
    entry.last = now();
    // Grows by one step per failure (30 s, 60 s, 90 s, ...), not by doubling: a burst of proofs sent together cannot jump it to the maximum.
    if (entry.failures >= after) entry.until = entry.last + Math.min(maxMs, baseMs * (entry.failures - after + 1));
    this.byAddress.delete(address); // re-insert: the map's order is least recently failed first
    this.byAddress.set(address, entry);
    while (this.byAddress.size > maxAddresses) this.byAddress.delete(this.byAddress.keys().next().value as string);
  }

  succeeded(address: string | undefined): void {
    if (address) this.byAddress.delete(address);
  }

  /** How long `address` is still shut out, in ms (0: not). */
  blockedFor(address: string | undefined): number {
    if (!address) return 0;
    const entry = this.byAddress.get(address);
    if (!entry) return 0;
    const now = this.options.now();
    // Forget an address that has been quiet for as long as the longest shut-out.
    if (now - entry.last > this.options.maxMs) {
      this.byAddress.delete(address);
      return 0;
    }
    return Math.max(0, entry.until - now);
  }

  get size(): number {
    return this.byAddress.size;
  }
}
