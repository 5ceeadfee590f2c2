/** The output formats, behind one constructor. */
import { csvFormat } from './csv.js';
import type { OutputFormat } from './formats.js';
import { jsonFormat } from './json.js';
import { jsonlFormat } from './jsonl.js';
import { JunitSink } from './junit.js';
import { type ByteSink, type ResultSink, RowSink } from './row-sink.js';

export { FORMATS, RESUMABLE_FORMATS, parseFormat, type OutputFormat } from './formats.js';

export interface SinkOptions {
  /** Appending to a file that already has the head (resume). */
  append?: boolean;
}

export function createSink(format: OutputFormat, out: ByteSink, options: SinkOptions = {}): ResultSink {
  switch (format) {
    case 'csv':
      return new RowSink(csvFormat(), out, options);
    case 'jsonl':
      return new RowSink(jsonlFormat(), out, options);
    case 'json':
      return new RowSink(jsonFormat(), out, options);
    case 'junit':
      return new JunitSink(out);
  }
}

export { type ByteSink, type ResultSink, RowSink, fileSink, nullSink, streamSink } from './row-sink.js';
