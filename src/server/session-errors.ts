import type { SessionHost } from './session-host.js';

/** Protocol errors logged per session; the rest are counted in one line, so a flood cannot flood the log. */
export const LOGGED_PROTOCOL_ERRORS = 10;

/**
 * A session's protocol errors in the log: before the handshake counted per
 * address with the server's other unknown peers (what a flood of
 * connections would log), after it the first LOGGED_PROTOCOL_ERRORS, then
 * a count in the disconnect line.
 */
export class ProtocolErrors {
  private count = 0;

  constructor(
    private readonly host: Pick<SessionHost<unknown>, 'logger' | 'logRepeated'>,
    private readonly session: string,
    private readonly peer: string,
    private readonly address: string,
  ) {}

  log(code: string, message: string, established: boolean): void {
    const event = { event: 'protocol-error' as const, session: this.session, peer: this.peer, code };
    if (!established) return this.host.logRepeated(this.address, code, { ...event, message });
    this.count++;
    if (this.count > LOGGED_PROTOCOL_ERRORS + 1) return;
    const over = this.count > LOGGED_PROTOCOL_ERRORS;
    this.host.logger.log({ ...event, message: over ? `${message} (more protocol errors in this session are not logged; the count is in the disconnect line)` : message });
  }

  /** What the disconnect line adds when errors went unlogged. */
  countNote(): string {
    return this.count > LOGGED_PROTOCOL_ERRORS ? ` (after ${this.count} protocol errors)` : '';
  }
}
