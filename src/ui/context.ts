/** What every part of the `ui` process shares: how to reach servers, the list, the temp folder, the open pages. */
import type { ConnectOptions } from '../client/index.js';
import { errorMessage, isTcpcmdError } from '../protocol/index.js';
import type { BatchTarget } from './batch-api.js';
import type { UiMessage } from './messages.js';

export interface UiContext {
  /** TLS, connect timeout, token of the command line (servers.csv's token_env wins). */
  connectOptions: ConnectOptions;
  env: NodeJS.ProcessEnv;
  /** The servers of --targets, with their tokens: these stay in this process. */
  targets: BatchTarget[];
  targetsFile: string | null;
  /** A private (0700) folder for transcripts and uploads, removed on close. */
  dir: string;
  /** Transcripts that may be downloaded, by id. */
  downloads: Map<string, { path: string; base: string }>;
  /** Sends to every open page. */
  broadcast(message: UiMessage): void;
}

/** An error as the CLI words it: `message (CODE)`, without a repeated `host:port: ` head. */
export function describe(err: unknown, where?: string): string {
  if (!isTcpcmdError(err)) return errorMessage(err);
  const message = where !== undefined && err.message.startsWith(`${where}: `) ? err.message.slice(where.length + 2) : err.message;
  return `${message} (${err.code})`;
}

/** The token for a server: its servers.csv token_env, else --token-file, else TCPCMD_TOKEN. */
export function tokenFor(ctx: UiContext, key: string): string | undefined {
  const listed = ctx.targets.find((t) => t.key === key);
  const env = ctx.env.TCPCMD_TOKEN === '' ? undefined : ctx.env.TCPCMD_TOKEN;
  return listed?.token ?? ctx.connectOptions.token ?? env;
}
