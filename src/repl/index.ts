/** The interactive REPL (`tcpcmd connect`). */
export { startRepl } from './repl.js';
export type { ReplOptions, ReplResult } from './options.js';
export { historyPath } from './history.js';
