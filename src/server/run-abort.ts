import type { TcpcmdError } from '../protocol/index.js';

/**
 * How a run is stopped: `abort(reason)` with a TcpcmdError saying why. The
 * AbortSignal behind it is made only when a command asks for it: most
 * builtins never do, and an AbortController per run was a tenth of a busy
 * server's time.
 */
export class RunAbort {
  private controller: AbortController | undefined;
  private listeners: (() => void)[] | undefined;
  /** Why the run was stopped; undefined while it was not. */
  reason: TcpcmdError | undefined;

  get signal(): AbortSignal {
    if (!this.controller) {
      this.controller = new AbortController();
      if (this.reason) this.controller.abort(this.reason);
    }
    return this.controller.signal;
  }

  abort(reason: TcpcmdError): void {
    if (this.reason) return;
    this.reason = reason;
    this.controller?.abort(reason);
    const listeners = this.listeners;
    this.listeners = undefined;
    if (listeners) for (const listener of listeners) listener();
  }

  /** Calls `listener` once the run is aborted (at once if it already is). */
  onAbort(listener: () => void): void {
    if (this.reason) listener();
    else (this.listeners ??= []).push(listener);
  }
}
