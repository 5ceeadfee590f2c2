import { describe, expect, it } from 'vitest';
import { disconnect, kill, reset } from '../../../src/server/builtins/session-control.js';
import { echo } from '../../../src/server/builtins/echo.js';
import { info } from '../../../src/server/builtins/info.js';
import { runCommand } from '../run-context.js';

describe('connection and server builtins', () => {
  it('echo: the text and a newline', async () => {
    const { outcome, stdout } = await runCommand(echo, { args: 'hello  wide   world' });
    expect(outcome).toEqual({ exitCode: 0 });
    expect(stdout()).toBe('hello  wide   world\n');
    expect((await runCommand(echo)).stdout()).toBe('\n');
  });

  it('info: session id, server and client addresses, TLS', async () => {
    const { stdout } = await runCommand(info, {
      session: { id: 'abc123', localAddress: '::1', localPort: 10000, remoteAddress: '::1', remotePort: 40000, tls: true },
    });
    expect(stdout()).toBe('session: abc123\nserver:  [::1]:10000\nclient:  [::1]:40000\ntls:     on\n');
  });

  it('disconnect (exit, quit): says so, then asks the server to end the session', async () => {
    const { outcome, stdout, calls } = await runCommand(disconnect, { name: 'quit' });
    expect(outcome).toEqual({ exitCode: 0 });
    expect(stdout()).toMatch(/^bye/);
    expect(calls).toEqual(['disconnect']);
  });

  it('reset and kill: say so, then ask the server', async () => {
    const resetRun = await runCommand(reset);
    expect(resetRun.outcome).toEqual({ exitCode: 0 });
    expect(resetRun.calls).toEqual(['reset']);
    const killRun = await runCommand(kill);
    expect(killRun.outcome).toEqual({ exitCode: 0 });
    expect(killRun.stdout()).toContain('stopping');
    expect(killRun.calls).toEqual(['kill']);
  });

  it('refuse arguments without touching the server', async () => {
    for (const command of [disconnect, reset, kill]) {
      const { outcome, calls } = await runCommand(command, { args: 'now' });
      expect(outcome.error?.code).toBe('BAD_ARGUMENTS');
      expect(calls).toEqual([]);
    }
  });
});
