/**
 * One JSON array, streamed element by element; it is valid JSON once the
 * batch ends (the closing bracket is written last). Use csv or jsonl when a
 * killed batch must leave a readable file.
 */
import { OUTPUT_COLUMNS } from '../columns.js';
import type { RowFormat } from './row-sink.js';

const KEYS: string[] = [...OUTPUT_COLUMNS];

export function jsonFormat(): RowFormat {
  let first = true;
  return {
    head: () => '[\n',
    rows: (rows) => {
      let text = '';
      for (const r of rows) {
        text += (first ? '  ' : ',\n  ') + JSON.stringify(r, KEYS);
        first = false;
      }
      return text;
    },
    tail: () => (first ? ']\n' : '\n]\n'),
  };
}
