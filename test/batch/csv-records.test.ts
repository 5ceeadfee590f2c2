/**
 * csv-records.ts reads csv-parse's internal counters (`info.bytes`,
 * `info.lines`) from its Parser subclass at the moment each record is pushed,
 * and relies on a written chunk being parsed synchronously. Nothing in
 * csv-parse's documentation promises either, so its version is pinned
 * exactly in package.json and these tests say what an upgrade must keep.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { RecordTaker } from '../../src/batch/csv-records.js';

const OPTIONS = { relax_column_count: true, skip_empty_lines: false, record_delimiter: ['\r\n', '\n', '\r'] };

describe('csv-parse as RecordTaker reads it', () => {
  it('is pinned to one exact version', () => {
    const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { dependencies: Record<string, string> };
    expect(manifest.dependencies['csv-parse']).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('hands over the records a chunk completes as soon as it is written, with bytes read and the line each ends on', () => {
    const parser = new RecordTaker(OPTIONS);
    parser.write(Buffer.from('a,b\r\n"x\r\ny",z\n\nc'));
    // The CRLF inside quotes counts as two lines (csv-records.ts takes one back: quotedCrlfs).
    expect(parser.collected()).toEqual({ records: [['a', 'b'], ['x\r\ny', 'z']], bytes: [5, 14], lines: [1, 4] });
    parser.write(Buffer.from('d,"e'));
    // The blank line is a record of its own, told once the parser has seen past it.
    expect(parser.collected()).toEqual({ records: [['']], bytes: [15], lines: [5] });
    parser.destroy();
  });

  it('counts through chunk boundaries, and gives the last record without a line break at the end', async () => {
    const parser = new RecordTaker(OPTIONS);
    for (const chunk of ['a,b\nc', 'd,"e', '"']) parser.write(Buffer.from(chunk));
    expect(parser.collected()).toEqual({ records: [['a', 'b']], bytes: [4], lines: [1] });
    await new Promise<void>((resolve) => parser.end(() => resolve()));
    expect(parser.collected()).toEqual({ records: [['cd', 'e']], bytes: [10], lines: [2] });
    expect(parser.errored).toBeNull();
  });

  it('keeps the records before a syntax error, and says which error on `errored` at once', () => {
    const parser = new RecordTaker(OPTIONS);
    parser.on('error', () => {});
    parser.write(Buffer.from('x\n"a"b,c\nd\n'));
    expect(parser.collected()).toEqual({ records: [['x']], bytes: [2], lines: [1] });
    expect(parser.errored).toMatchObject({ code: 'CSV_INVALID_CLOSING_QUOTE' });
  });
});
