import { Exit } from './exit-codes.js';

/**
 * Ctrl+C (SIGINT) and SIGTERM for a command: the first calls `onFirst` (stop
 * politely), a second exits at once with 130. Returns the function that
 * removes the handlers.
 */
export function onInterrupt(onFirst: (signal: NodeJS.Signals) => void, signals: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM']): () => void {
  let count = 0;
  const handler = (signal: NodeJS.Signals): void => {
    if (++count > 1) process.exit(Exit.INTERRUPTED);
    onFirst(signal);
  };
  for (const s of signals) process.on(s, handler);
  return () => {
    for (const s of signals) process.removeListener(s, handler);
  };
}
