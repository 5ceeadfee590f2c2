import { describe, expect, it } from 'vitest';
import { builtinCommands } from '../../../src/server/builtins/index.js';

describe('builtinCommands', () => {
  const names = builtinCommands.flatMap((c) => [c.name, ...(c.aliases ?? [])]);

  it('starts with help and has every command of the design', () => {
    expect(builtinCommands[0]?.name).toBe('help');
    for (const name of ['os', 'cpu', 'ram', 'disk', 'hostname', 'name', 'ip', 'uptime', 'version', 'python', 'node', 'ping', 'echo', 'info',
      'linux', 'dos', 'powershell', 'disconnect', 'exit', 'quit', 'reset', 'kill']) {
      expect(names).toContain(name);
    }
  });

  it('has unique lower-case names, each with usage and summary', () => {
    expect(new Set(names).size).toBe(names.length);
    for (const name of names) expect(name).toMatch(/^[a-z]+$/);
    for (const command of builtinCommands) {
      expect(command.usage.startsWith(command.name)).toBe(true);
      expect(command.summary.length).toBeGreaterThan(0);
    }
  });

  it('marks the shell prefixes and the admin commands', () => {
    expect(builtinCommands.filter((c) => c.shell).map((c) => c.name)).toEqual(['linux', 'dos', 'powershell']);
    expect(builtinCommands.filter((c) => c.admin).map((c) => c.name).sort()).toEqual(['kill', 'reset']);
  });
});
