/**
 * A job's sessions (LanePool) on their own, against the in-process double of
 * the client's connect: the window, rows handed on in the order sent though
 * answered out of turn, and a lost connection re-opened only when it had
 * done useful work.
 */
import { describe, expect, it } from 'vitest';
import type { OutputRow } from '../../src/batch/columns.js';
import type { InputRow } from '../../src/batch/input.js';
import { type LaneHost, LanePool } from '../../src/batch/lanes.js';
import { parseTargetOption } from '../../src/batch/targets.js';
import { type FakeOptions, fakeConnect, within } from './helpers.js';

const TARGET = parseTargetOption('127.0.0.1:7');

function inputRow(seq: number, command: string): InputRow {
  return { seq, command, name: '', target: null, timeout: null, expect: '', expectExit: 0 };
}

function pool(fake: FakeOptions = {}, limits = { window: 8, windowChars: 1024, timeout: null }) {
  const { connect, log } = fakeConnect(fake);
  const rows: OutputRow[] = [];
  const failures: unknown[] = [];
  const cancel = new AbortController();
  const state = { halted: false };
  const host: LaneHost = {
    connect: (target) => connect(target.address),
    halted: () => state.halted,
    cancelling: () => cancel.signal.aborted,
    emit: (row) => rows.push(row),
    fail: (err) => failures.push(err),
    cancel: cancel.signal,
  };
  return { lanes: new LanePool(TARGET, host, limits), log, rows, failures, cancel, state };
}

/** Sends each command on a lane with room, then waits for every answer. */
async function sendAll(p: ReturnType<typeof pool>, commands: string[]): Promise<void> {
  for (const [i, command] of commands.entries()) {
    const lane = await p.lanes.waitForRoom(command.length);
    if (!lane?.conn) throw new Error(`no lane for row ${i + 1}`);
    p.lanes.send(lane, lane.conn, inputRow(i + 1, command));
  }
  await within(5_000, p.lanes.settleAll());
}

describe('LanePool', () => {
  it('opens its sessions, or says why none opened', async () => {
    const live = pool();
    expect(await live.lanes.open(3)).toBe(true);
    expect(live.log.connects).toHaveLength(3);
    const dead = pool({ dead: [TARGET.key] });
    expect(await dead.lanes.open(2)).toBe(false);
    expect(dead.lanes.deadError).toMatch(/^CONNECT_FAILED: .*ECONNREFUSED 127\.0\.0\.1:7/);
  });

  it('keeps each session within its window of runs and of command characters; one run always goes', async () => {
    const p = pool({}, { window: 2, windowChars: 10, timeout: null });
    await p.lanes.open(1);
    const lane = p.lanes.withRoom(4);
    if (!lane?.conn) throw new Error('no lane');
    p.lanes.send(lane, lane.conn, inputRow(1, 'sleep 5000'));
    expect(p.lanes.withRoom(4)).toBeUndefined(); // 10 characters in flight: no room for 4 more
    expect(p.lanes.withRoom(0)).toBe(lane);
    p.lanes.send(lane, lane.conn, inputRow(2, 'echo'));
    expect(p.lanes.withRoom(0)).toBeUndefined(); // two runs in flight
    p.cancel.abort();
    await within(5_000, p.lanes.settleAll());
    expect(p.lanes.withRoom(20)).toBe(lane); // empty again: one run of any size goes
  });

  it('hands rows on in the order sent, though a cancelled waiting run is answered first', async () => {
    const p = pool({ onStart: (_target, cmd) => cmd === 'sleep 5000' && setImmediate(() => p.cancel.abort()) });
    await p.lanes.open(1);
    await sendAll(p, ['sleep 5000', 'echo b', 'echo c']);
    expect(p.rows.map((r) => [r.seq, r.status])).toEqual([[1, 'skipped'], [2, 'skipped'], [3, 'skipped']]);
    expect(p.failures).toEqual([]);
  });

  it('re-opens a lost connection that had answered, and gives up one that never did', async () => {
    const useful = pool();
    await useful.lanes.open(1);
    await sendAll(useful, ['echo a', 'drop', 'echo b']);
    await sendAll(useful, ['echo c']);
    // echo b was in flight with drop: it is lost with the connection; echo c goes on a new one.
    expect(useful.rows.map((r) => [r.command, r.status])).toEqual([['echo a', 'ok'], ['drop', 'error'], ['echo b', 'error'], ['echo c', 'ok']]);
    expect(useful.log.connects).toHaveLength(2);

    const useless = pool();
    await useless.lanes.open(1);
    await sendAll(useless, ['drop']);
    expect(await useless.lanes.waitForRoom(4)).toBeNull();
    expect(useless.lanes.deadError).toBe('CONNECTION_CLOSED: connection closed by the server');
    expect(useless.log.connects).toHaveLength(1);
  });

  it('starts nothing once the batch halts', async () => {
    const p = pool();
    await p.lanes.open(1);
    p.state.halted = true;
    expect(await p.lanes.waitForRoom(4)).toBeNull();
  });
});
