import { ErrorCode } from '../../protocol/index.js';
import type { Command, RunContext, RunOutcome } from '../command.js';
import { failure } from '../shell/outcome.js';
import { runProcess } from '../shell/run-process.js';
import { rejectUnlessVersionFlag } from './arguments.js';

export const python: Command = {
  name: 'python',
  usage: 'python [--version]',
  summary: "the server's Python version (python3, else python)",
  async run(ctx) {
    return rejectUnlessVersionFlag(ctx) ?? pythonVersion(ctx, ['python3', 'python']);
  },
};

/** Runs `<first> --version`, falling back to the next program while one is not installed. */
function pythonVersion(ctx: RunContext, programs: readonly string[]): Promise<RunOutcome> | RunOutcome {
  const [file, ...rest] = programs;
  if (file === undefined) {
    return failure(ErrorCode.SPAWN_FAILED, 'no python on this server: neither python3 nor python is on its PATH');
  }
  return runProcess({ file, args: ['--version'], signal: ctx.signal, write: ctx.write, ifNotFound: () => pythonVersion(ctx, rest) });
}
