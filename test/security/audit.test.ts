import { describe, expect, it } from 'vitest';
import { connect } from '../../src/client/index.js';
import { authProof } from '../../src/protocol/auth.js';
import { runCli, startCliServer, type CliServer } from '../helpers/cli.js';
import { RawClient } from '../helpers/servers.js';
import { jsonLines, logMatching, startJsonLogServer } from './helpers/logs.js';

const TOKEN = 'audit-test-token-0123456789abcdef';

/** One of each event a hostile or ordinary client can cause, against a token server allowing two sessions. */
async function eventfulSession(server: CliServer): Promise<void> {
  const env = { TCPCMD_TOKEN: TOKEN };
  expect((await runCli(['exec', server.target, 'linux:exit 4'], { env })).code).toBe(4);
  expect((await runCli(['exec', server.target, 'linux:id'], { env })).code).toBe(255); // forbidden by --deny
  expect((await runCli(['exec', server.target, 'hostname'], { env: { TCPCMD_TOKEN: 'wrong' } })).code).toBe(255);
  const held = [await connect(server.target, { token: TOKEN }), await connect(server.target, { token: TOKEN })];
  expect((await runCli(['exec', server.target, 'hostname'], { env })).code).toBe(255); // too many sessions
  await Promise.all(held.map((c) => c.close()));
  // The server frees the two slots when it sees those sockets close, which may be just after close() returns here.
  let raw = await RawClient.connect(server.port);
  let { hello } = await raw.handshake();
  for (let tries = 0; hello.nonce === undefined && tries < 50; tries++) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    raw = await RawClient.connect(server.port);
    ({ hello } = await raw.handshake());
  }
  raw.sendFrame({ type: 'auth', hmac: authProof(TOKEN, hello.nonce) });
  await raw.nextFrame();
  raw.send('{"type":"x\\nFAKE 127.0.0.1:1 session 0 run \\"rm -rf /\\" exit=0 1ms"}\n'); // tries to forge a log line
  raw.sendFrame({ type: 'run', id: 1, cmd: 'echo \u001b[31mred\u2028\u0085\u009b' });
  await raw.untilDone(1);
  raw.sendFrame({ type: 'run', id: 2, cmd: `echo ${'a'.repeat(10_000)}` });
  await raw.untilDone(2);
  raw.sendFrame({ type: 'bye' });
  await raw.closedByServer();
}

describe('audit trail', () => {
  it('--log-format json: every line parses; connect, auth, refusals, forbidden and runs carry peer, command, exit and duration', async () => {
    const server = await startJsonLogServer(['--max-sessions', '2', '--deny', 'linux:id'], { TCPCMD_TOKEN: TOKEN });
    await eventfulSession(server);
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
    const events = jsonLines(server.log());
    for (const e of events) expect(new Date(e.time).toISOString()).toBe(e.time);
    const of = (kind: string) => events.filter((e) => e.event === kind);
    const peer = expect.stringMatching(/^127\.0\.0\.1:\d+$/);
    expect(of('listening')[0]).toMatchObject({ address: expect.stringMatching(/^127\.0\.0\.1:\d+$/), tls: false, auth: true });
    expect(of('connect').length).toBeGreaterThanOrEqual(5);
    expect(of('connect')[0]).toMatchObject({ peer, session: expect.any(String) });
    expect(of('authenticated')[0]).toMatchObject({ peer });
    expect(of('auth-failed')).toEqual([expect.objectContaining({ peer })]);
    expect(of('refused')).toContainEqual(expect.objectContaining({ peer, code: 'TOO_MANY_SESSIONS' }));
    expect(of('forbidden')).toEqual([expect.objectContaining({ peer, command: 'linux:id', reason: expect.stringContaining('--deny') })]);
    const runs = of('run');
    expect(runs).toContainEqual(expect.objectContaining({ peer, command: 'linux:exit 4', exitCode: 4, durationMs: expect.any(Number) }));
    expect(runs).toContainEqual(expect.objectContaining({ peer, command: 'linux:id', exitCode: null, error: 'FORBIDDEN' }));
    expect(runs).toContainEqual(expect.objectContaining({ command: 'echo \u001b[31mred\u2028\u0085\u009b', exitCode: 0 }));
    // Written as escapes, as in text lines: no line separator or C1 code reaches a reader raw.
    expect(server.log()).not.toMatch(/[\u0080-\u009f\u2028\u2029]/);
    const long = runs.find((r) => String(r.command).startsWith('echo aaa'));
    expect(long.command).toMatch(/…\[5909 more characters\]$/);
    expect(of('protocol-error')).toContainEqual(expect.objectContaining({ peer, code: 'BAD_FRAME' }));
    expect(of('disconnect').length).toBeGreaterThanOrEqual(5);
    expect(of('shutdown')).toEqual([expect.objectContaining({ reason: 'SIGTERM' })]);
  });

  it('text log: one line per event, and nothing a client sends can forge a line or reach the terminal raw', async () => {
    const server = await startCliServer(['--max-sessions', '2', '--deny', 'linux:id'], { TCPCMD_TOKEN: TOKEN });
    await eventfulSession(server);
    const log = await logMatching(server, /run "echo aaa/);
    const line = (re: RegExp): void => expect(log).toMatch(re);
    line(/^\S+Z listening on 127\.0\.0\.1:\d+ \(token auth\)$/m);
    line(/^\S+Z 127\.0\.0\.1:\d+ session \w+ connected$/m);
    line(/^\S+Z 127\.0\.0\.1:\d+ session \w+ authenticated$/m);
    line(/^\S+Z 127\.0\.0\.1:\d+ session \w+ AUTH_FAILED: wrong token proof$/m);
    line(/^\S+Z 127\.0\.0\.1:\d+ refused TOO_MANY_SESSIONS: the server already has 2 sessions open/m);
    line(/^\S+Z 127\.0\.0\.1:\d+ session \w+ FORBIDDEN "linux:id": forbidden: the command matches the --deny pattern "linux:id"$/m);
    line(/^\S+Z 127\.0\.0\.1:\d+ session \w+ run "linux:exit 4" exit=4 \d+ms$/m);
    line(/^\S+Z 127\.0\.0\.1:\d+ session \w+ run "linux:id" exit=- \d+ms FORBIDDEN$/m);
    line(/^\S+Z 127\.0\.0\.1:\d+ session \w+ closed: client said bye$/m);
    // Forged lines and terminal escapes stay inside their own line, escaped.
    expect(log).not.toMatch(/^FAKE/m);
    line(/unknown frame type "x\\u000aFAKE 127\.0\.0\.1:1 session 0 run/);
    line(/run "echo \\u001b\[31mred\\u2028\\u0085\\u009b" exit=0/);
    // eslint-disable-next-line no-control-regex -- the point: no raw control characters in the log
    expect(log).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u2028]/);
    expect(log.split('\n').every((l) => l === '' || /^\d{4}-\d\d-\d\dT\S+Z /.test(l))).toBe(true);
  });
});
