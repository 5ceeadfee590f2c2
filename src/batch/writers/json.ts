/**
 * One JSON array, streamed element by element; it is valid JSON once the
 * batch ends (the closing bracket is written last). Use csv or jsonl when a
 * killed batch must leave a readable file.
 */
import { outputRowJson } from '../columns.js';
import type { RowFormat } from './row-sink.js';

export function jsonFormat(): RowFormat {
  let first = true;
  return {
    head: () => '[\n',
    rows: (rows) => {
      let text = '';
      for (const r of rows) {
        text += (first ? '  ' : ',\n  ') + outputRowJson(r);
        first = false;
      }
      return text;
    },
    tail: () => (first ? ']\n' : '\n]\n'),
  };
}
