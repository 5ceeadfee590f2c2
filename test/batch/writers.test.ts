import { openSync, readFileSync, writeSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { describe, expect, it, vi } from 'vitest';
import { OUTPUT_COLUMNS, type OutputRow } from '../../src/batch/columns.js';
import { type ByteSink, RowSink, createSink, fileSink, streamSink } from '../../src/batch/writers/index.js';
import { csvFormat } from '../../src/batch/writers/csv.js';
import { BASE64_MARK, xmlAttr, xmlText } from '../../src/batch/writers/junit.js';
import { Collect, useTempDir } from './helpers.js';

const t = useTempDir();

function row(seq: number, fields: Partial<OutputRow> = {}): OutputRow {
  return {
    seq,
    name: `row ${seq}`,
    target: '127.0.0.1:10000',
    command: `echo ${seq}`,
    timeout: null,
    expect: '',
    expect_exit: 0,
    status: 'ok',
    exit_code: 0,
    duration_ms: 3,
    started_at: '2026-01-02T03:04:05.006Z',
    stdout: `${seq}\n`,
    stderr: '',
    output_encoding: '',
    error: '',
    data: null,
    ...fields,
  };
}

/** Rows that stress every format: quotes, commas, line breaks, markup, control characters, unicode. */
const nasty: OutputRow[] = [
  row(1, { command: 'hostname', stdout: 'web "1",\n', data: { kind: 'hostname', hostname: 'web "1",' } }),
  row(2, { name: 'a,b "q"', command: 'linux:printf "x\\r\\ny"', stdout: 'x\r\ny', expect: '^x', timeout: 5000, expect_exit: 'any' }),
  row(3, { status: 'failed', exit_code: 1, stdout: '<b>&amp; "it\'s"</b>\n', stderr: 'oops\u001b[31m red\u0000\n' }),
  row(4, { status: 'error', exit_code: null, error: 'UNKNOWN_COMMAND: unknown command "x" <did you mean y?>' }),
  row(5, { status: 'timeout', exit_code: null, error: 'TIMEOUT: after 5ms' }),
  row(6, { status: 'skipped', exit_code: null, error: 'CANCELLED: not run', name: '日本語 🎉', stdout: '' }),
];

async function writeAll(format: 'csv' | 'jsonl' | 'json' | 'junit', rows: OutputRow[]): Promise<string> {
  const path = t.path(`out.${format}`);
  const sink = createSink(format, fileSink(openSync(path, 'w'), path));
  for (const r of rows) sink.push(r);
  await sink.close();
  return readFileSync(path, 'utf8');
}

function csvRecords(text: string): string[][] {
  return parse(text, { relax_column_count: false }) as string[][];
}

const asCells = (r: OutputRow): string[] => [
  String(r.seq), r.name, r.target, r.command, r.timeout === null ? '' : String(r.timeout), r.expect, String(r.expect_exit),
  r.status, r.exit_code === null ? '' : String(r.exit_code), String(r.duration_ms), r.started_at, r.stdout, r.stderr, r.output_encoding, r.error,
  r.data === null ? '' : JSON.stringify(r.data),
];

describe('formats parse back to the rows', () => {
  it('csv', async () => {
    const records = csvRecords(await writeAll('csv', nasty));
    expect(records[0]).toEqual([...OUTPUT_COLUMNS]);
    expect(records.slice(1)).toEqual(nasty.map(asCells));
  });

  it('jsonl: one object per line, keys in column order', async () => {
    const text = await writeAll('jsonl', nasty);
    const lines = text.trimEnd().split('\n');
    expect(lines).toHaveLength(nasty.length);
    const objects = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(objects).toEqual(nasty);
    expect(Object.keys(objects[0] ?? {})).toEqual([...OUTPUT_COLUMNS]);
  });

  it('json: a valid array, also when empty', async () => {
    expect(JSON.parse(await writeAll('json', nasty))).toEqual(nasty);
    expect(JSON.parse(await writeAll('json', []))).toEqual([]);
  });

  it('junit: well-formed XML with counts, one testcase per row, failures with their output', async () => {
    const xml = await writeAll('junit', nasty);
    const doc = parseXml(xml);
    expect(doc.name).toBe('testsuites');
    expect(doc.attrs).toMatchObject({ tests: '6', failures: '1', errors: '2', skipped: '1' });
    const suite = doc.children[0];
    expect(suite?.name).toBe('testsuite');
    const cases = suite?.children ?? [];
    expect(cases.map((c) => [c.attrs.name, c.attrs.classname, c.children.map((x) => x.name)])).toEqual([
      ['#1 row 1', '127.0.0.1:10000', []],
      ['#2 a,b "q"', '127.0.0.1:10000', []],
      ['#3 row 3', '127.0.0.1:10000', ['failure', 'system-out', 'system-err']],
      ['#4 row 4', '127.0.0.1:10000', ['error', 'system-out']],
      ['#5 row 5', '127.0.0.1:10000', ['error', 'system-out']],
      ['#6 日本語 🎉', '127.0.0.1:10000', ['skipped']],
    ]);
    const failed = cases[2];
    expect(failed?.children[0]?.attrs).toEqual({ message: 'exit 1, expected 0', type: 'failed' });
    expect(failed?.children[1]?.text).toBe('<b>&amp; "it\'s"</b>\n');
    expect(failed?.children[2]?.text).toBe('oops\uFFFD[31m red\uFFFD\n'); // control characters are not allowed in XML 1.0
    expect(cases[3]?.children[0]?.attrs).toEqual({ message: 'UNKNOWN_COMMAND: unknown command "x" <did you mean y?>', type: 'UNKNOWN_COMMAND' });
    expect(cases[4]?.children[0]?.attrs.type).toBe('TIMEOUT');
  });

  it('junit: output that was not text is marked as base64 on its first line', async () => {
    const bytes = Buffer.from([0x1f, 0x8b, 0x00, 0xff]).toString('base64');
    const xml = await writeAll('junit', [row(1, { status: 'failed', exit_code: 1, stdout: bytes, stderr: Buffer.from('e').toString('base64'), output_encoding: 'base64' })]);
    const testcase = parseXml(xml).children[0]?.children[0];
    expect(testcase?.children.map((c) => [c.name, c.text])).toEqual([
      ['failure', 'command: echo 1\nexit code: 1 (expected 0)'],
      ['system-out', `${BASE64_MARK}\n${bytes}`],
      ['system-err', `${BASE64_MARK}\nZQ==`],
    ]);
  });

  it('escapes XML text and attributes', () => {
    expect(xmlText('a<b>&c\u0007\uD800')).toBe('a&lt;b&gt;&amp;c\uFFFD\uFFFD');
    expect(xmlAttr('say "x"\nnext\ttab')).toBe('say &quot;x&quot;&#10;next&#9;tab');
  });
});

describe('row sink', () => {
  it('writes the rows finished in one tick with one write call, and before the next tick', async () => {
    const writes: string[] = [];
    const out: ByteSink = { write: (c) => void writes.push(c), close: async () => undefined };
    const sink = new RowSink(csvFormat(), out);
    expect(writes).toHaveLength(1); // the header
    sink.push(row(1));
    sink.push(row(2));
    sink.push(row(3));
    expect(writes).toHaveLength(1);
    await new Promise((r) => setImmediate(r));
    expect(writes).toHaveLength(2);
    expect(csvRecords(writes[1] ?? '').map((r) => r[0])).toEqual(['1', '2', '3']);
    sink.push(row(4));
    await new Promise((r) => setImmediate(r));
    expect(writes).toHaveLength(3);
    await sink.close();
  });

  it('writes at once when many rows pile up in one tick', () => {
    const writes: string[] = [];
    const sink = new RowSink(csvFormat(), { write: (c) => void writes.push(c), close: async () => undefined }, { append: true, maxPending: 10 });
    for (let i = 1; i <= 25; i++) sink.push(row(i));
    expect(writes.map((w) => csvRecords(w).length)).toEqual([10, 10]);
  });

  it('every write ends on a whole row, so a file is always whole rows up to its last write', async () => {
    const path = t.path('whole.csv');
    const fd = openSync(path, 'w');
    const sizes: number[] = [];
    const sink = new RowSink(csvFormat(), {
      write: (c) => {
        writeSync(fd, c);
        sizes.push(readFileSync(path).length);
        return undefined;
      },
      close: async () => undefined,
    });
    for (const r of nasty) {
      sink.push(r);
      await new Promise((res) => setImmediate(res));
    }
    await sink.close();
    const full = readFileSync(path);
    for (const size of sizes) expect(() => csvRecords(full.subarray(0, size).toString('utf8'))).not.toThrow();
  });

  it('reports a write error once, without throwing from push', async () => {
    const sink = new RowSink(csvFormat(), {
      write: () => {
        throw new Error('disk full');
      },
      close: async () => undefined,
    }, { append: true });
    sink.push(row(1));
    await new Promise((r) => setImmediate(r));
    expect(sink.error?.message).toBe('cannot write the results: disk full');
    await expect(sink.close()).rejects.toThrow('disk full');
  });

  it('junit: closes the output even when assembling the document fails, and reports that failure', async () => {
    let closed = 0;
    const out: ByteSink = {
      write: () => {
        throw new Error('disk full');
      },
      close: async () => {
        closed++;
        throw new Error('close failed too');
      },
    };
    const sink = createSink('junit', out);
    sink.push(row(1));
    await expect(sink.close()).rejects.toThrow('disk full');
    expect(closed).toBe(1);
  });

  it('a stream whose reader left (EPIPE) is not a write error: told once, the rest dropped', async () => {
    let writes = 0;
    const pipe = new Collect();
    pipe._write = function (chunk: Buffer, _e, cb) {
      writes++;
      if (writes === 1) this.chunks.push(chunk.toString());
      cb(writes === 1 ? null : Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
    };
    let told = 0;
    const sink = createSink('jsonl', streamSink(pipe, 'stdout', () => told++));
    for (const seq of [1, 2, 3]) {
      sink.push(row(seq));
      await new Promise((r) => setTimeout(r, 5));
    }
    await sink.close();
    expect(sink.error).toBeUndefined();
    expect(told).toBe(1);
    expect(writes).toBe(2);
    expect(pipe.text.trimEnd().split('\n').map((l) => (JSON.parse(l) as OutputRow).seq)).toEqual([1]);

    const broken = new Collect();
    broken._write = (_chunk: Buffer, _e, cb) => cb(Object.assign(new Error('write EIO'), { code: 'EIO' }));
    const failing = createSink('jsonl', streamSink(broken, 'stdout', () => told++));
    failing.push(row(1));
    await expect(failing.close()).rejects.toMatchObject({ code: 'IO_ERROR', message: 'cannot write stdout: write EIO' });
    expect(told).toBe(1); // only a gone reader is news
  });

  it('waits for a slow stream (backpressure) and hands everything over on close', async () => {
    const slow = new Collect();
    slow._write = function (chunk: Buffer, _e, cb) {
      this.chunks.push(chunk.toString());
      setTimeout(cb, 5);
    };
    const spy = vi.spyOn(slow, 'write');
    const sink = createSink('jsonl', streamSink(slow));
    const big = 'x'.repeat(20_000);
    sink.push(row(1, { stdout: big }));
    await new Promise((r) => setImmediate(r));
    expect(sink.ready()).toBeInstanceOf(Promise);
    await sink.ready();
    sink.push(row(2));
    await sink.close();
    expect(spy).toHaveBeenCalled();
    expect(slow.text.trimEnd().split('\n').map((l) => (JSON.parse(l) as OutputRow).seq)).toEqual([1, 2]);
    expect(slow.writableEnded).toBe(false); // stdout is not ended
  });
});

interface XmlNode {
  name: string;
  attrs: Record<string, string>;
  children: XmlNode[];
  text: string;
}

/** A strict little XML reader: balanced tags, quoted attributes, only the five entities and numeric ones. */
function parseXml(xml: string): XmlNode {
  const decode = (s: string): string => {
    if (/[<>]/.test(s.replace(/&[a-z]+;|&#\d+;/g, ''))) {
      if (/</.test(s)) throw new Error(`raw < in ${JSON.stringify(s)}`);
    }
    return s.replace(/&(#\d+|[a-z]+);|&/g, (m, e: string | undefined) => {
      if (e === undefined) throw new Error(`bare & in ${JSON.stringify(s)}`);
      if (e.startsWith('#')) return String.fromCodePoint(Number(e.slice(1)));
      const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
      const v = named[e];
      if (v === undefined) throw new Error(`unknown entity ${m}`);
      return v;
    });
  };
  if (!xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n')) throw new Error('no XML declaration');
  const body = xml.slice(xml.indexOf('?>') + 2);
  const root: XmlNode = { name: '#root', attrs: {}, children: [], text: '' };
  const stack: XmlNode[] = [root];
  for (const token of body.match(/<[^>]*>|[^<]+/g) ?? []) {
    const top = stack[stack.length - 1];
    if (!top) throw new Error('unbalanced');
    if (!token.startsWith('<')) {
      top.text += decode(token);
      continue;
    }
    const close = /^<\/([\w-]+)>$/.exec(token);
    if (close) {
      if (top.name !== close[1]) throw new Error(`</${close[1]}> closes <${top.name}>`);
      stack.pop();
      continue;
    }
    const open = /^<([\w-]+)((?:\s+[\w-]+="[^"<]*")*)\s*(\/?)>$/.exec(token);
    if (!open) throw new Error(`bad tag ${token}`);
    const attrs: Record<string, string> = {};
    for (const m of (open[2] ?? '').matchAll(/([\w-]+)="([^"]*)"/g)) attrs[m[1] ?? ''] = decode(m[2] ?? '');
    const node: XmlNode = { name: open[1] ?? '', attrs, children: [], text: '' };
    top.children.push(node);
    if (open[3] !== '/') stack.push(node);
  }
  if (stack.length !== 1 || root.children.length !== 1 || root.text.trim() !== '') throw new Error('not one root element');
  const doc = root.children[0];
  if (!doc) throw new Error('empty');
  return doc;
}
