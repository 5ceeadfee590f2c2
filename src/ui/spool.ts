/**
 * A transcript kept on disk as JSON lines (the exact rows, memory stays flat)
 * and downloaded in any of `tcpcmd run`'s formats: each line is read back and
 * handed to that format's writer, straight into the HTTP answer.
 */
import { createReadStream, openSync } from 'node:fs';
import { createInterface } from 'node:readline';
import type { ServerResponse } from 'node:http';
import { RowSink, createSink, fileSink, jsonlFormat, streamSink, type OutputFormat, type OutputRow } from './batch-api.js';

export class Spool {
  private readonly sink: RowSink;
  private seq = 0;

  constructor(readonly path: string) {
    this.sink = new RowSink(jsonlFormat(), fileSink(openSync(path, 'w', 0o600), path));
  }

  /** Numbers a session's row (seq 0 until now) and writes it through before the next command. */
  add(row: OutputRow): OutputRow {
    const numbered = { ...row, seq: ++this.seq };
    this.sink.push(numbered);
    this.sink.flush();
    return numbered;
  }

  close(): Promise<void> {
    return this.sink.close();
  }
}

const TYPES: Record<OutputFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  jsonl: 'application/x-ndjson; charset=utf-8',
  json: 'application/json; charset=utf-8',
  junit: 'application/xml; charset=utf-8',
};
const EXTENSIONS: Record<OutputFormat, string> = { csv: 'csv', jsonl: 'jsonl', json: 'json', junit: 'xml' };

/** Streams the JSON-lines file `path` to `res` as `format`, as a download named `base.ext`. */
export async function sendTranscript(path: string, format: OutputFormat, base: string, res: ServerResponse, headers: Record<string, string>): Promise<void> {
  res.writeHead(200, {
    ...headers,
    'Content-Type': TYPES[format],
    'Content-Disposition': `attachment; filename="${base}.${EXTENSIONS[format]}"`,
  });
  const sink = createSink(format, streamSink(res, 'the download'));
  const lines = createInterface({ input: createReadStream(path, 'utf8'), crlfDelay: Infinity });
  for await (const line of lines) {
    if (line === '') continue;
    sink.push(JSON.parse(line) as OutputRow);
    await sink.ready();
  }
  await sink.close();
  res.end();
}
