import { writeFileSync } from 'node:fs';
import fc from 'fast-check';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readCsvRecords } from '../../src/batch/csv-records.js';
import { type InputRow, detectHeader, readRowBatches } from '../../src/batch/input.js';
import { validateInput } from '../../src/batch/input-check.js';
import { spoolStream } from '../../src/batch/spool.js';
import { indexTargets, parseTargetOption } from '../../src/batch/targets.js';
import { ErrorCode, TcpcmdError } from '../../src/protocol/index.js';
import { useTempDir } from './helpers.js';

const t = useTempDir();

const target = parseTargetOption('127.0.0.1:10000');
const known = indexTargets([target]);

function file(name: string, content: string | Buffer): string {
  const path = t.path(name);
  writeFileSync(path, content);
  return path;
}

async function rowsOf(path: string, opts: Parameters<typeof validateInput>[1] = {}): Promise<InputRow[]> {
  const input = await validateInput(path, { hasDefaultTarget: true, knownTargets: known, ...opts });
  const rows: InputRow[] = [];
  for await (const batch of readRowBatches(input, known)) rows.push(...batch);
  return rows;
}

/** The BAD_INPUT / USAGE message validateInput throws. */
async function problemsOf(path: string, opts: Parameters<typeof validateInput>[1] = {}): Promise<{ code: string; message: string }> {
  try {
    await validateInput(path, { displayName: 'cmds.csv', hasDefaultTarget: true, ...opts });
  } catch (err) {
    if (err instanceof TcpcmdError) return { code: err.code, message: err.message };
    throw err;
  }
  throw new Error('expected the input to be rejected');
}

describe('RFC 4180 reading', () => {
  it('reads quoted commas, quoted newlines and doubled quotes', { timeout: 5000 }, async () => {
    const path = file('a.csv', 'command,name\n"echo a,b",comma\n"linux:printf ""x\ny""",newline\n"say ""hi""","q ""n"""\n');
    const rows = await rowsOf(path);
    expect(rows.map((r) => [r.seq, r.command, r.name])).toEqual([
      [1, 'echo a,b', 'comma'],
      [2, 'linux:printf "x\ny"', 'newline'],
      [3, 'say "hi"', 'q "n"'],
    ]);
  });

  it('reads a BOM and CRLF line ends, and keeps a CRLF inside quotes', { timeout: 5000 }, async () => {
    const path = file('b.csv', Buffer.from('\uFEFFcommand,expect\r\nos,Linux\r\n"linux:printf ""a\r\nb""",a\r\n', 'utf8'));
    const rows = await rowsOf(path);
    expect(rows.map((r) => [r.command, r.expect])).toEqual([
      ['os', 'Linux'],
      ['linux:printf "a\r\nb"', 'a'],
    ]);
  });

  it('keeps unicode intact', { timeout: 5000 }, async () => {
    const path = file('u.csv', 'command,name\necho héllo wörld ✓,日本語\n"echo 🎉,ok",emoji\n');
    const rows = await rowsOf(path);
    expect(rows.map((r) => [r.command, r.name])).toEqual([
      ['echo héllo wörld ✓', '日本語'],
      ['echo 🎉,ok', 'emoji'],
    ]);
  });

  it('reads a file without a header as one command per row, blank lines skipped', { timeout: 5000 }, async () => {
    const path = file('h.csv', 'os\n\nhostname\n"echo a,b"\n   \nname\n');
    const rows = await rowsOf(path);
    expect(rows.map((r) => [r.seq, r.command])).toEqual([
      [1, 'os'],
      [2, 'hostname'],
      [3, 'echo a,b'],
      [4, 'name'], // `name` alone is a command (the hostname alias), not a header
    ]);
  });

  it('reads columns in any order, case-insensitively, with optional trailing cells', { timeout: 5000 }, async () => {
    const path = file('o.csv', ' Expect_Exit ,TIMEOUT,Command,Name\n1,5s,exit 1,one\n,,os\n');
    const rows = await rowsOf(path);
    expect(rows[0]).toMatchObject({ command: 'exit 1', expectExit: 1, timeout: 5000, name: 'one' });
    expect(rows[1]).toMatchObject({ command: 'os', expectExit: 0, timeout: null, name: '' });
  });

  it('counts lines where records start, across quoted newlines and at any chunk size', { timeout: 5000 }, async () => {
    const text = 'command\r\n"a\r\nb"\r\n\r\nc\n"d\n\ne"\rf\n';
    const path = file('l.csv', text);
    for (const highWaterMark of [1, 2, 3, 7, 64 * 1024]) {
      const recs = [];
      for await (const r of readCsvRecords(path, { highWaterMark })) recs.push([r.cells[0], r.line, r.start, r.end]);
      expect(recs).toEqual([
        ['command', 1, 0, 9],
        ['a\r\nb', 2, 9, 17],
        ['', 4, 17, 19],
        ['c', 5, 19, 21],
        ['d\n\ne', 6, 21, 28],
        ['f', 9, 28, 30],
      ]);
    }
    // After a byte order mark, offsets still count every byte of the file.
    const bom = file('l-bom.csv', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('command\nos\n')]));
    const recs = [];
    for await (const r of readCsvRecords(bom, { highWaterMark: 2 })) recs.push([r.cells[0], r.line, r.start, r.end]);
    expect(recs).toEqual([['command', 1, 3, 11], ['os', 2, 11, 14]]);
  });

  it('gives every record its line and byte offsets, whatever its cells, line ends and the chunk size', { timeout: 20_000 }, async () => {
    const cell = fc.oneof(
      fc.stringMatching(/^[a-zé✓ ]{0,6}$/),
      // Quoted, with line breaks of every kind and doubled quotes inside.
      fc.array(fc.constantFrom('a', 'é', '\r\n', '\n', '\r', '""', ','), { maxLength: 6 }).map((parts) => `"${parts.join('')}"`),
    );
    const record = fc.tuple(fc.array(cell, { minLength: 1, maxLength: 3 }), fc.constantFrom('\r\n', '\n', '\r'));
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(record, { minLength: 1, maxLength: 8 }), fc.constantFrom(1, 3, 16, 64 * 1024), async (records, highWaterMark) => {
        // The expected start of each record: bytes and line breaks (a CRLF is one) before it.
        const texts = records.map(([cells, end]) => cells.join(',') + end);
        // A lone CR before a blank LF-ended record would read as one CRLF.
        fc.pre(texts.every((t, i) => !t.endsWith('\r') || !texts[i + 1]?.startsWith('\n')));
        const expected: [number, number][] = [];
        let text = '';
        for (const [cells, end] of records) {
          expected.push([text.split(/\r\n|\n|\r/).length, Buffer.byteLength(text)]);
          text += cells.join(',') + end;
        }
        const path = file(`p${run++}.csv`, text);
        const got: [number, number][] = [];
        for await (const r of readCsvRecords(path, { highWaterMark })) got.push([r.line, r.start]);
        expect(got).toEqual(expected);
      }),
      { numRuns: 150 },
    );
  });

  it('spools stdin to a file that validates and streams like any other', { timeout: 5000 }, async () => {
    const spooled = await spoolStream(Readable.from([Buffer.from('command\nos\n'), Buffer.from('"echo a,b"\n')]));
    try {
      const rows = await rowsOf(spooled.path, { displayName: '<stdin>' });
      expect(rows.map((r) => r.command)).toEqual(['os', 'echo a,b']);
    } finally {
      await spooled.cleanup();
    }
  });
});

