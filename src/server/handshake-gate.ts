/** A connection counted against the handshake budget until it leaves it (handshake done, or closed). */
export interface HandshakeTicket {
  /** When the connection was let in (performance.now()): --auth-timeout counts from here. */
  readonly admittedAt: number;
  /** The connection sent a whole frame: it is talking, not just holding a place. */
  progressed(): void;
  /** Whether part of a frame is waiting for the rest (a client trickling bytes). */
  partial(holding: boolean): void;
  /** The connection was refused: its place is free; true when the listener closes it soon (GateCallbacks.refused). */
  failed(): boolean;
  /** The handshake is done or the connection closed: its place is free. Idempotent. */
  leave(): void;
}

/** What the gate may do to a connection it admitted. */
export interface GateCallbacks {
  /** Close it to make room, telling it why (when it can be told). */
  evict(why: string): void;
  /** It was refused and has left the budget: close it soon. */
  refused(): void;
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
 * one: counted in turns as well as milliseconds, a loaded server gives
 * clients longer, as it should.
 */
export const SPARED_TURNS = 3;
/** ...and at least this long: a client whose process waits for a core writes its hello a while after the kernel accepted it. */
const SPARED_MS = 250;
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
  inside: boolean;
  /** Counted against the budget: it spoke, or had its chance to and stayed silent. */
  placed: boolean;
  readonly evict: (why: string) => void;
}

/**
 * The budget of connections that have not finished the handshake, as
 * OpenSSH's MaxStartups and PerSourceMaxStartups: separate from the session
 * slots, so connections that never authenticate cannot keep real clients out.
 *
 * A new connection is not judged before it has had its chance to speak
 * (SPARED_TURNS turns of the event loop and SPARED_MS): until then it holds
 * no place and no one can close it, so a client whose hello was on its way
 * as it connected is never taken for a silent one, however many connections
 * from its address arrive with it. It takes a place in the budget when it
 * first sends something, or when its chance is over and it said nothing.
 * If its address's share or the budget (past half of it) is taken, one that
 * is getting nowhere makes room: silent, trickling (part of a frame for
 * TRICKLE_MS) or stalled (nothing whole for STALLED_MS), the one longest
 * without progress first. One refused leaves the budget: it closes on its
 * own within seconds. When there is none,
 * a silent newcomer is closed; one that spoke is refused at random, with a
 * chance that grows to certainty at the full budget (OpenSSH's random early
 * drop), and at its address's share, that address's connection longest
 * without progress makes room for it. So a flood of silent sockets that
 * reconnect as soon as they are dropped churns among itself, while a client
 * that talks gets through. The listener's connection cap bounds the
 * connections not yet judged.
 */
export class HandshakeGate {
  private readonly entries = new Set<Entry>();
  /** Entries not judged yet, oldest first. */
  private readonly young = new Set<Entry>();
  private readonly perAddress = new Map<string, number>();
  private placed = 0;
  /** Turns of the event loop, counted while any connection is in the handshake. */
  private turn = 0;
  private ticking = false;

