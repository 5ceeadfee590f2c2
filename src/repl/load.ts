/**
 * `.load file.csv`: a CSV batch run by the batch runner itself (same
 * validation, expectations, statuses and summary as `tcpcmd run`), on this
 * session's connection; rows that name another target get a connection of
 * their own. One run at a time, so each command's output streams in order
 * under its command line. The rows join the session's transcript as
 * `tcpcmd run` would have written them.
 */
import type { Writable } from 'node:stream';
import { connect } from '../client/connect.js';
import type { Connection } from '../client/connection.js';
import type { ReconnectingConnection } from '../client/reconnecting.js';
import type { ConnectOptions } from '../client/types.js';
import { formatAddress } from '../protocol/index.js';
import { batchTools, type BatchConnect, type BatchConnection, type BatchSummary, type OutputRow } from './batch-api.js';
import { OutputPrinter } from './output-printer.js';
import { statusLine, type Painter } from './render.js';

export interface LoadOptions {
  file: string;
  /** host:port of the session: rows without a target run there. */
  where: string;
  session: ReconnectingConnection;
  connectOptions: ConnectOptions;
  timeout?: number;
  /** Ctrl+C: the runs are cancelled, the batch stops. */
  signal: AbortSignal;
  output: Writable;
  errorOutput: Writable;
  terminal: boolean;
  paint: Painter;
  env: NodeJS.ProcessEnv;
  /** Each finished row, in order. */
  onRow(row: OutputRow): void;
}

export async function loadBatch(options: LoadOptions): Promise<BatchSummary> {
  const { output, errorOutput, terminal, paint } = options;

  /** A connection whose runs print as they go; `own`: opened for this batch, closed by it. */
  const printing = (conn: Connection, key: string, own: boolean): BatchConnection => ({
    async run(cmd, runOptions) {
      if (terminal) output.write(`${paint.dim(`${key}> ${cmd}`)}\n`);
      const printer = new OutputPrinter({ output, errorOutput, terminal, paint, pause: () => conn.pause(), resume: () => conn.resume() });
      try {
        const result = await conn.run(cmd, { ...runOptions, onOutput: printer.write });
        printer.endLine();
        const status = statusLine(result, paint, terminal, terminal ? undefined : cmd); // on a terminal the command line is above
        if (status) (terminal ? output : errorOutput).write(`${status}\n`);
        return result;
      } catch (err) {
        printer.endLine();
        throw err; // the runner makes it an error row; the summary tells it
      }
    },
    close: own ? () => conn.close() : () => Promise.resolve(), // the session's connection stays open
  });

  const connectTo: BatchConnect = async (address, connectOptions) => {
    const key = formatAddress(address);
    if (key === options.where) return printing(await options.session.ready(), key, false);
    return printing(await connect(address, connectOptions), key, true);
  };

  const { runBatch } = await batchTools();
  return runBatch({
    input: options.file,
    target: options.where,
    connect: connectTo,
    connectOptions: options.connectOptions,
    ...(options.timeout !== undefined ? { timeout: options.timeout } : {}),
    // One session, one run in flight: output stays under its own command line.
    concurrency: 1,
    window: 1,
    stdout: null, // the rows go to the session's transcript, through onRow
    onRow: options.onRow,
    stderr: errorOutput,
    progress: false,
    printSummary: false,
    signal: options.signal,
    env: options.env,
  });
}
