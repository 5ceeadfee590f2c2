import type { TcpcmdError } from '../protocol/index.js';

/**
 * How a run is stopped: `abort(reason)` with a TcpcmdError saying why. The
 * AbortSignal behind it is made only when a command asks for it: most
 * builtins never do, and an AbortController per run was a tenth of a busy
 * server's time.
 */
export class RunAbort {
  private controller: AbortController | undefined;
  private listeners: (() => void)[] = [];
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
    for (const listener of this.listeners.splice(0)) listener();
  }

  /** Resolves `graceMs` after the run is aborted (never, if it is not): the limit for commands that ignore their signal. */
  afterAbort(graceMs: number): Promise<void> {
    return new Promise((resolve) => {
      const arm = (): void => void setTimeout(resolve, graceMs).unref();
      if (this.reason) arm();
      else this.listeners.push(arm);
    });
  }
}
