/**
 * A tcpcmd command as it is declared: its name, flags, positionals, examples
 * and what it runs. main.ts lists the commands; command-line.ts reads their
 * arguments, with or without yargs, from these declarations alone.
 */
import type { ArgsOf, Flags, Positionals } from './flags.js';

export interface CommandSpec<F extends Flags, P extends Positionals> {
  name: string;
  describe: string;
  /** In order; a `rest` positional (exec's command) comes last. */
  positionals: P;
  flags: F;
  examples?: readonly (readonly [command: string, says: string])[];
  /** Runs the command. It imports the library lazily, so reading arguments stays light. */
  run(args: ArgsOf<F, P>): Promise<void>;
}

/** A declared command, its argument types erased so that commands can sit in one list. */
export interface Command {
  readonly name: string;
  readonly describe: string;
  readonly positionals: Positionals;
  readonly flags: Flags;
  readonly examples: readonly (readonly [string, string])[];
  run(args: Record<string, unknown>): Promise<void>;
}

export function defineCommand<F extends Flags, P extends Positionals>(spec: CommandSpec<F, P>): Command {
  return {
    name: spec.name,
    describe: spec.describe,
    positionals: spec.positionals,
    flags: spec.flags,
    examples: spec.examples ?? [],
    // The values were read by command-line.ts from these same declarations (each by its flag's reader), so they have these types.
    run: (args) => spec.run(args as ArgsOf<F, P>),
  };
}
