/** docs/errors.md names every error code, with the exit code src/cli/exit-codes.ts gives it. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { exitCodeFor } from '../../src/cli/exit-codes.js';
import { ErrorCode, TcpcmdError } from '../../src/protocol/index.js';

const doc = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8');
const rows = new Map([...doc.matchAll(/^\| `([A-Z_]+)` \| (\d+) \|/gm)].map((m) => [m[1] as string, Number(m[2])]));

describe('docs/errors.md', () => {
  it('documents every error code, and no code that does not exist', () => {
    expect([...rows.keys()].sort()).toEqual(Object.values(ErrorCode).sort());
  });

  it('gives each code the exit code the CLI uses', () => {
    for (const code of Object.values(ErrorCode)) expect({ code, exit: exitCodeFor(new TcpcmdError(code, 'x'), 'run') }).toEqual({ code, exit: rows.get(code) });
  });

  it('is linked from the README and the protocol doc', () => {
    for (const file of ['../../README.md', '../../docs/protocol.md']) expect(readFileSync(new URL(file, import.meta.url), 'utf8')).toContain('docs/errors.md');
  });
});
