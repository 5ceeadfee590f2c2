/**
 * The one door to enquirer: a question asked on the REPL's own streams (so
 * tests and embedders choose them). Ctrl+C or Esc in a prompt is an
 * INTERRUPTED error; enquirer signals it by rejecting with an empty string.
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

/** Asks one question; resolves with its answer. */
export async function ask<T>(streams: PromptStreams, question: QuestionWithoutName): Promise<T> {
  // enquirer throws this inside a promise it never settles: check first rather than hang.
  if (streams.input !== process.stdin && (streams.input as { isTTY?: boolean }).isTTY !== true) {
    throw new TcpcmdError(ErrorCode.USAGE, 'prompts need a terminal: give the target (and the token) on the command line');
  }
  // Loaded on the first question: a piped session never asks one, and loading it was a share of its start-up.
  const { prompt } = (await import('enquirer')).default;
  try {
    const answers = await prompt<{ answer: T }>({
      ...question,
      name: 'answer',
      // enquirer types its streams as the process's; any Readable/Writable pair works.
      stdin: streams.input as NodeJS.ReadStream,
      stdout: streams.output as NodeJS.WriteStream,
    } as Question);
    return answers.answer;
  } catch (err) {
    if (err instanceof Error) throw err; // a bug, not the user
    throw new TcpcmdError(ErrorCode.INTERRUPTED, 'cancelled at the prompt');
  }
}
