/**
 * Which server, when the command line did not say: host and port prompts
 * (defaults localhost / 10000; a bad value is refused with the reason and
 * asked again), or a pick from the servers of `--targets servers.csv`.
 */
import { DEFAULT_PORT, parseAddress, parseHostPort, parsePort, type Address, errorMessage } from '../protocol/index.js';
import type { BatchTarget } from './batch-api.js';
import { ask, type PromptStreams } from './enquire.js';

/** Why `text` is not a host[:port], or true. */
function checkHost(text: string): true | string {
  if (text.trim() === '') return 'type a host name or address, e.g. 127.0.0.1';
  try {
    parseAddress(text);
    return true;
  } catch (err) {
    return errorMessage(err);
  }
}

function checkPort(text: string): true | string {
  try {
    parsePort(text);
    return true;
  } catch (err) {
    return errorMessage(err);
  }
}

/** Asks for the host (which may carry `:port`, then the port is not asked) and the port. */
export async function askAddress(streams: PromptStreams): Promise<Address> {
  const host = await ask<string>(streams, { type: 'input', message: 'Host (host or host:port)', initial: 'localhost', validate: checkHost });
  const given = parseHostPort(host);
  if (given.port !== null) return { host: given.host, port: given.port };
  const port = await ask<string>(streams, { type: 'input', message: 'Port', initial: String(DEFAULT_PORT), validate: checkPort });
  return { host: given.host, port: parsePort(port) };
}

/** A select prompt over the servers of servers.csv. */
export async function chooseTarget(streams: PromptStreams, targets: readonly BatchTarget[]): Promise<BatchTarget> {
  const key = await ask<string>(streams, {
    type: 'select',
    message: 'Server',
    choices: targets.map((t) => ({ name: t.key, message: t.name === t.key ? t.key : t.name, hint: t.name === t.key ? '' : t.key })),
  });
  const chosen = targets.find((t) => t.key === key);
  if (!chosen) throw new Error(`the prompt answered ${key}, which is not in the list`);
  return chosen;
}
