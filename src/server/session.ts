import type { Socket } from 'node:net';
import { ErrorCode, HANDSHAKE_MAX_FRAME, TcpcmdError, parseClientMessage, type ClientMessage, type ErrorInfo, type LineEvent } from '../protocol/index.js';
import type { SessionInfo } from './command.js';
import { peerName } from './peer.js';
import type { HandshakeTicket } from './handshake-gate.js';
import type { SessionHost } from './session-host.js';
import { Handshake } from './session-handshake.js';
import { InlineMode } from './session-inline.js';
import { IdleWatch, SessionInput } from './session-input.js';
import { SessionOutput } from './session-output.js';
import { SessionRuns } from './session-runs.js';
import { ProtocolErrors } from './session-errors.js';

type State = 'greeting' | 'auth' | 'ready' | 'closed';

/**
 * One client connection: handshake (and auth), then its runs (a RunQueue:
 * strictly in the order they arrived, one at a time). Speaks JSON frames, or
 * plain text lines when the first line does not start with `{` (inline mode,
 * for nc/telnet). Its input, output, handshake and plain-text mode each live
 * in a file of their own (session-*.ts); this class ties them to its state.
 */
export class Session {
  readonly info: SessionInfo;
  readonly peer: string;
  private state: State = 'greeting';
  private readonly input: SessionInput;
  private readonly output: SessionOutput;
  private readonly handshake: Handshake;
  private readonly inline: InlineMode;
  private readonly errors: ProtocolErrors;
  /** This session's runs, in order, one at a time. */
  private readonly runs: SessionRuns;
  /** The client closed its sending side: answer what it sent, then close. */
  private inputEnded = false;
  /** Why the session ended, for the log. */
  closeReason = 'the client closed the connection';
  /** Through the handshake and counted as a session (--max-sessions). */
  established = false;
  private readonly idle: IdleWatch;
  readonly closed: Promise<void>;
  private resolveClosed!: () => void;

  constructor(
    private readonly socket: Socket,
    private readonly host: SessionHost<Session>,
    id: string,
    tls: boolean,
    /** Its place in the server's handshake budget, left once the handshake is done. */
    private readonly ticket?: HandshakeTicket,
  ) {
    this.peer = peerName(socket);
    this.info = {
      id, tls,
      remoteAddress: socket.remoteAddress ?? '', remotePort: socket.remotePort ?? 0,
      localAddress: socket.localAddress ?? '', localPort: socket.localPort ?? 0,
    };
    const isClosed = (): boolean => this.state === 'closed';
    // Until the handshake is done only small frames are read: an unauthenticated peer cannot make the server hold or parse a large one.
    const maxLine = Math.min(HANDSHAKE_MAX_FRAME, host.options.limits.maxFrame);
    this.input = new SessionInput(socket, maxLine, { closed: isClosed, line: (event) => this.onLine(event), settled: () => this.finishIfDone() });
    this.output = new SessionOutput(socket, isClosed);
    this.inline = new InlineMode((data) => this.output.sendText(data));
    this.errors = new ProtocolErrors(host, this.info.id, this.peer, this.info.remoteAddress);
    this.handshake = new Handshake(host, { session: id, peer: this.peer, address: this.info.remoteAddress }, (refusal) => this.fail(refusal.code, refusal.message), ticket?.admittedAt);
    this.runs = new SessionRuns({
      info: this.info, peer: this.peer, output: this.output, inline: this.inline,
      ready: () => this.state === 'ready',
      closed: isClosed,
      answered: () => this.idle.heard(), // idle counts from the end of the last run
      disconnect: () => this.close({ code: 'DISCONNECT', message: 'disconnected on request' }),
      settled: () => this.finishIfDone(),
      holdForStdin: (on) => this.input.holdForStdin(on), moreInput: () => this.input.pending,
    }, host);
    this.closed = new Promise((resolve) => (this.resolveClosed = resolve));
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('drain', () => {
      this.input.drained();
      this.output.drained();
    });
    socket.on('end', () => this.onInputEnd());
    socket.on('error', () => {}); // 'close' follows; a vanished peer is not the server's error
    socket.on('close', () => this.onSocketClosed());
    const { idleTimeoutMs } = host.options.limits;
    this.idle = new IdleWatch(idleTimeoutMs, this.runs, () => this.close({ code: ErrorCode.IDLE_TIMEOUT, message: `idle for ${idleTimeoutMs} ms` }));
  }

  get busy(): boolean {
    return this.runs.busy;
  }

  // ---- input ----------------------------------------------------------------

