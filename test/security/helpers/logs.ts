import { spawn } from 'node:child_process';
import type { LogEvent, Logger } from '../../../src/server/index.js';
import { BIN, type CliServer } from '../../helpers/cli.js';
import { onCleanup } from '../../helpers/servers.js';

/** A logger that keeps what the server said, for assertions. */
export function memoryLogger(): Logger & { events: LogEvent[]; of<K extends LogEvent['event']>(kind: K): Extract<LogEvent, { event: K }>[] } {
  const events: LogEvent[] = [];
  return {
    events,
    log: (e) => void events.push(e),
    of: <K extends LogEvent['event']>(kind: K) => events.filter((e): e is Extract<LogEvent, { event: K }> => e.event === kind),
  };
}

/** Parses every line of a `--log-format json` log; throws on a line that is not JSON. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- log lines are inspected loosely
export function jsonLines(log: string): any[] {
  return log.split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l));
}

/** Waits (up to `ms`) until a server's log matches; returns the log. */
export async function logMatching(server: { log(): string }, pattern: RegExp, ms = 5_000): Promise<string> {
  const deadline = Date.now() + ms;
  while (!pattern.test(server.log())) {
    if (Date.now() > deadline) throw new Error(`the log never matched ${pattern}:\n${server.log()}`);
    await new Promise((r) => setTimeout(r, 25));
  }
  return server.log();
}

/** Starts `tcpcmd serve --port 0 --log-format json ...args` (the shared helper reads the text log's "listening on"). */
export async function startJsonLogServer(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliServer> {
  const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--log-format', 'json', ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  onCleanup(() => void child.kill('SIGKILL'));
  let log = '';
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start: ${log}`)), 10_000);
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      log += d;
      const m = /"event":"listening","address":"[^"]+:(\d+)"/.exec(log);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    void exited.then((code) => reject(new Error(`server exited with ${code}: ${log}`)));
  });
  return { child, port, target: `127.0.0.1:${port}`, log: () => log, exited };
}
