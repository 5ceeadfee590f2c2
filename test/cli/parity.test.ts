/**
 * Every command's flags read alike by the fast path (Node's parseArgs) and by
 * yargs: the same values, or the same message. The cases come from the
 * declarations, so a flag added later is covered without a word here.
 */
import { describe, expect, it } from 'vitest';
import type { Command } from '../../src/cli/command.js';
import { parseFast } from '../../src/cli/command-line.js';
import { parseWithYargs } from '../../src/cli/yargs-path.js';
import { COMMANDS } from '../../src/cli/main.js';

const SETUP = { usage: '', epilogue: '', version: '0' };

type Outcome = { args: Record<string, unknown> } | { error: string } | 'yargs';

async function both(argv: string[]): Promise<[fast: Outcome, yargs: Outcome]> {
  const command = COMMANDS.find((c) => c.name === argv[0]) as Command;
  const outcome = async (read: () => Promise<{ args: Record<string, unknown> } | undefined>): Promise<Outcome> => {
    try {
      const parsed = await read();
      return parsed ? { args: parsed.args } : 'yargs';
    } catch (err) {
      return { error: (err as Error).message };
    }
  };
  return [await outcome(async () => parseFast(command, argv.slice(1))), await outcome(() => parseWithYargs(argv, COMMANDS, SETUP))];
}

async function expectSame(argv: string[]): Promise<Outcome> {
  const [fast, yargs] = await both(argv);
  expect(yargs, argv.join(' ')).toEqual(fast);
  return fast;
}

/** The command's required positionals, with valid values: the fixed ones, then the rest (exec's command). */
function positionalsOf(command: Command): { fixed: string[]; rest: string[] } {
  const fixed: string[] = [];
  const rest: string[] = [];
  for (const p of Object.values(command.positionals)) {
    if (p.rest) rest.push(p.example, 'p', 'q');
    else if (p.required) fixed.push(p.example);
  }
  return { fixed, rest };
}

describe('every flag reads alike with and without yargs', () => {
  for (const command of COMMANDS) {
    it(`tcpcmd ${command.name}`, async () => {
      const { fixed, rest } = positionalsOf(command);
      const line = (...flags: string[]): string[] => [command.name, ...flags, ...fixed, ...rest];
      const after = (...flags: string[]): string[] => [command.name, ...fixed, ...flags, ...rest];
      expect(await expectSame(line())).toHaveProperty('args');
      for (const [name, f] of Object.entries(command.flags)) {
        const forms: string[][] =
          f.kind === 'boolean'
            ? [[`--${name}`], [`--no-${name}`], [`--${name}`, `--no-${name}`], [`--no-${name}`, `--${name}`]]
            : [[`--${name}`, f.example ?? 'x'], [`--${name}=${f.example ?? 'x'}`], [`--${name}`, 'abc'], [`--${name}`, 'abc', `--${name}`, f.example ?? 'x'], [`--${name}`, '']];
        if (f.alias) forms.push(f.kind === 'boolean' ? [`-${f.alias}`] : [`-${f.alias}`, f.example ?? 'x']);
        for (const form of forms) {
          const outcome = await expectSame(line(...form));
          await expectSame(after(...form));
          if (f.kind === 'boolean' && 'args' in (outcome as object)) expect((outcome as { args: Record<string, unknown> }).args[name]).toBe(form[form.length - 1]?.startsWith('--no-') ? false : true);
        }
        if (f.kind === 'value' && f.example !== undefined) {
          // Given twice: a list keeps both, any other flag the last one.
          const outcome = await expectSame(line(`--${name}`, f.example, `--${name}`, f.example));
          if (f.multiple) expect(outcome).toMatchObject({ args: { [name]: [f.example, f.example] } });
        }
      }
      // Nothing typed vanishes: an unknown option is an error naming it, whatever its place before the command.
      for (const argv of [line('--bogus'), after('--bogus', '3'), line('--no-bogus'), line('-Z')]) {
        const outcome = await expectSame(argv);
        expect(outcome).toEqual({ error: expect.stringMatching(/^unknown option (--bogus|--no-bogus|-Z)/) });
      }
    });
  }
});