  private onData(chunk: Buffer): void {
    const { decoder } = this.input;
    if (this.state === 'greeting' && decoder.buffered === 0 && chunk[0] === 0x16) return this.refuseTls();
    this.inline.saw(chunk);
    // A plain-text client on a server without a token: its first line is already a command, with the full frame limit.
    if (this.state === 'greeting' && this.plainText && this.handshake.open) decoder.setLimit(this.host.options.limits.maxFrame);
    this.input.take(chunk);
    this.inline.watchQuiet(decoder.buffered, this.state === 'greeting', () => this.input.takeRest());
    if (!this.established) this.ticket?.partial(decoder.buffered > 0);
    this.input.handle();
  }

  /** A TLS ClientHello on a plain listener: answer in plain text (a TLS client reads it as "not TLS") and close, so it fails fast. */
  private refuseTls(): void {
    this.host.logger.log({ event: 'protocol-error', session: this.info.id, peer: this.peer, code: ErrorCode.TLS_ERROR, message: 'a TLS client on a plain-text listener (told to drop --tls)' });
    this.state = 'closed';
    this.closeReason = 'a TLS client on a plain-text listener';
    this.output.sendRaw({ type: 'error', code: ErrorCode.TLS_ERROR, message: 'this server does not speak TLS: connect without --tls', fatal: true });
    this.output.end();
  }

  /**
   * The client closed its sending side. In plain text that ends its commands
   * (`echo os | nc`): its last line counts, every command it sent is
   * answered, then the session closes. A JSON client says `bye` when it is
   * done, so there it means the client is gone: its runs are stopped.
   */
  private onInputEnd(): void {
    this.inline.stopWatching();
    this.inputEnded = true;
    if (this.state === 'closed') return;
    if (!this.plainText) return this.output.flushAndEnd();
    this.input.takeRest();
    this.finishIfDone();
  }

  /** After a half-close: closes once nothing is left to read or answer. */
  private finishIfDone(): void {
    if (!this.inputEnded || this.state === 'closed' || this.runs.busy || this.input.pending) return;
    this.close({ code: 'DISCONNECT', message: 'the client closed its sending side; every command it sent was answered' });
  }

  private onLine(event: LineEvent): void {
    if (event.kind === 'too-large') {
      const before = this.established ? '' : ' for frames before the handshake is done';
      return this.fail(ErrorCode.FRAME_TOO_LARGE, `a frame passed the limit of ${this.input.decoder.limit} bytes${before}`);
    }
    this.idle.heard();
    if (!this.established) this.ticket?.progressed();
    if (event.kind === 'bad-utf8') this.badFrame('frame is not valid UTF-8');
    else this.onText(event.line);
  }

  private onText(line: string): void {
    if (this.state === 'greeting' && !line.trimStart().startsWith('{')) return this.startInline(line);
    if (this.inline.active) {
      const run = this.inline.run(line);
      if (run) this.runs.add(run);
      return;
    }
    const parsed = parseClientMessage(line);
    if (!parsed.ok) return this.badFrame(parsed.message);
    if (this.state === 'greeting') return this.greet(parsed.value);
    if (this.state === 'auth') return this.authenticate(parsed.value);
    this.onFrame(parsed.value);
  }

  private onFrame(msg: ClientMessage): void {
    switch (msg.type) {
      case 'run':
        return this.runs.add(msg);
      case 'stdin':
        return this.runs.stdins.feed(msg);
      case 'cancel':
        return this.runs.queue.cancel(msg.id);
      case 'bye':
        return this.close({ code: 'DISCONNECT', message: 'client said bye' });
      default:
        return this.badFrame(`unexpected ${msg.type} frame after the handshake`);
    }
  }

  // ---- handshake ------------------------------------------------------------

  private greet(msg: ClientMessage): void {
    const greeting = this.handshake.greet(msg);
    if ('code' in greeting) return this.fail(greeting.code, greeting.message);
    this.runs.sendData = greeting.data;
    this.output.encodeBytes(greeting.bytes);
    this.output.foldIntoDone(greeting.doneOutput);
    this.output.send(greeting.hello);
    if (this.handshake.open) this.becomeReady();
    else this.state = 'auth';
  }

  private authenticate(msg: ClientMessage): void {
    const verdict = this.handshake.verify(msg);
    if (verdict === true) this.becomeReady();
    else if (verdict === false) this.authFailed();
    else this.fail(verdict.code, verdict.message);
  }

  private startInline(firstLine: string): void {
    this.inline.start();
    if (!this.handshake.open) {
      // The token must never cross the wire, so plain-text mode cannot authenticate.
      return this.fail(ErrorCode.AUTH_REQUIRED, 'this server requires a token, which plain-text mode cannot prove without sending it: use `tcpcmd connect` with TCPCMD_TOKEN set');
    }
    this.becomeReady();
    this.onText(firstLine);
  }