  constructor(
    private readonly limits: GateLimits,
    private readonly random: () => number = Math.random,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Connections in the handshake now, judged or not. */
  get size(): number {
    return this.entries.size;
  }

  /** Connections from `address` holding a place in the budget. */
  countFor(address: string): number {
    return this.perAddress.get(address) ?? 0;
  }

  /**
   * Counts a new connection from `address`: `on.evict` closes it, saying
   * why, should it have to make room; `on.refused` is told when it was
   * refused (it leaves the budget then, and should close soon).
   */
  admit(address: string, on: GateCallbacks): HandshakeTicket {
    const now = this.now();
    const entry: Entry = {
      address,
      admittedAt: now,
      turn: this.turn,
      lastProgress: now,
      frames: 0,
      holding: false,
      inside: true,
      placed: false,
      evict: on.evict,
      progressed: () => {
        if (!entry.inside) return;
        entry.frames++;
        entry.lastProgress = this.now();
        if (!entry.placed) this.place(entry, true);
      },
      partial: (holding) => {
        if (!entry.inside) return;
        entry.holding = holding;
        if (!entry.placed) this.place(entry, true);
      },
      // Not closed to make room: its sender would only come back sooner, with another megabyte to refuse.
      failed: () => {
        if (!entry.inside) return false;
        this.remove(entry);
        on.refused();
        return true;
      },
      leave: () => this.remove(entry),
    };
    this.entries.add(entry);
    this.young.add(entry);
    this.tick();
    return entry;
  }

  /**
   * Gives `entry` its place (it spoke, or its chance is over), making room
   * if need be; or closes it when no one can make room.
   */
  private place(entry: Entry, spoke: boolean): void {
    this.young.delete(entry);
    const { maxStartups, maxPerAddress } = this.limits;
    const now = this.now();
    if (this.countFor(entry.address) >= maxPerAddress) {
      // An address's share is its own to churn: with none stuck, the one longest without progress makes room for one that spoke.
      const victim = this.victim(now, entry.address) ?? (spoke ? this.victim(now, entry.address, true) : undefined);
      if (!victim) return this.evict(entry, `the server has ${maxPerAddress} connections from ${entry.address} that have not finished the handshake (--max-per-address); try again in a moment`);
      this.evict(victim, MADE_ROOM);
    }
    const start = Math.floor(maxStartups / 2);
    if (this.placed >= start) {
      // Past half the budget a connection getting nowhere makes room; when all are getting somewhere, refuse at random, surely when full.
      const victim = this.victim(now);
      if (victim) this.evict(victim, MADE_ROOM);
      else if (!spoke || this.placed >= maxStartups || this.random() < (this.placed - start + 1) / (maxStartups - start + 1)) {
        return this.evict(entry, `the server has ${this.placed} connections that have not finished the handshake (--max-startups); try again in a moment`);
      }
    }
    entry.placed = true;
    this.placed++;
    this.perAddress.set(entry.address, this.countFor(entry.address) + 1);
  }

  /** Whether `e` is getting nowhere, so may make room for a newcomer. */
  private stuck(e: Entry, now: number): boolean {
    if (e.frames === 0) return true; // judged, and silent
    const quiet = now - e.lastProgress;
    return quiet >= STALLED_MS || (e.holding && quiet >= TRICKLE_MS);
  }

  /** The placed, stuck connection (of `address`, if given; any, with `anyone`) longest without progress. */
  private victim(now: number, address?: string, anyone = false): Entry | undefined {
    let best: Entry | undefined;
    for (const e of this.entries) {
      if (!e.placed || (address !== undefined && e.address !== address)) continue;
      if ((anyone || this.stuck(e, now)) && (!best || e.lastProgress < best.lastProgress)) best = e;
    }
    return best;
  }

  /** Judges the connections whose chance to speak is over: they said nothing. */
  private judge(): void {
    const now = this.now();
    for (const e of this.young) {
      if (this.turn - e.turn < SPARED_TURNS || now - e.admittedAt < SPARED_MS) return;
      this.place(e, false);
    }
  }

  /** Counts turns of the event loop while connections are in the handshake (an unref'd immediate per turn), judging the young. */
  private tick(): void {
    if (this.ticking) return;
    this.ticking = true;
    const next = (): void => {
      this.turn++;
      this.judge();
      if (this.entries.size > 0) setImmediate(next).unref();
      else this.ticking = false;
    };
    setImmediate(next).unref();
  }

  private evict(entry: Entry, why: string): void {
    this.remove(entry);
    entry.evict(why);
  }

  private remove(entry: Entry): void {
    if (!entry.inside) return;
    entry.inside = false;
    this.entries.delete(entry);
    this.young.delete(entry);
    if (!entry.placed) return;
    this.placed--;
    const left = this.countFor(entry.address) - 1;
    if (left > 0) this.perAddress.set(entry.address, left);
    else this.perAddress.delete(entry.address);
  }
}

/** What a connection closed to make room for another is told. */
const MADE_ROOM = 'closed during the handshake to make room for others: it had sent nothing, or nothing whole for a while; try again';