describe('header detection', () => {
  it('takes a record naming command, or several known columns, as a header', () => {
    expect(detectHeader(['command']).kind).toBe('header');
    expect(detectHeader(['seq', 'status', 'command', 'stdout']).kind).toBe('header');
    expect(detectHeader(['name', 'target'])).toMatchObject({ kind: 'header', problems: ['the header has no "command" column (it names name, target)'] });
    expect(detectHeader(['os']).kind).toBe('none');
    expect(detectHeader(['name']).kind).toBe('none');
    expect(detectHeader(['echo a', 'b']).kind).toBe('none');
  });

  it('ignores unknown columns only when told to', () => {
    expect(detectHeader(['command', 'owner'], true)).toMatchObject({ kind: 'header', columns: ['command', null], problems: [] });
  });
});

describe('validation errors, as file:line: message', () => {
  it('unclosed quote, at the line where its record starts', { timeout: 5000 }, async () => {
    const path = file('q.csv', 'command\nos\n"echo ""a\nb\n');
    expect(await problemsOf(path)).toEqual({
      code: ErrorCode.BAD_INPUT,
      message: 'cmds.csv:3: unclosed quote: the quoted cell that starts in this record runs to the end of the file',
    });
  });

  it('bytes that are not UTF-8 (a Latin-1 file), at the record that holds them, at any chunk size', { timeout: 5000 }, async () => {
    const path = file('latin1.csv', Buffer.concat([Buffer.from('command\nos\n"echo caf'), Buffer.from([0xe9]), Buffer.from('\nx"\nhostname\n')]));
    for (const highWaterMark of [1, 5, 64 * 1024]) {
      expect(await problemsOf(path, { highWaterMark })).toEqual({
        code: ErrorCode.BAD_INPUT,
        message: 'cmds.csv:3: this record is not valid UTF-8 (was the file saved as Latin-1 or Windows-1252?): save it as UTF-8',
      });
    }
    // A character that is U+FFFD in the file itself is text like any other, even before a bad byte.
    expect((await rowsOf(file('fffd.csv', 'command\necho \uFFFD\n'))).map((r) => r.command)).toEqual(['echo \uFFFD']);
    const both = file('both.csv', Buffer.concat([Buffer.from('command\necho \uFFFD\nos\necho '), Buffer.from([0xff]), Buffer.from('\n')]));
    expect((await problemsOf(both)).message).toMatch(/^cmds\.csv:4: this record is not valid UTF-8/);
    // Two-, three- and four-byte characters cut by every chunk size are whole characters all the same.
    const wide = file('wide.csv', 'command\necho é€😀\necho 😀€é\n');
    for (const highWaterMark of [1, 2, 3, 5]) {
      expect((await rowsOf(wide, { highWaterMark })).map((r) => r.command)).toEqual(['echo é€😀', 'echo 😀€é']);
    }
    // A character cut short at the very end of the file.
    const cut = file('cut.csv', Buffer.concat([Buffer.from('command\nos\necho '), Buffer.from('é').subarray(0, 1)]));
    expect((await problemsOf(cut)).message).toMatch(/^cmds\.csv:3: this record is not valid UTF-8/);
  });

  it("reads UTF-16LE with its BOM (Windows PowerShell's default), and refuses UTF-16BE with what to do", { timeout: 5000 }, async () => {
    const text = 'command,name\r\n"linux:printf ""a\r\nb""",é\r\nos,x\r\n';
    const le = file('le.csv', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]));
    for (const keepRows of [undefined, 0]) {
      expect((await rowsOf(le, { keepRows })).map((r) => [r.seq, r.command, r.name])).toEqual([[1, 'linux:printf "a\r\nb"', 'é'], [2, 'os', 'x']]);
    }
    const lines = [];
    for await (const r of readCsvRecords(le, { highWaterMark: 3 })) lines.push([r.line, r.start, r.end]);
    expect(lines).toEqual([[1, 2, 30], [2, 30, 84], [4, 84, 96]]);
    const be = file('be.csv', Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from('command\n', 'utf16le').swap16()]));
    expect(await problemsOf(be)).toEqual({ code: ErrorCode.BAD_INPUT, message: 'cmds.csv:1: the file is UTF-16 big-endian, which tcpcmd does not read: save it as UTF-8' });
  });

  it('a stray quote inside an unquoted cell', { timeout: 5000 }, async () => {
    const path = file('q2.csv', 'os\nlinux:echo "hi"\n');
    expect((await problemsOf(path)).message).toBe(
      'cmds.csv:2: a quote inside an unquoted cell: quote the whole cell and double the quotes in it, e.g. "linux:echo ""hi"""',
    );
  });

  it('text after a closing quote', { timeout: 5000 }, async () => {
    const path = file('q3.csv', 'command\n"os"x\n');
    expect((await problemsOf(path)).message).toBe(
      'cmds.csv:2: text after a closing quote: a quoted cell must end at a comma or at the end of the line (write a quote inside quotes as "")',
    );
  });

  it('unknown column, and duplicate column', { timeout: 5000 }, async () => {
    expect((await problemsOf(file('c.csv', 'command,owner\nos,me\n'))).message).toBe(
      'cmds.csv:1: unknown column "owner" (known: command, target, timeout, expect, expect_exit, name; --ignore-unknown-columns skips it)',
    );
    expect((await problemsOf(file('d.csv', 'command,Command\nos,os\n'))).message).toBe('cmds.csv:1: column "command" appears twice in the header');
  });

  it('every row problem, with the line of each', { timeout: 5000 }, async () => {
    const path = file(
      'e.csv',
      [
        'command,timeout,expect,expect_exit,target',
        ',,,,',
        'os,soon,,,',
        'os,,(,,',
        'os,,,zero,',
        'os,,,,bad host:1',
        '"multi',
        'line",0,,,',
        'os,1,,,,extra',
        'os,1s,ok,any,10.0.0.1',
      ].join('\n') + '\n',
    );
    const { code, message } = await problemsOf(path);
    expect(code).toBe(ErrorCode.BAD_INPUT);
    const lines = message.split('\n');
    expect(lines[0]).toBe('cmds.csv:3: timeout "soon" is not a duration: use milliseconds (5000) or a unit (500ms, 1.5s, 2m), from 1ms to 2147483647ms');
    expect(lines[1]).toMatch(/^cmds\.csv:4: expect "\(" is not a valid regular expression: Invalid regular expression: .*Unterminated group/);
    expect(lines.slice(2)).toEqual([
      'cmds.csv:5: expect_exit "zero" must be a whole number (e.g. 0) or "any"',
      'cmds.csv:6: target "bad host:1": host in "bad host:1" must not contain spaces',
      'cmds.csv:7: timeout "0" is not a duration: use milliseconds (5000) or a unit (500ms, 1.5s, 2m), from 1ms to 2147483647ms',
      'cmds.csv:9: this row has 6 cells, but the header names 5 columns',
    ]);
  });

  it('an empty command', { timeout: 5000 }, async () => {
    expect((await problemsOf(file('ec.csv', 'command,name\n  ,x\n'))).message).toBe('cmds.csv:2: command is empty');
  });

  it('several cells without a header', { timeout: 5000 }, async () => {
    expect((await problemsOf(file('n.csv', 'os\necho a,b\n'))).message).toBe(
      'cmds.csv:2: this row has 2 cells, but the file has no header, so each row is one command: ' +
        'quote a command that contains commas ("echo a,b"), or add a header row such as command,target,expect',
    );
  });

  it('rows without a target are a usage error naming the first row', { timeout: 5000 }, async () => {
    const path = file('t.csv', 'command,target\nos,127.0.0.1:1\nos,\nhostname,\n');
    expect(await problemsOf(path, { hasDefaultTarget: false })).toEqual({
      code: ErrorCode.USAGE,
      message:
        'cmds.csv:3: this row has no target: give --target host:port or --targets servers.csv, or fill its target cell (and 1 more row without a target)',
    });
  });

  it('keeps the first 20 problems and counts the rest', { timeout: 5000 }, async () => {
    const path = file('many.csv', 'command,timeout\n' + 'os,x\n'.repeat(25));
    const lines = (await problemsOf(path)).message.split('\n');
    expect(lines).toHaveLength(21);
    expect(lines[19]).toMatch(/^cmds\.csv:21: timeout "x"/);
    expect(lines[20]).toBe('... and 5 more problems');
  });

  it('a missing file is an IO error', { timeout: 5000 }, async () => {
    await expect(validateInput(t.path('nope.csv'))).rejects.toMatchObject({ code: ErrorCode.IO_ERROR });
  });
});