describe('the command lines of the issues, both ways', () => {
  it('exec: the command is every word after the target; -- ends the options; words after the command are the command', async () => {
    expect(await expectSame(['exec', '--no-tls', 'h:1', 'echo', 'p', 'q'])).toMatchObject({ args: { target: 'h:1', command: ['echo', 'p', 'q'], tls: false } });
    expect(await expectSame(['exec', 'h', 'echo', '--timeout', '3', '--', 'x'])).toMatchObject({ args: { command: ['echo', '--timeout', '3', '--', 'x'] } });
    expect(await expectSame(['exec', '--', 'h:1', 'linux:echo', 'a'])).toMatchObject({ args: { target: 'h:1', command: ['linux:echo', 'a'] } });
    expect(await expectSame(['exec', '--timeout', '5000', 'h', '--', 'echo', '-n'])).toMatchObject({ args: { timeout: 5000, command: ['echo', '-n'] } });
    expect(await expectSame(['exec', 'h', '--timeout', '2s', 'echo'])).toMatchObject({ args: { timeout: 2000, command: ['echo'] } });
    expect(await expectSame(['exec', 'h', '--tmeout', '100', 'linux:sleep 1; echo slept'])).toEqual({ error: 'unknown option --tmeout (did you mean --timeout?)' });
    expect(await expectSame(['exec', '--bogus', 'h', 'hostname'])).toEqual({ error: 'unknown option --bogus' });
    expect(await expectSame(['exec', 'h'])).toEqual({ error: expect.stringMatching(/^missing <command>/) });
    expect(await expectSame(['exec'])).toEqual({ error: expect.stringMatching(/^missing <target>/) });
  });

  it('top: its servers are a list, with flags before, among or after them; -- ends the flags', async () => {
    expect(await expectSame(['top', 'a:1', '--once', 'b:2', '-n', '2s'])).toMatchObject({ args: { servers: ['a:1', 'b:2'], once: true, interval: 2000 } });
    expect(await expectSame(['top', '--ascii', 'a:1', '--', '--once'])).toMatchObject({ args: { servers: ['a:1', '--once'], ascii: true } });
    expect(await expectSame(['top', 'a:1', '--bogus'])).toEqual({ error: 'unknown option --bogus' });
  });

  it('a malformed target is a usage error before anything runs', async () => {
    for (const argv of [
      ['exec', '127.0.0.1:20000:5', 'hostname'],
      ['run', '-', '--target', '127.0.0.1:20000:70000'],
      ['wait', 'h:0'],
      ['wait', 'h:65536'],
      ['wait', '[nothost]:1'],
      ['wait', 'a b'],
    ]) {
      expect(await expectSame(argv)).toEqual({ error: expect.stringMatching(/^(<target>|--target): expected host\[:port\] .*, got "/) });
    }
    expect(await expectSame(['wait', '[::1]:2000'])).toMatchObject({ args: { target: '[::1]:2000' } });
    expect(await expectSame(['wait', '::1'])).toMatchObject({ args: { target: '::1' } });
  });

  it('values are checked in one place, with one message shape', async () => {
    expect(await expectSame(['wait', 'h', '--timeout', 'abc'])).toEqual({ error: '--timeout: expected a duration in ms (e.g. 5000), got "abc"' });
    expect(await expectSame(['connect', '--timeout', 'abc'])).toEqual({ error: '--timeout: expected a duration in ms (e.g. 5000), got "abc"' });
    expect(await expectSame(['serve', '--run-timeout', 'abc'])).toEqual({ error: '--run-timeout: expected a duration in ms (e.g. 5000), got "abc"' });
    expect(await expectSame(['run', '-', '--shard', '-1/2'])).toEqual({ error: '--shard: expected i/n with 1 <= i <= n (e.g. 2/4), got "-1/2"' });
    expect(await expectSame(['run', '-', '-f', 'xml'])).toEqual({ error: '--format: expected one of csv, jsonl, json, junit, got "xml"' });
    expect(await expectSame(['run', '-', 'extra'])).toEqual({ error: 'unexpected argument "extra"' });
    expect(await expectSame(['run', '--', '-'])).toMatchObject({ args: { file: '-' } });
    expect(await expectSame(['serve', '--allow', 'a*', '--allow', 'b', '--deny', 'c'])).toMatchObject({ args: { allow: ['a*', 'b'], deny: ['c'] } });
    expect(await expectSame(['serve'])).toMatchObject({ args: { allow: [], deny: [], port: 10000, host: '127.0.0.1', shell: true } });
  });
});
