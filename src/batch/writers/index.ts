/** The output formats, behind one constructor. */
import { ErrorCode, TcpcmdError } from '../../protocol/index.js';
import { csvFormat } from './csv.js';
import { jsonFormat } from './json.js';
import { jsonlFormat } from './jsonl.js';
import { JunitSink } from './junit.js';
import { type ByteSink, type ResultSink, RowSink } from './row-sink.js';

export const FORMATS = ['csv', 'jsonl', 'json', 'junit'] as const;
export type OutputFormat = (typeof FORMATS)[number];

/** Formats a killed batch leaves readable and `--resume` can continue. */
export const RESUMABLE_FORMATS: readonly OutputFormat[] = ['csv', 'jsonl'];

export function parseFormat(text: string): OutputFormat {
  const f = text.trim().toLowerCase();
  if ((FORMATS as readonly string[]).includes(f)) return f as OutputFormat;
  throw new TcpcmdError(ErrorCode.USAGE, `--format must be one of ${FORMATS.join(', ')}, got "${text}"`);
}

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
