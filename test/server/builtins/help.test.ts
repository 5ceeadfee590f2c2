import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../src/protocol/index.js';
import { help } from '../../../src/server/builtins/help.js';
import { builtinCommands } from '../../../src/server/builtins/index.js';
import { runCommand } from '../run-context.js';

describe('help', () => {
  it('lists every command with usage and summary, the summaries lined up', async () => {
    const { outcome, stdout } = await runCommand(help);
    expect(outcome).toEqual({ exitCode: 0 });
    const lines = stdout().trimEnd().split('\n');
    const rows = lines.slice(0, builtinCommands.length);
    const columns = new Set<number>();
    builtinCommands.forEach((command, i) => {
      const row = rows[i] ?? '';
      expect(row.startsWith(command.usage)).toBe(true);
      expect(row.endsWith(command.summary) || row.includes(`${command.summary} (also: `)).toBe(true);
      columns.add(row.indexOf(command.summary));
    });
    expect(columns.size).toBe(1);
    expect(stdout()).toContain('(also: exit, quit)');
  });

  it('lists what the server offers, not a fixed list', async () => {
    const only = builtinCommands.filter((c) => !c.admin);
    const { stdout } = await runCommand(help, { commands: only });
    expect(stdout()).not.toMatch(/^kill /m);
    expect(stdout()).toMatch(/^cpu /m);
  });

  it('describes one command, found by name or alias, any case, with or without a colon', async () => {
    const { outcome, stdout } = await runCommand(help, { args: 'cpu' });
    expect(outcome).toEqual({ exitCode: 0 });
    expect(stdout()).toMatch(/^usage: +cpu\nsummary: +processor/);
    expect((await runCommand(help, { args: 'EXIT' })).stdout()).toContain('usage:   disconnect\n');
    expect((await runCommand(help, { args: 'Linux:' })).stdout()).toContain('--no-shell');
    expect((await runCommand(help, { args: 'kill' })).stdout()).toContain('--no-admin');
  });

  it('answers BAD_ARGUMENTS for an unknown command or too many names', async () => {
    const unknown = await runCommand(help, { args: 'frobnicate' });
    expect(unknown.outcome).toEqual({ exitCode: null, error: { code: ErrorCode.BAD_ARGUMENTS, message: 'help: no command named "frobnicate"; type help for the list' } });
    const many = await runCommand(help, { args: 'cpu ram' });
    expect(many.outcome.error?.code).toBe(ErrorCode.BAD_ARGUMENTS);
    expect(many.outcome.error?.message).toContain('"cpu ram"');
  });
});
