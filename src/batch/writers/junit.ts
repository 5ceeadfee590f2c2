/**
 * JUnit XML for CI: one testcase per row, classname = target. The counts go
 * in the opening tags, which are only known at the end, so testcases are
 * spooled to a temp file as they finish and the document is assembled at
 * close: memory stays flat however many rows there are.
 */
import { createReadStream, mkdtempSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { OutputRow } from '../columns.js';
import { explainRow } from '../expect.js';
import { type ByteSink, type ResultSink, RowSink, fileSink } from './row-sink.js';

// XML 1.0 allows tab, LF, CR and these ranges; anything else (ANSI escapes,
// NUL, lone surrogates) would make the file unreadable, so it is replaced.
const INVALID_XML = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

export function xmlText(text: string): string {
  return text.replace(INVALID_XML, '\uFFFD').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function xmlAttr(text: string): string {
  // Parsers fold raw line breaks and tabs in attributes to spaces; keep them as references.
  return xmlText(text).replace(/"/g, '&quot;').replace(/\n/g, '&#10;').replace(/\r/g, '&#13;').replace(/\t/g, '&#9;');
}

/** The first line of `<system-out>`/`<system-err>` when they hold base64, not the output itself. */
export const BASE64_MARK = '[not text: the base64 of the output bytes follows]';

function seconds(ms: number): string {
  return (ms / 1000).toFixed(3);
}

function testcaseXml(row: OutputRow): string {
  const title = `#${row.seq} ${row.name !== '' ? row.name : row.command}`;
  const open = `    <testcase name="${xmlAttr(title)}" classname="${xmlAttr(row.target)}" time="${seconds(row.duration_ms)}"`;
  if (row.status === 'ok') return `${open}/>\n`;
  const why = xmlAttr(explainRow(row));
  let body: string;
  if (row.status === 'skipped') body = `      <skipped message="${why}"/>\n`;
  else {
    const tag = row.status === 'failed' ? 'failure' : 'error';
    const type = row.error === '' ? row.status : (row.error.split(':')[0] ?? row.status);
    const detail = [
      `command: ${row.command}`,
      `exit code: ${row.exit_code ?? 'none'} (expected ${row.expect_exit})`,
      ...(row.expect !== '' ? [`expect: ${row.expect}`] : []),
      ...(row.error !== '' ? [`error: ${row.error}`] : []),
    ].join('\n');
    body = `      <${tag} message="${why}" type="${xmlAttr(type)}">${xmlText(detail)}</${tag}>\n`;
  }
  // Output that was not text is kept as base64 (as in the other formats); JUnit has no field to say so, so its first line does.
  const mark = row.output_encoding === 'base64' ? `${BASE64_MARK}\n` : '';
  if (row.stdout !== '') body += `      <system-out>${mark}${xmlText(row.stdout)}</system-out>\n`;
  if (row.stderr !== '') body += `      <system-err>${mark}${xmlText(row.stderr)}</system-err>\n`;
  return `${open}>\n${body}    </testcase>\n`;
}

export class JunitSink implements ResultSink {
  private readonly dir: string;
  private readonly spoolPath: string;
  private readonly spool: RowSink;
  private readonly counts = { tests: 0, failures: 0, errors: 0, skipped: 0 };
  private readonly startedAt = new Date();

  constructor(private readonly out: ByteSink, private readonly suiteName = 'tcpcmd run') {
    this.dir = mkdtempSync(join(tmpdir(), 'tcpcmd-junit-'));
    this.spoolPath = join(this.dir, 'testcases.xml');
    const format = { head: () => '', tail: () => '', rows: (rows: readonly OutputRow[]) => rows.map(testcaseXml).join('') };
    this.spool = new RowSink(format, fileSink(openSync(this.spoolPath, 'w'), this.spoolPath));
  }

  get error() {
    return this.spool.error;
  }

  push(row: OutputRow): void {
    this.counts.tests++;
    if (row.status === 'failed') this.counts.failures++;
    else if (row.status === 'error' || row.status === 'timeout') this.counts.errors++;
    else if (row.status === 'skipped') this.counts.skipped++;
    this.spool.push(row);
  }

  ready(): Promise<void> | undefined {
    return undefined; // the spool is a file, written synchronously
  }

  async close(): Promise<void> {
    try {
      try {
        await this.assemble();
      } catch (err) {
        await this.out.close().catch(() => undefined); // closed all the same; the first error is the one to report
        throw err;
      }
      await this.out.close();
    } finally {
      rmSync(this.dir, { recursive: true, force: true });
    }
  }

  /** The document: opening tags with the counts, the spooled testcases, closing tags. */
  private async assemble(): Promise<void> {
    await this.spool.close();
    const c = this.counts;
    const attrs =
      `tests="${c.tests}" failures="${c.failures}" errors="${c.errors}" skipped="${c.skipped}" ` +
      `time="${seconds(Date.now() - this.startedAt.getTime())}" timestamp="${this.startedAt.toISOString()}"`;
    const name = xmlAttr(this.suiteName);
    await this.out.write(`<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="${name}" ${attrs}>\n  <testsuite name="${name}" ${attrs}>\n`);
    for await (const chunk of createReadStream(this.spoolPath, { encoding: 'utf8' })) {
      await this.out.write(chunk as string);
    }
    await this.out.write('  </testsuite>\n</testsuites>\n');
  }
}
