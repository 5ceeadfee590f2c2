/**
 * Callbacks waiting on one AbortSignal behind a single listener of its own.
 * Node's EventTarget walks its list of listeners on every add and remove:
 * with hundreds of connections waiting on one signal (a fan-out's), each
 * connect and each answer walked them all. Here adding and removing cost a
 * Set operation, however many wait.
 */
const waiting = new WeakMap<AbortSignal, Set<() => void>>();

/**
 * Calls `fn` once when `signal` aborts (not when it already has: check
 * `signal.aborted` first). Returns the function that stops waiting.
 */
export function whenAborted(signal: AbortSignal, fn: () => void): () => void {
  let callbacks = waiting.get(signal);
  if (!callbacks) {
    const all = new Set<() => void>();
    callbacks = all;
    waiting.set(signal, all);
    signal.addEventListener('abort', () => {
      waiting.delete(signal);
      for (const callback of [...all]) callback();
    }, { once: true });
  }
  // A wrapper of its own: the same function may wait twice, and each wait is removed on its own.
  const own = (): void => fn();
  const set = callbacks;
  set.add(own);
  return () => {
    set.delete(own);
  };
}
