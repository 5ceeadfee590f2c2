// A piped session (`tcpcmd connect host < cmds.txt`) sends commands ahead of their answers:
// what it prints must still be each command's output whole, in order, with its status line after it.
import { readFile } from 'node:fs/promises';
import { parse } from 'csv-parse/sync';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { startRepl } from '../../src/repl/index.js';
import type { Command } from '../../src/server/index.js';
import { testCommands } from '../helpers/commands.js';
import { startServer } from '../helpers/servers.js';
import { Collect, drive, tempDir } from './helpers.js';

/** `chunks N TAG`: N pieces of output, each in a frame of its own, a turn of the event loop apart; stderr in the middle. */
const chunks: Command = {
  name: 'chunks', usage: 'chunks <n> <tag>', summary: 'output in pieces', run: async (ctx) => {
    const [n, tag] = ctx.args.split(' ');
    for (let i = 1; i <= Number(n); i++) {
      await ctx.write(i === 2 ? 'stderr' : 'stdout', `${tag}${i}\n`);
      await new Promise((r) => setImmediate(r));
    }
    return { exitCode: 0 };
  },
};
const commands = [...testCommands, chunks];

/** Runs a piped session with stdout and stderr into one collector, as `2>&1` does. */
async function pipedTogether(target: string, script: string): Promise<{ both: string; exitCode: number; commands: number }> {
  const input = new PassThrough();
  const both = new Collect();
  const done = startRepl({ target, input, output: both, errorOutput: both, terminal: false, historyFile: null, env: { NO_COLOR: '1' } });
  input.end(script);
  const result = await done;
  return { both: both.raw.replace(/, \d+ms\]/g, ']'), exitCode: result.exitCode, commands: result.commands };
}

describe('tcpcmd connect with piped input', () => {
  it('prints each command whole and in order, its status line right after it, however the answers arrive', async () => {
    const { target } = await startServer({ commands });
    const lines: string[] = [];
    const expected: string[] = [];
    for (let i = 0; i < 300; i++) {
      if (i % 7 === 3) {
        lines.push('fail');
        expected.push('bad\n[exit 3] fail\n');
      } else {
        lines.push(`chunks 3 c${i}.`);
        expected.push(`c${i}.1\nc${i}.2\nc${i}.3\n`);
      }
    }
    const r = await pipedTogether(target, `${lines.join('\n')}\n`);
    expect(r.both).toBe(expected.join(''));
    // A failing command does not stop the rest; the exit code says one failed.
    expect(r).toMatchObject({ exitCode: 1, commands: 300 });
  });

  it('keeps going after a failure and exits 0 when all passed, as before', async () => {
    const { target } = await startServer({ commands });
    const passed = await pipedTogether(target, 'echo a\necho b\n');
    expect(passed).toEqual({ both: 'a\nb\n', exitCode: 0, commands: 2 });
    const failed = await pipedTogether(target, 'echo a\nnope\necho b\n');
    expect(failed.both).toMatch(/^a\n\[error UNKNOWN_COMMAND\] nope: unknown command "nope"[^\n]*\nb\n$/);
    expect(failed.exitCode).toBe(1);
  });

  it('waits for the answers before a meta command: .save holds exactly the commands above it', async () => {
    const { target } = await startServer({ commands });
    const { path } = await tempDir();
    const script = ['echo one', 'chunks 2 x', `.save ${path('first.csv')}`, 'echo two', `.save ${path('second.csv')}`].join('\n');
    const r = await pipedTogether(target, `${script}\n`);
    expect(r.both).toBe(`one\nx1\nx2\nsaved 2 rows to ${path('first.csv')} (replay: tcpcmd run ${path('first.csv')})\ntwo\nsaved 3 rows to ${path('second.csv')} (replay: tcpcmd run ${path('second.csv')})\n`);
    const rows = async (name: string) => (parse(await readFile(path(name), 'utf8'), { columns: true }) as Record<string, string>[]).map((row) => [row.command, row.stdout]);
    expect(await rows('first.csv')).toEqual([['echo one', 'one\n'], ['chunks 2 x', 'x1\n']]);
    expect(await rows('second.csv')).toEqual([['echo one', 'one\n'], ['chunks 2 x', 'x1\n'], ['echo two', 'two\n']]);
  });

  it('waits for the answers before a command that ends or changes the session', async () => {
    const { target } = await startServer({ commands });
    const quit = await pipedTogether(target, 'chunks 2 a\nchunks 2 b\nquit\necho never\n');
    expect(quit).toEqual({ both: 'a1\na2\nb1\nb2\n', exitCode: 0, commands: 2 });

    // Everything sent before the reset was answered before it went out (else it would be lost with the session).
    const r = drive({ target, terminal: false, yes: true });
    r.input.end('chunks 3 before\nchunks 3 again\nreset\n');
    await r.done;
    expect(r.out.raw).toBe('before1\nbefore3\nagain1\nagain3\n');
    expect(r.err.raw.startsWith('before2\nagain2\n')).toBe(true);
  });

  it('--fail-fast stops at the first command that fails', async () => {
    const { target } = await startServer({ commands });
    const r = drive({ target, terminal: false, failFast: true });
    r.input.end('echo one\nfail\necho never\n');
    expect(await r.done).toEqual({ exitCode: 1, commands: 2, failures: 1 });
    expect(r.out.raw).toBe('one\n');
  });
});
