/** One JSON object per line, streamed; keys in transcript column order. */
import { outputRowJson } from '../columns.js';
import type { RowFormat } from './row-sink.js';

export function jsonlFormat(): RowFormat {
  return {
    head: () => '',
    rows: (rows) => rows.map(outputRowJson).join('\n') + '\n',
    tail: () => '',
  };
}
