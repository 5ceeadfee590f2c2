import type { TcpcmdError } from '../protocol/index.js';

/**
 * How a run is stopped: `abort(reason)` with a TcpcmdError saying why. The
 * AbortSignal behind it is made only when a command asks for it: most
 * builtins never do, and an AbortController per run was a tenth of a busy
 * server's time.
 */
export class RunAbort {
  private controller: AbortController | undefined;
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
  }
}
