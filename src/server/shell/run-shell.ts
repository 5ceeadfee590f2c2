import { ErrorCode } from '../../protocol/index.js';
import type { RunContext, RunOutcome } from '../command.js';
import { failure } from './outcome.js';
import { runProcess } from './run-process.js';
import { shellFor, type ShellName } from './shells.js';

/** Runs `ctx.args` through the shell of a prefix (`linux:`, `dos:`, `powershell:`), streaming its output. */
export async function runShell(shell: ShellName, ctx: RunContext): Promise<RunOutcome> {
  const command = ctx.args;
  if (command === '') {
    return failure(ErrorCode.BAD_ARGUMENTS, `${shell}: expected a command after "${shell}:", e.g. ${shell}:${EXAMPLES[shell]}`);
  }
  const invocation = shellFor(shell, command);
  if ('error' in invocation) return { exitCode: null, error: invocation.error };
  return runProcess({ ...invocation, signal: ctx.signal, write: ctx.write, stdin: ctx.stdin });
}

const EXAMPLES: Record<ShellName, string> = { linux: 'ls -l', dos: 'dir', powershell: 'Get-Process' };
