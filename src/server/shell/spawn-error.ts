import { ErrorCode } from '../../protocol/index.js';
import type { RunOutcome } from '../command.js';
import { failure } from './outcome.js';

/** A failed spawn as a SPAWN_FAILED outcome whose message names the program and what to do. */
export function spawnFailed(file: string, error: NodeJS.ErrnoException, cwd?: string): RunOutcome {
  return failure(ErrorCode.SPAWN_FAILED, `cannot run "${file}": ${advice(file, error, cwd)}`);
}

function advice(file: string, error: NodeJS.ErrnoException, cwd?: string): string {
  switch (error.code) {
    case 'ENOENT':
      // Node reports a missing working directory as ENOENT of the program too.
      if (cwd !== undefined) return `program or working directory "${cwd}" not found (ENOENT); check both exist on the server`;
      return `program not found (ENOENT); install it on the server or check that it is on the server's PATH`;
    case 'EACCES':
      return `permission denied (EACCES); check that "${file}" is executable by the user the server runs as`;
    case 'ENOEXEC':
      return `not an executable this system can run (ENOEXEC)`;
    default:
      return `${error.message}${error.code ? ` (${error.code})` : ''}`;
  }
}
