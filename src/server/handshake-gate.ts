import { ErrorCode, type ErrorInfo } from '../protocol/index.js';

/** A connection counted against the handshake budget until it leaves it (handshake done, or closed). */
export interface HandshakeTicket {
  /** When the connection was let in (performance.now()): --auth-timeout counts from here. */
  readonly admittedAt: number;
  /** The connection sent a whole frame: it is talking, not just holding a place. */
  progressed(): void;
  /** Whether part of a frame is waiting for the rest (a client trickling bytes). */
  partial(holding: boolean): void;
  /** The connection was refused and is closing: the first to make room. */
  failed(): void;
  /** The handshake is done or the connection closed: its place is free. Idempotent. */
  leave(): void;
}

export interface GateLimits {
  /** Connections not through the handshake (TLS, hello, auth) at once. */
  maxStartups: number;
  /** Of those, from one address (loopback included). */
  maxPerAddress: number;
}

/**
 * Turns of the event loop a new connection is spared, so that its first
 * frame, sent as it connected, is read before it can be taken for a silent
 * one: counted in turns rather than milliseconds, a loaded server gives
 * clients longer, as it should.
 */
export const SPARED_TURNS = 3;
/** A connection holding part of a frame and no whole one for this long is trickling bytes. */
export const TRICKLE_MS = 1_000;
/** A connection that said something but no whole frame since for this long is stalling. */
export const STALLED_MS = 5_000;

interface Entry extends HandshakeTicket {
  readonly address: string;
  /** The gate's turn when it was admitted. */
  readonly turn: number;
  /** When it was accepted, then when it last sent a whole frame. */
  lastProgress: number;
  frames: number;
  holding: boolean;
  dead: boolean;
  inside: boolean;
  readonly evict: () => void;
}

/**
 * The budget of connections that have not finished the handshake, as
 * OpenSSH's MaxStartups and PerSourceMaxStartups: separate from the session
 * slots, so connections that never authenticate cannot keep real clients out.
 *
 * A new connection that finds its address's share or the whole budget taken
 * closes one that is not getting anywhere: refused and closing, silent (no
 * whole frame, though it had a few turns of the event loop to send one),
 * trickling (part of a frame for TRICKLE_MS) or stalled (nothing whole for
 * STALLED_MS), the one longest without progress first. A flood of silent
 * sockets that reconnect as soon as they are dropped churns among itself,
 * while a client that talks gets through. From half the budget on, such a
 * connection is closed for each newcomer; when there is none, newcomers are
 * refused at random, with a chance that grows to certainty at the full
 * budget (OpenSSH's random early drop). At an address's share with none
 * stuck, its connection longest without progress makes room.
 */
export class HandshakeGate {
  private readonly entries = new Set<Entry>();
  private readonly perAddress = new Map<string, number>();
  /** Turns of the event loop, counted while any connection is in the handshake. */
  private turn = 0;
  private ticking = false;

  constructor(
    private readonly limits: GateLimits,
    private readonly random: () => number = Math.random,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Connections in the handshake now. */
  get size(): number {
    return this.entries.size;
  }

  /** Connections in the handshake from `address`. */
  countFor(address: string): number {
    return this.perAddress.get(address) ?? 0;
  }

  /**
   * Counts a new connection from `address`; `evict` closes it should it have
   * to make room later. Returns its ticket, or why it is refused.
   */
  admit(address: string, evict: () => void): HandshakeTicket | ErrorInfo {
    const { maxStartups, maxPerAddress } = this.limits;
    const now = this.now();
    if (this.countFor(address) >= maxPerAddress) {
      // An address's share is its own to churn: with none stuck, the one longest without progress makes room (one of its
      // own floods, most likely: a real client is through its handshake in a round trip or two).
      const victim = this.victim(now, address) ?? this.victim(now, address, true);
      if (!victim) {
        return refusal(`the server has ${maxPerAddress} connections from ${address} that have not finished the handshake (--max-per-address); try again in a moment`);
      }
      this.evict(victim);
    }
    const start = Math.floor(maxStartups / 2);
    if (this.entries.size >= start) {
      // Past half the budget a connection getting nowhere makes room; when all are getting somewhere, refuse at random, surely when full.
      const victim = this.victim(now);
      if (victim) this.evict(victim);
      else if (this.entries.size >= maxStartups || this.random() < (this.entries.size - start + 1) / (maxStartups - start + 1)) {
        return refusal(`the server has ${this.entries.size} connections that have not finished the handshake (--max-startups); try again in a moment`);
      }
    }
    const entry: Entry = {
      address,
      admittedAt: now,
      turn: this.turn,
      lastProgress: now,
      frames: 0,
      holding: false,
      dead: false,
      inside: true,
      evict,
      progressed: () => {
        entry.frames++;
        entry.lastProgress = this.now();
      },
      partial: (holding) => void (entry.holding = holding),
      failed: () => void (entry.dead = true),
      leave: () => this.remove(entry),
    };
    this.entries.add(entry);
    this.perAddress.set(address, this.countFor(address) + 1);
    this.tick();
    return entry;
  }

  /** Whether `e` is getting nowhere, so may make room for a newcomer. */
  private stuck(e: Entry, now: number): boolean {
    if (e.dead) return true;
    if (e.frames === 0) return this.turn - e.turn >= SPARED_TURNS;
    const quiet = now - e.lastProgress;
    return quiet >= STALLED_MS || (e.holding && quiet >= TRICKLE_MS);
  }

  /** The stuck connection (of `address`, if given; any, with `anyone`) longest without progress; refused ones first. */
  private victim(now: number, address?: string, anyone = false): Entry | undefined {
    let best: Entry | undefined;
    for (const e of this.entries) {
      if (address !== undefined && e.address !== address) continue;
      if (!anyone && !this.stuck(e, now)) continue;
      if (e.dead) return e;
      if (!best || e.lastProgress < best.lastProgress) best = e;
    }
    return best;
  }

  /** Counts turns of the event loop while connections are in the handshake (an unref'd immediate per turn). */
  private tick(): void {
    if (this.ticking) return;
    this.ticking = true;
    const next = (): void => {
      this.turn++;
      if (this.entries.size > 0) setImmediate(next).unref();
      else this.ticking = false;
    };
    setImmediate(next).unref();
  }

  private evict(entry: Entry): void {
    this.remove(entry);
    entry.evict();
  }

  private remove(entry: Entry): void {
    if (!entry.inside) return;
    entry.inside = false;
    this.entries.delete(entry);
    const left = this.countFor(entry.address) - 1;
    if (left > 0) this.perAddress.set(entry.address, left);
    else this.perAddress.delete(entry.address);
  }
}

function refusal(message: string): ErrorInfo {
  return { code: ErrorCode.TOO_MANY_SESSIONS, message };
}

/** Whether `admit` refused. */
export function isRefusal(value: HandshakeTicket | ErrorInfo): value is ErrorInfo {
  return 'code' in value;
}
