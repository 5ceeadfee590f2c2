/**
 * The one door to enquirer: a question asked on the REPL's own streams (so
 * tests and embedders choose them). Ctrl+C or Esc in a prompt is an
 * INTERRUPTED error; enquirer signals it by rejecting with an empty string.
 * Ctrl+D is one too (QuestionEnded), the question closed cleanly.
 */
import type { Readable, Writable } from 'node:stream';
import type enquirer from 'enquirer';
import { ErrorCode, TcpcmdError } from '../protocol/index.js';

export interface PromptStreams {
  input: Readable;
  output: Writable;
}

type Question = Exclude<Parameters<typeof enquirer.prompt>[0], unknown[] | ((...args: never[]) => unknown)>;
/** Omit that keeps the union of prompt kinds apart. */
type QuestionWithoutName = Question extends infer Q ? (Q extends unknown ? Omit<Q, 'name'> : never) : never;

/**
 * Ctrl+D at a question: the user leaves without answering. An INTERRUPTED
 * error, as Ctrl+C is, so that whoever treats a cancelled question as "no"
 * goes on doing so; the start of a session leaves quietly on it (exit 0).
 */
export class QuestionEnded extends TcpcmdError {
  constructor() {
    super(ErrorCode.INTERRUPTED, 'no answer (Ctrl+D at the question)');
  }
}

/** The little of an enquirer prompt that ask() touches. */
interface PromptInstance {
  input: string;
  cursor: number;
  state: { closed?: boolean };
  once(event: 'close', listener: () => void): unknown;
  cancel(): Promise<void>;
  alert(): void;
}

/** Asks one question; resolves with its answer. `prefill`: text already on the answer's line, to edit. */
export async function ask<T>(streams: PromptStreams, question: QuestionWithoutName, prefill?: string): Promise<T> {
  // enquirer throws this inside a promise it never settles: check first rather than hang.
  if (streams.input !== process.stdin && (streams.input as { isTTY?: boolean }).isTTY !== true) {
    throw new TcpcmdError(ErrorCode.USAGE, 'prompts need a terminal: give the target (and the token) on the command line');
  }
  // Loaded on the first question: a piped session never asks one, and loading it was a share of its start-up.
  const { prompt } = (await import('enquirer')).default;
  // enquirer reads keys through a readline of its own, which closes on Ctrl+D (and pauses the input) while
  // enquirer takes the key for "delete forward": the prompt would wait on a paused input, and the
  // process end with the question half drawn. A closed input ends the question instead.
  let inputClosed = false;
  let ended = false;
  const hooks = {
    onRun(this: PromptInstance): void {
      if (prefill !== undefined) {
        this.input = prefill;
        this.cursor = prefill.length;
      }
      const onPause = (): void => void (this.state.closed || (inputClosed = true));
      streams.input.on('pause', onPause);
      this.once('close', () => streams.input.off('pause', onPause));
    },
    deleteForward(this: PromptInstance, ...args: unknown[]): unknown {
      if (inputClosed) {
        ended = true;
        return this.cancel();
      }
      const own = (Object.getPrototypeOf(this) as { deleteForward?: (...a: unknown[]) => unknown }).deleteForward;
      return own ? own.apply(this, args) : this.alert();
    },
  };
  try {
    const answers = await prompt<{ answer: T }>({
      ...question,
      ...hooks,
      name: 'answer',
      // enquirer types its streams as the process's; any Readable/Writable pair works.
      stdin: streams.input as NodeJS.ReadStream,
      stdout: streams.output as NodeJS.WriteStream,
    } as Question);
    return answers.answer;
  } catch (err) {
    if (err instanceof Error) throw err; // a bug, not the user
    throw ended ? new QuestionEnded() : new TcpcmdError(ErrorCode.INTERRUPTED, 'cancelled at the prompt');
  }
}
