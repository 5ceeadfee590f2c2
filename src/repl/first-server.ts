/**
 * Which server the session starts on: the one named on the command line, the
 * only one of --targets, or (on a terminal) the one the user picks or types.
 */
import { ErrorCode, TcpcmdError } from '../protocol/index.js';
import type { BatchTarget } from './batch-api.js';
import type { PromptStreams } from './enquire.js';
import type { ReplOptions } from './options.js';
import { askAddress, chooseTarget } from './prompt-target.js';
import type { Target } from './session.js';
import { findTarget, fromList } from './target.js';

export async function initialTarget(options: ReplOptions, known: readonly BatchTarget[], streams: PromptStreams): Promise<Target> {
  const { target, terminal, targets } = options;
  if (target !== undefined) return findTarget(target, known, targets);
  if (terminal) return askTarget(streams, known);
  const only = known.length === 1 ? known[0] : undefined;
  if (only) return fromList(only);
  throw new TcpcmdError(
    ErrorCode.USAGE,
    known.length > 1
      ? `name the server: tcpcmd connect NAME --targets ${targets} (one of ${known.map((t) => t.name).join(', ')}); without a terminal there is no prompt to choose`
      : 'name the server: tcpcmd connect host[:port] (without a terminal there is no prompt to ask)',
  );
}

/** A pick from servers.csv, or host and port typed. */
export async function askTarget(streams: PromptStreams, known: readonly BatchTarget[]): Promise<Target> {
  if (known.length > 0) return fromList(await chooseTarget(streams, known));
  return { address: await askAddress(streams) };
}
