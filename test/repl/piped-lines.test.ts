// The lines of a piped script, read without readline: they must end where readline ends them.
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { MAX_QUEUED, PipedLines } from '../../src/repl/piped-lines.js';

async function allLines(source: PipedLines): Promise<string[]> {
  const lines: string[] = [];
  for (;;) {
    const line = source.takeQueued() ?? (await source.nextLine());
    if (line === undefined) return lines;
    lines.push(line);
  }
}

/** What readline (crlfDelay: Infinity, as the terminal REPL uses it) makes of the same chunks. */
async function readlineLines(chunks: (string | Buffer)[]): Promise<string[]> {
  const input = new PassThrough();
  const rl = createInterface({ input, terminal: false, crlfDelay: Infinity });
  const lines: string[] = [];
  rl.on('line', (line) => lines.push(line));
  for (const chunk of chunks) input.write(chunk);
  input.end();
  await once(rl, 'close');
  return lines;
}

async function pipedLines(chunks: (string | Buffer)[]): Promise<string[]> {
  const input = new PassThrough();
  const source = new PipedLines(input);
  const lines = allLines(source);
  for (const chunk of chunks) {
    input.write(chunk);
    await new Promise((r) => setImmediate(r)); // each chunk a read of its own
  }
  input.end();
  return lines;
}

describe('PipedLines', () => {
  const euro = Buffer.from('echo €\n');
  const cases: [string, (string | Buffer)[]][] = [
    ['plain lines, the last without an end', ['echo a\necho b\n', 'echo c']],
    ['a line split across reads', ['ec', 'ho a\nech', 'o b\n']],
    ['CRLF, a lone CR, and CRLF split across reads', ['a\r\nb\rc\r', '\nd\n\r\n\n']],
    ['empty lines and an empty read', ['\n\n', '', 'x\n']],
    ['a character split across reads', [euro.subarray(0, 6), euro.subarray(6)]],
    ['nothing', []],
  ];
  for (const [name, chunks] of cases) {
    it(`ends lines where readline does: ${name}`, async () => {
      expect(await pipedLines(chunks)).toEqual(await readlineLines(chunks));
    });
  }

  it('pauses its input while many lines wait, and reads on as they are taken', async () => {
    const input = new PassThrough();
    const source = new PipedLines(input);
    const n = MAX_QUEUED * 5;
    input.end('x\n'.repeat(n));
    await new Promise((r) => setImmediate(r));
    expect(input.isPaused()).toBe(true);
    expect((await allLines(source)).length).toBe(n);
  });

  it('holds a bounded number of lines however long the script, for a reader slower than its input', async () => {
    const input = new PassThrough();
    const source = new PipedLines(input);
    const chunk = 'x\n'.repeat(700);
    const chunks = 30; // 21,000 lines
    let most = 0;
    let taken = 0;
    const writing = (async () => {
      for (let i = 0; i < chunks; i++) if (!input.write(chunk)) await once(input, 'drain');
      input.end();
    })();
    for (;;) {
      const line = source.takeQueued() ?? (await source.nextLine());
      if (line === undefined) break;
      most = Math.max(most, source.held);
      if (++taken % 100 === 0) await new Promise((r) => setImmediate(r)); // slower than the input
    }
    await writing;
    expect(taken).toBe(chunks * 700);
    expect(most).toBeLessThanOrEqual(2 * MAX_QUEUED + 700);
  });

  it('after close() gives the lines read already, then the end', async () => {
    const input = new PassThrough();
    const source = new PipedLines(input);
    input.write('a\nb\n');
    await new Promise((r) => setImmediate(r));
    source.close();
    input.write('c\n');
    expect(await allLines(source)).toEqual(['a', 'b']);
  });
});
