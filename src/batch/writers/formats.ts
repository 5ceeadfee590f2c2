/** The output formats' names, apart from the writers so the CLI's flag table can list them without loading any. */
import { ErrorCode, TcpcmdError } from '../../protocol/index.js';

export const FORMATS = ['csv', 'jsonl', 'json', 'junit'] as const;
export type OutputFormat = (typeof FORMATS)[number];

/** Formats a killed batch leaves readable and `--resume` can continue. */
export const RESUMABLE_FORMATS: readonly OutputFormat[] = ['csv', 'jsonl'];

export function parseFormat(text: string): OutputFormat {
  const f = text.trim().toLowerCase();
  if ((FORMATS as readonly string[]).includes(f)) return f as OutputFormat;
  throw new TcpcmdError(ErrorCode.USAGE, `--format must be one of ${FORMATS.join(', ')}, got "${text}"`);
}
