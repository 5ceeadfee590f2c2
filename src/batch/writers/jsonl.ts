/** One JSON object per line, streamed; keys in transcript column order. */
import { OUTPUT_COLUMNS } from '../columns.js';
import type { RowFormat } from './row-sink.js';

const KEYS: string[] = [...OUTPUT_COLUMNS]; // a replacer array also fixes the key order

export function jsonlFormat(): RowFormat {
  return {
    head: () => '',
    rows: (rows) => rows.map((r) => JSON.stringify(r, KEYS)).join('\n') + '\n',
    tail: () => '',
  };
}
