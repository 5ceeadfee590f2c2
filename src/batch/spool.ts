/** Standard input as a commands file: copied to a temp file, so it can be validated and then streamed again in constant memory. */
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { ErrorCode, TcpcmdError, errorMessage } from '../protocol/index.js';

/** How stdin is named in messages (`<stdin>:3: ...`). */
export const STDIN_NAME = '<stdin>';

export interface Spooled {
  path: string;
  cleanup(): Promise<void>;
}

/** Copies stdin to a temp file, so it can be validated and then streamed again in constant memory. */
export async function spoolStream(stream: NodeJS.ReadableStream): Promise<Spooled> {
  const dir = await mkdtemp(join(tmpdir(), 'tcpcmd-stdin-'));
  const path = join(dir, 'input.csv');
  const cleanup = (): Promise<void> => rm(dir, { recursive: true, force: true });
  try {
    await pipeline(stream, createWriteStream(path));
  } catch (err) {
    await cleanup();
    throw new TcpcmdError(ErrorCode.IO_ERROR, `cannot read ${STDIN_NAME}: ${errorMessage(err)}`, { cause: err });
  }
  return { path, cleanup };
}
