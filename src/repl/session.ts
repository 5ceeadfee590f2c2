/**
 * The REPL's link to one server: the first connect — asking for the token with
 * a hidden prompt (on a terminal) when the server wants one and none is set —
 * then a ReconnectingConnection that comes back with the same token.
 */
import { connect } from '../client/connect.js';
import { ReconnectingConnection, type ReconnectOptions } from '../client/reconnecting.js';
import type { ConnectOptions } from '../client/types.js';
import { ErrorCode, formatAddress, isTcpcmdError, type Address } from '../protocol/index.js';

export interface SessionOptions {
  connectOptions: ConnectOptions;
  /** TCPCMD_TOKEN is read from here. */
  env: NodeJS.ProcessEnv;
  /** Asks for the token (a terminal); without it AUTH_REQUIRED stands. `again`: the last one was wrong. */
  askToken?: (where: string, again: boolean) => Promise<string>;
  reconnect?: ReconnectOptions;
  /** Gives up connecting (Ctrl+C at start). */
  signal?: AbortSignal;
}

/** Tries with a typed token, as ssh gives a password three chances. */
const TOKEN_TRIES = 3;

export interface Target {
  address: Address;
  /** servers.csv's name, when it gave one. */
  name?: string;
  /** From servers.csv's token_env; else the connect options' or TCPCMD_TOKEN. */
  token?: string;
}

export async function openSession(target: Target, options: SessionOptions): Promise<ReconnectingConnection> {
  const where = formatAddress(target.address);
  const envToken = options.env.TCPCMD_TOKEN === '' ? undefined : options.env.TCPCMD_TOKEN;
  let token = target.token ?? options.connectOptions.token ?? envToken;
  let typed = 0;
  const withToken = (signal?: AbortSignal): ConnectOptions => ({
    ...options.connectOptions,
    ...(token !== undefined ? { token } : {}),
    ...(signal ? { signal } : {}),
  });
  for (;;) {
    try {
      const first = await connect(target.address, withToken(options.signal));
      return new ReconnectingConnection(first, (signal) => connect(target.address, withToken(signal)), options.reconnect);
    } catch (err) {
      const wantsOne = isTcpcmdError(err, ErrorCode.AUTH_REQUIRED) && token === undefined;
      const typedWrong = isTcpcmdError(err, ErrorCode.AUTH_FAILED) && typed > 0;
      if (!options.askToken || !(wantsOne || typedWrong) || typed >= TOKEN_TRIES) throw err;
      token = await options.askToken(where, typed > 0);
      typed++;
    }
  }
}
