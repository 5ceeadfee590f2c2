import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LineDecoder, type LineEvent } from '../../src/protocol/index.js';

function splitAt(buf: Buffer, cuts: number[]): Buffer[] {
  const points = [...new Set(cuts.map((c) => c % (buf.length + 1)))].sort((a, b) => a - b);
  const parts: Buffer[] = [];
  let prev = 0;
  for (const p of points) {
    parts.push(buf.subarray(prev, p));
    prev = p;
  }
  parts.push(buf.subarray(prev));
  return parts;
}

describe('LineDecoder', () => {
  it('gives the same lines however the bytes are split (multi-byte characters too)', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'grapheme', maxLength: 40 }).map((s) => s.replace(/[\r\n]/g, '')), { maxLength: 20 }), fc.array(fc.nat(), { maxLength: 10 }), (lines, cuts) => {
        const bytes = Buffer.from(lines.map((l) => l + '\n').join(''));
        const decoder = new LineDecoder(1024 * 1024);
        const got = splitAt(bytes, cuts).flatMap((part) => decoder.push(part));
        expect(got).toEqual(lines.map((line) => ({ kind: 'line', line })));
        expect(decoder.buffered).toBe(0);
      }),
      { numRuns: 300 },
    );
  });

  it('drops a trailing CR (CRLF from telnet and nc)', () => {
    expect(new LineDecoder().push(Buffer.from('cpu\r\nram\n'))).toEqual([{ kind: 'line', line: 'cpu' }, { kind: 'line', line: 'ram' }]);
  });

  it('keeps the CR when asked, so each line counts its bytes exactly', () => {
    expect(new LineDecoder(100, { keepCR: true }).push(Buffer.from('cpu\r\nram\n'))).toEqual([{ kind: 'line', line: 'cpu\r' }, { kind: 'line', line: 'ram' }]);
  });

  it('reports a line over the limit once, without buffering past it, and stops', () => {
    const decoder = new LineDecoder(10);
    expect(decoder.push(Buffer.from('12345'))).toEqual([]);
    expect(decoder.push(Buffer.from('678901234'))).toEqual([{ kind: 'too-large', bytes: 14 }]);
    expect(decoder.buffered).toBe(0);
    expect(decoder.push(Buffer.from('ok\n'))).toEqual([]);
  });

  it('accepts a line of exactly the limit', () => {
    expect(new LineDecoder(3).push(Buffer.from('abc\n'))).toEqual([{ kind: 'line', line: 'abc' }]);
  });

  it('reports invalid UTF-8 per line and goes on', () => {
    const events = new LineDecoder().push(Buffer.concat([Buffer.from([0xff, 0xfe, 0x0a]), Buffer.from('next\n')]));
    expect(events).toEqual([{ kind: 'bad-utf8', bytes: 2 }, { kind: 'line', line: 'next' }]);
  });

  it('never throws and never holds more than the limit on random bytes', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 20 }), (chunks) => {
        const decoder = new LineDecoder(100);
        for (const c of chunks) {
          decoder.push(Buffer.from(c));
          expect(decoder.buffered).toBeLessThanOrEqual(100);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('LineDecoder, whole chunks against byte by byte', () => {
  // A chunk of whole lines is decoded at once when it is valid UTF-8; a byte at a time takes the line-by-line path.
  const bytes = fc.array(fc.oneof(fc.constant(10), fc.constant(13), fc.constantFrom(0xc3, 0xa9, 0xff), fc.integer({ min: 32, max: 126 })), { maxLength: 200 });
  it('gives the same events either way, whatever the bytes and the limit', () => {
    fc.assert(
      fc.property(bytes, fc.integer({ min: 1, max: 60 }), fc.boolean(), (data, limit, keepCR) => {
        // How far past the limit a line is seen to be depends on where the chunk ends: compare the kind only.
        const seen = (e: LineEvent): LineEvent => (e.kind === 'too-large' ? { kind: 'too-large', bytes: 0 } : e);
        const whole = new LineDecoder(limit, { keepCR }).push(Buffer.from(data)).map(seen);
        const one = new LineDecoder(limit, { keepCR });
        const each = data.flatMap((b) => one.push(Buffer.from([b]))).map(seen);
        expect(whole).toEqual(each);
      }),
      { numRuns: 500 },
    );
  });

  it('eachWholeLine: a chunk of whole lines with nothing held goes straight to the callback; anything else is left to push', () => {
    const d = new LineDecoder(16);
    const seen: string[] = [];
    expect(d.eachWholeLine(Buffer.from('a\r\nb\n'), (l) => seen.push(l) > 0)).toBe(true);
    expect(seen).toEqual(['a', 'b']);
    expect(d.eachWholeLine(Buffer.from('x\ny\n'), (l) => (seen.push(l), false))).toBe(true); // false stops
    expect(seen).toEqual(['a', 'b', 'x']);
    expect(d.eachWholeLine(Buffer.from('no newline'), () => true)).toBe(false);
    expect(d.eachWholeLine(Buffer.from([0xff, 10]), () => true)).toBe(false); // not UTF-8
    expect(d.eachWholeLine(Buffer.from(`${'z'.repeat(20)}\n`), () => true)).toBe(false); // over the limit
    expect(d.push(Buffer.from('held'))).toEqual([]);
    expect(d.eachWholeLine(Buffer.from('c\n'), () => true)).toBe(false); // a line is held: push() joins it
    expect(d.push(Buffer.from('c\n'))).toEqual([{ kind: 'line', line: 'heldc' }]);
  });
});