  private becomeReady(): void {
    const full = this.host.sessionReady(this);
    if (full) return this.fail(full.code, full.message);
    this.established = true;
    this.ticket?.leave();
    this.input.decoder.setLimit(this.host.options.limits.maxFrame);
    if (this.state === 'auth') {
      this.host.logger.log({ event: 'authenticated', session: this.info.id, peer: this.peer });
      this.host.penalties.succeeded(this.info.remoteAddress);
    }
    this.state = 'ready';
    this.handshake.done();
    if (!this.inline.active) this.output.send({ type: 'ready', session: this.info.id, commands: this.host.commandNames() });
  }

  private authFailed(): void {
    this.state = 'closed'; // accept nothing more while the answer is delayed
    setTimeout(() => {
      this.output.sendRaw({ type: 'error', code: ErrorCode.AUTH_FAILED, message: 'authentication failed: the token is wrong', fatal: true });
      this.output.end();
    }, this.host.options.limits.authFailDelayMs).unref();
  }

  // ---- errors and closing ---------------------------------------------------

  /** A frame that could not be understood: answered, and the session goes on (framing is intact). */
  private badFrame(message: string): void {
    this.errors.log(ErrorCode.BAD_FRAME, message, this.established);
    if (this.state !== 'ready') return this.fail(ErrorCode.BAD_FRAME, message);
    if (this.inline.active) this.inline.answers.line(`[error BAD_FRAME] ${message}`);
    else this.output.send({ type: 'error', code: ErrorCode.BAD_FRAME, message, fatal: false });
  }

  /** An error that ends the session: say why, then close (`closedByListener`: the listener closes the socket, soon). */
  fail(code: ErrorInfo['code'], message: string, closedByListener = false): void {
    if (this.state === 'closed') return;
    this.closeReason = code;
    this.errors.log(code, message, this.established);
    if (this.plainText) this.inline.answers.line(code === ErrorCode.AUTH_TIMEOUT && this.handshake.open ? `[timeout] ${message}` : `[error ${code}] ${message}`);
    else this.output.send({ type: 'error', code, message, fatal: true });
    this.runs.abortAll({ code, message });
    this.state = 'closed';
    // Nothing more from this client is read: a peer pushing a megabyte after a refused frame is not read to the end.
    this.socket.pause();
    // Before the handshake the listener closes it once the answer had time to leave (admission.ts), not at once (our end
    // would be the peer's cue): a sender that reconnects as soon as it is closed comes back no sooner than that.
    if (this.ticket?.failed() === true || closedByListener) return;
    this.output.end();
  }

  /**
   * Ends the session: the running command is stopped, waiting ones are
   * answered with the reason, the client is told why, and the socket closes.
   */
  close(reason: { code: ErrorInfo['code'] | 'DISCONNECT'; message: string }): void {
    if (this.state === 'closed') return;
    this.closeReason = reason.message;
    const info: ErrorInfo = { code: reason.code === 'DISCONNECT' ? ErrorCode.CONNECTION_CLOSED : reason.code, message: reason.message };
    this.runs.abortAll(info);
    if (!this.inline.active && this.state === 'ready') this.output.send({ type: 'bye', code: reason.code, message: reason.message });
    else if (this.inline.active && reason.code !== 'DISCONNECT') this.inline.answers.line(`[${reason.code}] ${reason.message}`);
    this.state = 'closed';
    this.output.end();
  }

  /** Stops queued runs and lets the running one go on for `graceMs` before it is stopped; then closes. */
  async drain(reason: ErrorInfo, graceMs: number): Promise<void> {
    await this.runs.queue.drain(reason, graceMs);
    this.close(reason);
  }

  /** Speaks plain text: in inline mode, or still greeting a client whose first byte was not `{`. */
  private get plainText(): boolean {
    return this.inline.active || (this.state === 'greeting' && this.inline.plainStart);
  }

  private onSocketClosed(): void {
    this.handshake.done();
    this.inline.stopWatching();
    this.idle.stop();
    this.ticket?.leave();
    this.runs.dispose();
    this.closeReason += this.errors.countNote();
    if (this.state !== 'closed') {
      this.runs.abortAll({ code: ErrorCode.CONNECTION_CLOSED, message: 'the client went away' });
      this.state = 'closed';
    } else {
      this.runs.queue.abortRunning(new TcpcmdError(ErrorCode.CONNECTION_CLOSED, 'the client went away'));
    }
    this.output.drained();
    this.host.sessionClosed(this);
    this.resolveClosed();
  }
}
