/**
 * Which server, when the command line did not say: host and port prompts
 * (defaults localhost / 10000; a bad value is refused with the reason and
 * asked again), or a pick from the servers of `--targets servers.csv`. Asked
 * again after a server that could not be reached, the last answer comes
 * prefilled.
 */
import { DEFAULT_PORT, parseAddress, parseHostPort, parsePort, errorMessage } from '../protocol/index.js';
import type { BatchTarget } from './batch-api.js';
import { ask, type PromptStreams } from './enquire.js';
import type { Target } from './session.js';
import { fromList } from './target.js';

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

/** What the user answered, offered again when that server could not be reached: the texts typed, or the server picked. */
export type Answer = { host: string; port?: string } | { key: string };

/** The server to start on (or `.connect` to): a pick from servers.csv, or host and port typed; `last` comes prefilled. */
export async function askServer(streams: PromptStreams, known: readonly BatchTarget[], last?: Answer): Promise<{ target: Target; answer: Answer }> {
  if (known.length > 0) {
    const chosen = await chooseTarget(streams, known, last && 'key' in last ? last.key : undefined);
    return { target: fromList(chosen), answer: { key: chosen.key } };
  }
  const typed = last && 'host' in last ? last : undefined;
  const host = await ask<string>(streams, { type: 'input', message: 'Host (host or host:port)', initial: 'localhost', validate: checkHost }, typed?.host);
  const given = parseHostPort(host);
  if (given.port !== null) return { target: { address: { host: given.host, port: given.port } }, answer: { host } };
  const port = await ask<string>(streams, { type: 'input', message: 'Port', initial: String(DEFAULT_PORT), validate: checkPort }, typed?.port);
  return { target: { address: { host: given.host, port: parsePort(port) } }, answer: { host, port } };
}

/** A select prompt over the servers of servers.csv, on `current` (a key) if given. */
async function chooseTarget(streams: PromptStreams, targets: readonly BatchTarget[], current?: string): Promise<BatchTarget> {
  const at = targets.findIndex((t) => t.key === current);
  const key = await ask<string>(streams, {
    type: 'select',
    message: 'Server',
    choices: targets.map((t) => ({ name: t.key, message: t.name === t.key ? t.key : t.name, hint: t.name === t.key ? '' : t.key })),
    ...(at >= 0 ? { initial: at } : {}),
  });
  const chosen = targets.find((t) => t.key === key);
  if (!chosen) throw new Error(`the prompt answered ${key}, which is not in the list`);
  return chosen;
}
