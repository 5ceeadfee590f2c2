// The REPL as on a terminal (readline in terminal mode), driven through its streams against real servers.
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { connect } from '../../src/client/index.js';
import { serve, type Command } from '../../src/server/index.js';
import { testCommands } from '../helpers/commands.js';
import { onCleanup, startServer } from '../helpers/servers.js';
import { drive, keys, tempDir, until } from './helpers.js';

/** Prints a line, then runs until cancelled: shows that output streams before the end. */
let cancelled = 0;
const tail: Command = {
  name: 'tail', usage: 'tail', summary: 'a line, then wait', run: async (ctx) => {
    await ctx.write('stdout', 'first line\n');
    await new Promise((resolve) => ctx.signal.addEventListener('abort', resolve, { once: true }));
    cancelled++;
    return { exitCode: null };
  },
};
const commands = [...testCommands, tail];

describe('tcpcmd connect on a terminal', () => {
  it('shows where you are in the prompt, streams output, and shows a failure with its exit code and duration', async () => {
    const { target } = await startServer({ commands });
    const r = drive({ target, terminal: true });
    await r.waitOut(`connected to ${target}`);
    await r.waitOut(`${target}> `);
    r.line('echo hello');
    await r.waitOut(/hello\n/);
    r.line('fail');
    await r.waitOut(/bad\n\[exit 3, \d+ms\]\n/);
    r.type(keys.ctrlD);
    expect(await r.done).toMatchObject({ exitCode: 0, commands: 2 }); // a failure does not change the exit code here
  });

  it('Ctrl+C cancels the running command on the server and the session goes on; Ctrl+C twice on an empty line leaves', async () => {
    const { target } = await startServer({ commands });
    const r = drive({ target, terminal: true });
    await r.waitOut(`${target}> `);
    const before = cancelled;
    r.line('tail');
    await r.waitOut('first line'); // streamed while the command still runs
    r.type(keys.ctrlC);
    await r.waitOut(/\[cancelled, \d+(ms|\.\d+s)\]/);
    await until(() => cancelled, (n) => n === before + 1, 'the server to cancel the run');
    const mark = r.out.text.length;
    r.line('echo still here');
    await r.waitOut(/\nstill here\n/, mark);
    r.type(keys.ctrlC);
    await r.waitOut('(To exit, press Ctrl+C again or Ctrl+D or type .exit)');
    r.type(keys.ctrlC);
    expect(await r.done).toMatchObject({ exitCode: 0, commands: 2 });
  });

  it('Ctrl+C with something typed drops the line and keeps the session', async () => {
    const { target } = await startServer({ commands });
    const r = drive({ target, terminal: true });
    await r.waitOut(`${target}> `);
    r.type('echo half');
    r.type(keys.ctrlC);
    await r.waitOut('echo half^C');
    r.line('echo whole');
    await r.waitOut(/whole\n/);
    r.line('.exit');
    expect(await r.done).toMatchObject({ exitCode: 0, commands: 1 });
  });

  it('Tab completes server commands and meta commands', async () => {
    const { target } = await startServer({ commands });
    const r = drive({ target, terminal: true });
    await r.waitOut(`${target}> `);
    r.type('ec');
    r.type(keys.tab);
    r.line(' completed');
    await r.waitOut(/completed\n/);
    const mark = r.out.text.length;
    r.type('.he');
    r.type(keys.tab);
    r.type(keys.enter);
    await r.waitOut('.save file.csv', mark);
    r.type(keys.ctrlD);
    await r.done;
  });

  it('keeps history in the history file across sessions, without repeats in a row', async () => {
    const { target } = await startServer({ commands });
    const { path } = await tempDir();
    const historyFile = path('state/history');
    const first = drive({ target, terminal: true, historyFile });
    await first.waitOut(`${target}> `);
    for (const line of ['echo one', 'echo one', 'echo two']) first.line(line);
    await first.waitOut(/two\n/);
    first.type(keys.ctrlD);
    await first.done;
    expect(await readFile(historyFile, 'utf8')).toBe('echo one\necho two\n');

    const second = drive({ target, terminal: true, historyFile });
    await second.waitOut(`${target}> `);
    second.type(keys.up);
    second.type(keys.up);
    second.type(keys.enter); // two up: "echo one"
    await second.waitOut(/one\n/);
    second.type(keys.ctrlD);
    await second.done;
    expect(await readFile(historyFile, 'utf8')).toBe('echo one\necho two\necho one\n');
  });

  it('says when the server restarts, shows it in the prompt, reconnects, and the next command works', async () => {
    const { server, target, port } = await startServer({ commands });
    const r = drive({ target, terminal: true, reconnect: { minDelayMs: 20, maxDelayMs: 50 } });
    await r.waitOut(`${target}> `);
    await server.close();
    await r.waitOut(`connection to ${target} lost: the server is shutting down`);
    await r.waitOut(`${target} (disconnected)> `);
    const again = await serve({ host: '127.0.0.1', port, commands });
    onCleanup(() => again.close());
    await r.waitOut(`reconnected to ${target}`);
    const mark = r.out.text.length;
    r.line('echo back');
    await r.waitOut(/back\n/, mark);
    r.type(keys.ctrlD);
    await r.done;
  });

  it('with --yes sends kill without asking', async () => {
    const { server, target } = await startServer({ commands });
    let closed = false;
    server.once('close', () => (closed = true));
    const r = drive({ target, terminal: true, yes: true });
    await r.waitOut(`${target}> `);
    r.line('kill');
    await until(() => closed, (c) => c, 'the server to stop');
    r.type(keys.ctrlD);
    await r.done;
  });

  it('asks before kill, and a no sends nothing', async () => {
    const { target } = await startServer({ commands });
    const r = drive({ target, terminal: true });
    await r.waitOut(`${target}> `);
    r.line('kill');
    await r.waitOut(`Stop the server at ${target}?`);
    r.type('n');
    await r.waitOut('not sent');
    const mark = r.out.text.length;
    r.line('echo alive');
    await r.waitOut(/alive\n/, mark);
    r.type(keys.ctrlD);
    expect(await r.done).toMatchObject({ commands: 1 });
    const other = await connect(target); // the server is still up
    expect((await other.run('echo up')).stdout).toBe('up\n');
    await other.close();
  });

  it('asks for the token with a hidden prompt when the server wants one', async () => {
    const { target } = await startServer({ commands, token: 's3cret' });
    const r = drive({ target, terminal: true });
    await r.waitOut(`Token for ${target}`);
    r.type('s3cret');
    r.type(keys.enter);
    await r.waitOut(`connected to ${target}`);
    expect(r.out.text).not.toContain('s3cret');
    r.line('echo authed');
    await r.waitOut(/authed\n/);
    r.type(keys.ctrlD);
    await r.done;
  });

  it('.connect moves to another server', async () => {
    const a = await startServer({ commands });
    const b = await startServer({ commands });
    const r = drive({ target: a.target, terminal: true });
    await r.waitOut(`${a.target}> `);
    r.line(`.connect ${b.target}`);
    await r.waitOut(`connected to ${b.target}`);
    await r.waitOut(`${b.target}> `);
    r.line('.connect 127.0.0.1:1');
    await r.waitOut(`connection refused`);
    await r.waitOut(`still on ${b.target}`);
    r.type(keys.ctrlD);
    await r.done;
  });
});