describe('validated ranges', () => {
  // keepRows 0: the rows are read from the file again, as for a large file.
  it.each([['kept from the check', undefined], ['read again', 0]])('groups rows by target, with their byte ranges and the shard applied to counts (rows %s)', { timeout: 5000 }, async (_how, keepRows) => {
    const path = file('r.csv', 'command,target\nos,\nos,10.0.0.1\n\nos,\nos,10.0.0.1:10000\nos,10.0.0.2:7\n');
    const input = await validateInput(path, { hasDefaultTarget: true, shard: { index: 1, count: 2 }, keepRows });
    expect(input.kept === undefined).toBe(keepRows === 0);
    expect(input.rows).toBe(5);
    expect(input.untargeted).toMatchObject({ rows: 2, firstSeq: 1, lastSeq: 3 });
    expect([...input.targeted.keys()]).toEqual(['10.0.0.1:10000', '10.0.0.2:7']);
    expect(input.targeted.get('10.0.0.1:10000')?.range).toMatchObject({ rows: 0, firstSeq: 2, lastSeq: 4 });
    expect(input.targeted.get('10.0.0.2:7')?.range).toMatchObject({ rows: 1, firstSeq: 5, lastSeq: 5 });
    const range = input.targeted.get('10.0.0.1:10000')?.range;
    const rows: InputRow[] = [];
    for await (const batch of readRowBatches(input, new Map(), range)) rows.push(...batch);
    expect(rows.map((r) => [r.seq, r.target?.key ?? null])).toEqual([
      [2, '10.0.0.1:10000'],
      [3, null],
      [4, '10.0.0.1:10000'],
    ]);
    const all: InputRow[] = [];
    for await (const batch of readRowBatches(input, new Map())) all.push(...batch);
    expect(all.map((r) => r.seq)).toEqual([1, 2, 3, 4, 5]);
  });

  it('keeps the rows of a small file only', { timeout: 5000 }, async () => {
    const path = file('k.csv', 'command\nos\nhostname\nram\n');
    expect((await validateInput(path, { hasDefaultTarget: true, keepRows: 3 })).kept?.map((r) => r.command)).toEqual(['os', 'hostname', 'ram']);
    expect((await validateInput(path, { hasDefaultTarget: true, keepRows: 2 })).kept).toBeUndefined();
  });
});
