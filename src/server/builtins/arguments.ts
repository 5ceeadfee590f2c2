import { ErrorCode, type RunData } from '../../protocol/index.js';
import type { RunContext, RunOutcome } from '../command.js';
import { WRITTEN } from '../run-output.js';
import { failure } from '../shell/outcome.js';

/** A usage problem; the message names the argument, what is expected and what came. */
export function badArguments(message: string): RunOutcome {
  return failure(ErrorCode.BAD_ARGUMENTS, message);
}

/** For commands that take nothing: BAD_ARGUMENTS when something came, else undefined. */
export function rejectArguments(ctx: RunContext): RunOutcome | undefined {
  if (ctx.args === '') return undefined;
  return badArguments(`${ctx.name}: takes no arguments, got "${ctx.args}"`);
}

const SUCCESS: RunOutcome = Object.freeze({ exitCode: 0 });

/**
 * Writes text to stdout and reports success, with the same figures as data
 * when given: at once when the client's socket took the text (the usual
 * case), else once it has drained.
 */
export function print(ctx: RunContext, text: string, data?: RunData): RunOutcome | Promise<RunOutcome> {
  const outcome = data === undefined ? SUCCESS : { exitCode: 0, data };
  const written = ctx.write('stdout', text);
  return written === WRITTEN ? outcome : written.then(() => outcome);
}

/** For `node` and `python`: nothing, `--version` or `-V`; else BAD_ARGUMENTS. */
export function rejectUnlessVersionFlag(ctx: RunContext): RunOutcome | undefined {
  if (ctx.args === '' || ctx.args === '--version' || ctx.args === '-V') return undefined;
  return badArguments(`${ctx.name}: only "${ctx.name} --version" is supported, got "${ctx.name} ${ctx.args}"`);
}
