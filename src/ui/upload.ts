/**
 * A Commands CSV from the page, run with `tcpcmd run`'s own runner: the file
 * is checked whole first (its problems come back with their line numbers and
 * nothing runs), then rows stream to the page as they finish, with progress,
 * into a transcript the page can download.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { connect } from '../client/index.js';
import { ErrorCode, isTcpcmdError } from '../protocol/index.js';
import { type ProgressReporter, runBatch } from './batch-api.js';
import { type UiContext, tokenFor } from './context.js';
import type { BatchAnswer } from './messages.js';

/** Progress is sent to the page this often. */
const PROGRESS_MS = 250;

export interface Upload {
  /** The page's id for this batch (its live rows carry it). */
  batch: string;
  /** The file's name as chosen in the page, for messages. */
  name: string;
  /** `host:port` of the open tab, or `*` for every server of servers.csv. */
  target: string;
  body: Buffer;
}

const quiet = new Writable({ write: (_chunk, _enc, done) => done() });

/** `name:12: message` lines → line numbers the page can show next to each problem. */
function problemsOf(message: string, name: string): { line: number | null; text: string }[] {
  return message.split('\n').filter((l) => l.trim() !== '').map((text) => {
    const m = new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:(\\d+):`).exec(text);
    return { line: m ? Number(m[1]) : null, text };
  });
}

function pageProgress(ctx: UiContext, batch: string): ProgressReporter {
  let timer: NodeJS.Timeout | undefined;
  let read: (() => { done: number; total: number; ok: number; notOk: number }) | undefined;
  const send = (): void => {
    if (read) ctx.broadcast({ t: 'batchProgress', batch, ...read() });
  };
  return {
    start(r) {
      read = r;
      send();
      timer = setInterval(send, PROGRESS_MS);
    },
    stop() {
      clearInterval(timer);
      send();
    },
  };
}

export async function runUpload(ctx: UiContext, upload: Upload): Promise<BatchAnswer> {
  const name = upload.name.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 100) || 'commands.csv';
  const dir = join(ctx.dir, `batch-${upload.batch}`);
  mkdirSync(dir, { mode: 0o700 });
  const input = join(dir, 'input.csv');
  const out = join(dir, 'results.jsonl');
  writeFileSync(input, upload.body, { mode: 0o600 });
  const all = upload.target === '*';
  const token = all ? undefined : tokenFor(ctx, upload.target);
  try {
    const summary = await runBatch({
      input,
      inputName: name,
      ...(all ? { targets: ctx.targetsFile ?? '' } : { target: upload.target }),
      out,
      format: 'jsonl',
      env: ctx.env,
      connect,
      connectOptions: { ...ctx.connectOptions, ...(token !== undefined ? { token } : {}), clientName: 'tcpcmd-ui' },
      onRow: (row) => ctx.broadcast({ t: 'batchRow', batch: upload.batch, row }),
      progress: pageProgress(ctx, upload.batch),
      stderr: quiet,
      printSummary: false,
    });
    ctx.downloads.set(upload.batch, { path: out, base: `results-${name.replace(/\.csv$/i, '')}` });
    return { ok: true, batch: upload.batch, exitCode: summary.exitCode, rows: summary.rows, counts: { ...summary.counts }, durationMs: summary.durationMs };
  } catch (err) {
    if (!isTcpcmdError(err) || (err.code !== ErrorCode.BAD_INPUT && err.code !== ErrorCode.USAGE && err.code !== ErrorCode.IO_ERROR)) throw err;
    return { ok: false, message: `${name}: not run (${err.code})`, problems: problemsOf(err.message, name) };
  }
}
