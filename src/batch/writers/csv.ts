/** The transcript as CSV (RFC 4180 quoting, LF line ends): a valid input file for replay. */
import { stringify } from 'csv-stringify/sync';
import { OUTPUT_COLUMNS, outputRowCells } from '../columns.js';
import type { RowFormat } from './row-sink.js';

export function csvFormat(): RowFormat {
  return {
    head: () => stringify([[...OUTPUT_COLUMNS]]),
    // One stringify call per batch: csv-stringify's per-call setup would dominate per row.
    rows: (rows) => stringify(rows.map(outputRowCells)),
    tail: () => '',
  };
}
