/**
 * Which server the session starts on: the one named on the command line, the
 * only one of --targets, or (on a terminal) the one the user picks or types.
 * One answered at a question that cannot be reached is asked for again, the
 * answer prefilled; one named on the command line is not (exit 3, as ssh).
 */
import { ErrorCode, TcpcmdError, isTcpcmdError } from '../protocol/index.js';
import type { BatchTarget } from './batch-api.js';
import type { PromptStreams } from './enquire.js';
import type { ReplOptions } from './options.js';
import { askServer, type Answer } from './prompt-target.js';
import type { Screen } from './screen.js';
import { describe, type ServerLink } from './server-link.js';
import type { Target } from './session.js';
import { findTarget, fromList } from './target.js';

/** The first server, and the answer that gave it when it was asked for. */
export interface FirstTarget {
  target: Target;
  answer?: Answer;
}

export async function initialTarget(options: ReplOptions, known: readonly BatchTarget[], streams: PromptStreams): Promise<FirstTarget> {
  const { target, terminal, targets } = options;
  if (target !== undefined) return { target: findTarget(target, known, targets) };
  if (terminal) return askServer(streams, known);
  const only = known.length === 1 ? known[0] : undefined;
  if (only) return { target: fromList(only) };
  throw new TcpcmdError(
    ErrorCode.USAGE,
    known.length > 1
      ? `name the server: tcpcmd connect NAME --targets ${targets} (one of ${known.map((t) => t.name).join(', ')}); without a terminal there is no prompt to choose`
      : 'name the server: tcpcmd connect host[:port] (without a terminal there is no prompt to ask)',
  );
}

/** Connects to the first server and makes it the current one, asking again while an answered one cannot be reached. */
export async function connectFirst(first: FirstTarget, link: ServerLink, screen: Screen, streams: PromptStreams, known: readonly BatchTarget[]): Promise<void> {
  let { target, answer } = first;
  for (;;) {
    try {
      return await link.use(await link.open(target), target);
    } catch (err) {
      if (answer === undefined || isTcpcmdError(err, ErrorCode.INTERRUPTED)) throw err;
      screen.problem(`${describe(err)}; try again, or Ctrl+C to leave`);
      ({ target, answer } = await askServer(streams, known, answer));
    }
  }
}
