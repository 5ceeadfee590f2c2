import { describe, expect, it } from 'vitest';
import type { Command } from '../../src/server/command.js';
import { CommandRegistry } from '../../src/server/registry.js';

const command = (name: string, extra: Partial<Command> = {}): Command => ({ name, usage: name, summary: name, run: async () => ({ exitCode: 0 }), ...extra });
const registry = new CommandRegistry([command('cpu'), command('hostname', { aliases: ['host'] }), command('linux', { shell: true })]);

describe('CommandRegistry', () => {
  it('finds a command by name or alias, whatever the case, and splits off its arguments', () => {
    expect(registry.resolve('  CPU  ')).toMatchObject({ name: 'cpu', args: '' });
    expect(registry.resolve('Host a b')).toMatchObject({ name: 'host', args: 'a b', command: { name: 'hostname' } });
  });

  it('runs a shell prefix as name:command, and says how when the colon is missing', () => {
    expect(registry.resolve('linux:ls -l /')).toMatchObject({ name: 'linux', args: 'ls -l /' });
    expect(registry.resolve('LINUX:\n')).toMatchObject({ name: 'linux', args: '' });
    expect(registry.resolve('linux ls')).toEqual({ error: { code: 'BAD_ARGUMENTS', message: 'linux runs a shell command: write it as linux:<command>, e.g. linux:ls' } });
  });

  it('answers an unknown or empty command with a code, and a guess when one is close', () => {
    expect(registry.resolve('cpuu')).toEqual({ error: { code: 'UNKNOWN_COMMAND', message: 'unknown command "cpuu" — did you mean "cpu"? (type help for the list)' } });
    expect(registry.resolve('zzzzzzzz')).toMatchObject({ error: { code: 'UNKNOWN_COMMAND' } });
    expect(registry.resolve('   ')).toMatchObject({ error: { code: 'BAD_ARGUMENTS' } });
  });

  it('lists every name a user may type, shell prefixes with their colon', () => {
    expect(registry.names()).toEqual(['cpu', 'hostname', 'host', 'linux:']);
  });
});
