// size-allowance: one session's whole life in one class for now; to split along its ideas: the handshake and auth, the plain-text (inline) mode, apart from its frame I/O.
import type { Socket } from 'node:net';
import {
  BatchedWriter,
  ErrorCode,
  HANDSHAKE_MAX_FRAME,
  LineDecoder,
  PROTOCOL_VERSION,
  TcpcmdError,
  VERSION,
  encodeFrame,
  parseClientMessage,
  type DoneFrame,
  type ErrorInfo,
  type LineEvent,
  type RunFrame,
  type RunId,
  type ServerHello,
  type ServerMessage,
  Feature,
} from '../protocol/index.js';
import { makeNonce, verifyProof } from '../protocol/auth.js';
import type { SessionInfo } from './command.js';
import { peerName } from './peer.js';
import type { HandshakeTicket } from './handshake-gate.js';
import { RunDeadline } from './run-deadline.js';
import type { RunAnswer, RunEnv } from './run.js';
import { OutEncoder } from './out-encoder.js';
import { PlainAnswers } from './plain-answers.js';
import { RunStdins } from './run-stdins.js';
import { RunQueue } from './run-queue.js';
import type { SessionHost } from './session-host.js';

/** The hello features this server grants. */
const SERVER_FEATURES: ReadonlySet<string> = new Set<string>([Feature.DATA, Feature.BYTES, Feature.STDIN]);

type State = 'greeting' | 'auth' | 'ready' | 'closed';
type AfterRun = 'disconnect' | 'reset' | 'kill';

/** What a write that the socket can take at once returns: one settled promise, not one per write. */
const WRITTEN = Promise.resolve();

/**
 * Answers the server has not yet handed to the network, past which it stops
 * reading from this client: a client that sends but never reads (a flood of
 * bad frames, each answered) cannot grow the server's memory. Run output does
 * not reach it: a run waits for the socket to drain after each piece.
 */
export const UNSENT_HIGH_WATER = 1024 * 1024;

/**
 * How long a client must stay quiet after sending a first packet that has no
 * newline (and is not JSON) for that packet to be taken as a command. The
 * original client sent one command per packet, without a newline, and read
 * one answer per recv; from then on the session is in packet mode, where
 * each unfinished line is a command once the client is quiet this long.
 */
export const PACKET_QUIET_MS = 100;

/** Protocol errors logged per session; the rest are counted in one line, so a flood cannot flood the log. */
export const LOGGED_PROTOCOL_ERRORS = 10;

/**
 * One client connection: handshake (and auth), then its runs (a RunQueue:
 * strictly in the order they arrived, one at a time). Speaks JSON frames, or
 * plain text lines when the first line does not start with `{` (inline mode,
 * for nc/telnet).
 */
export class Session {
  readonly info: SessionInfo;
  readonly peer: string;
  private state: State = 'greeting';
  private mode: 'json' | 'inline' = 'json';
  /** The client asked for the `data` feature: done frames carry the builtins' figures. */
  private sendData = false;
  private readonly decoder: LineDecoder;
  private readonly nonce = makeNonce();
  private protocolErrors = 0;
  private readingPaused = false;
  /** Decoded lines not handled yet (reading paused for backpressure), and the next one's index. */
  private backlog: LineEvent[] = [];
  private backlogAt = 0;
  /** This session's runs, in order, one at a time. */
  private readonly runs: RunQueue;
  private afterRun: AfterRun | undefined;
  private inlineSeq = 0;
  /** Output bytes as `out` frame payloads (text, or base64 for a client that negotiated `bytes`). */
  private out = new OutEncoder(false);
  /** The run whose output `out` may hold the end of. */
  private outRun: RunId | undefined;
  /** The stdin of runs that asked for one. */
  private readonly stdins = new RunStdins((on) => this.holdForStdin(on));
  /** Reading is paused until a run's stdin drains. */
  private stdinHeld = false;
  /** A plain-text session's answers (boundaries, markers, packet mode). */
  private readonly plain = new PlainAnswers((data) => this.sendText(data));
  /** The first byte the client sent that is not white space: `{` for JSON. */
  private firstByte: number | undefined;
  /** Packet mode: the first command came as a packet with no newline. */
  private packets = false;
  private quietTimer: NodeJS.Timeout | undefined;
  /** The client closed its sending side: answer what it sent, then close. */
  private inputEnded = false;
  /** Why the session ended, for the log. */
  closeReason = 'the client closed the connection';
  private handshakeTimer: NodeJS.Timeout | undefined;
  /** Through the handshake and counted as a session (--max-sessions). */
  established = false;
  /** When the client last sent a whole frame (or a run ended): --idle-timeout counts from it. */
  private lastHeard = performance.now();
  private idleTimer: NodeJS.Timeout | undefined;
  private drainWaiters: (() => void)[] = [];
  /** Every byte to the client goes through it, so frames of one turn leave in one write. */
  private readonly writer: BatchedWriter;
  /** What each run of this session is lent (made once, not per run). */
  private readonly runEnv: RunEnv;
  private readonly deadline = new RunDeadline();
  private readonly closedPromise: Promise<void>;
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
      id,
      remoteAddress: socket.remoteAddress ?? '',
      remotePort: socket.remotePort ?? 0,
      localAddress: socket.localAddress ?? '',
      localPort: socket.localPort ?? 0,
      tls,
    };
    // Until the handshake is done only small frames are read: an unauthenticated peer cannot make the server hold or parse a large one.
    this.decoder = new LineDecoder(Math.min(HANDSHAKE_MAX_FRAME, host.options.limits.maxFrame));
    this.writer = new BatchedWriter(socket);
    this.runEnv = {
      server: { registry: host.registry, policy: host.policy, logger: host.logger, limits: host.options.limits },
      session: this.info,
      peer: this.peer,
      write: (frame, stream, data) => this.writeOutput(frame, stream, data),
      stdin: (frame) => this.stdins.get(frame.id),
      control: {
        commands: () => host.offeredCommands(),
        disconnect: () => (this.afterRun = 'disconnect'),
        reset: () => (this.afterRun = 'reset'),
        kill: () => (this.afterRun = 'kill'),
      },
      deadline: this.deadline,
    };
    this.runs = new RunQueue(
      {
        accepting: () => this.state === 'ready',
        answer: (frame, answer) => this.answer(frame, answer),
        duplicate: (frame) => this.send({ type: 'error', code: ErrorCode.DUPLICATE_ID, message: `run id ${JSON.stringify(frame.id)} is already in flight`, fatal: false, id: frame.id }),
        afterEach: () => this.afterEachRun(),
      },
      this.runEnv,
      host.options.limits,
    );
    this.closedPromise = new Promise((resolve) => (this.resolveClosed = resolve));
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('drain', () => this.onDrain());
    socket.on('end', () => this.onInputEnd());
    socket.on('error', () => {}); // 'close' follows; a vanished peer is not the server's error
    socket.on('close', () => this.onSocketClosed());
    const { authTimeoutMs, idleTimeoutMs } = host.options.limits;
    if (authTimeoutMs > 0) {
      // Like OpenSSH's LoginGraceTime: a peer that connects and says nothing must not hold a session slot.
      const what = host.options.token === undefined ? 'no hello (or first command line)' : 'no successful auth';
      this.handshakeTimer = setTimeout(() => this.fail(ErrorCode.AUTH_TIMEOUT, `${what} within ${authTimeoutMs} ms (--auth-timeout); reconnect and try again`), authTimeoutMs);
    }
    if (idleTimeoutMs > 0) this.armIdle(idleTimeoutMs);
  }

  /**
   * Idle is measured on whole frames, not bytes: a client that trickles a
   * byte a second never finishes a frame, so it is idle all the same.
   */
  private armIdle(ms: number): void {
    this.idleTimer = setTimeout(() => {
      if (this.state === 'closed') return;
      const { idleTimeoutMs } = this.host.options.limits;
      const quiet = performance.now() - this.lastHeard;
      if (this.runs.busy) this.armIdle(idleTimeoutMs);
      else if (quiet >= idleTimeoutMs - 1) this.close({ code: ErrorCode.IDLE_TIMEOUT, message: `idle for ${idleTimeoutMs} ms` });
      else this.armIdle(Math.ceil(idleTimeoutMs - quiet));
    }, ms).unref();
  }

  /** Resolves once the socket is closed. */
  get closed(): Promise<void> {
    return this.closedPromise;
  }

  get busy(): boolean {
    return this.runs.busy;
  }

  // ---- input ----------------------------------------------------------------

  private onData(chunk: Buffer): void {
    if (this.state === 'greeting' && this.decoder.buffered === 0 && chunk[0] === 0x16) {
      // A TLS ClientHello on a plain listener: answer in plain text (a TLS client reads it as "not TLS") and close, so it fails fast.
      this.host.logger.log({ event: 'protocol-error', session: this.info.id, peer: this.peer, code: ErrorCode.TLS_ERROR, message: 'a TLS client on a plain-text listener (told to drop --tls)' });
      this.state = 'closed';
      this.closeReason = 'a TLS client on a plain-text listener';
      this.sendRaw({ type: 'error', code: ErrorCode.TLS_ERROR, message: 'this server does not speak TLS: connect without --tls', fatal: true });
      this.endSocket();
      return;
    }
    this.firstByte ??= chunk.find((byte) => byte !== 0x20 && byte !== 0x09 && byte !== 0x0d && byte !== 0x0a);
    // A plain-text client on a server without a token: its first line is already a command, with the full frame limit.
    if (this.state === 'greeting' && this.plainText && this.host.options.token === undefined) this.decoder.setLimit(this.host.options.limits.maxFrame);
    const events = this.decoder.push(chunk);
    this.watchQuiet();
    if (!this.established) this.ticket?.partial(this.decoder.buffered > 0);
    // A chunk that was already on its way when reading paused joins the lines still waiting.
    this.backlog = this.backlogAt < this.backlog.length ? this.backlog.slice(this.backlogAt).concat(events) : events;
    this.backlogAt = 0;
    if (!this.readingPaused) this.processBacklog();
  }

  /**
   * Handles the lines of the last chunk, but stops (and stops reading the
   * socket) while our unsent answers pass UNSENT_HIGH_WATER: a client that
   * floods small frames and never reads gets no more answers queued for it.
   */
  private processBacklog(): void {
    while (this.backlogAt < this.backlog.length) {
      if (this.state === 'closed') break;
      if (this.socket.writableLength > UNSENT_HIGH_WATER) {
        this.readingPaused = true;
        this.socket.pause();
        return;
      }
      const event = this.backlog[this.backlogAt++] as LineEvent;
      if (event.kind === 'too-large') {
        const before = this.established ? '' : ' for frames before the handshake is done';
        this.fail(ErrorCode.FRAME_TOO_LARGE, `a frame passed the limit of ${this.decoder.limit} bytes${before}`);
        break;
      }
      this.lastHeard = performance.now();
      if (!this.established) this.ticket?.progressed();
      if (event.kind === 'bad-utf8') this.badFrame('frame is not valid UTF-8');
      else this.onLine(event.line);
    }
    this.backlog = [];
    this.backlogAt = 0;
    this.finishIfDone();
  }

  /**
   * Packet mode: an unfinished plain-text line becomes a command once the
   * client has been quiet for PACKET_QUIET_MS (each new chunk restarts the wait).
   */
  private watchQuiet(): void {
    clearTimeout(this.quietTimer);
    const plainStart = this.state === 'greeting' && this.firstByte !== undefined && this.firstByte !== 0x7b;
    if (this.decoder.buffered === 0 || !(plainStart || (this.mode === 'inline' && this.packets))) return;
    this.quietTimer = setTimeout(() => {
      this.packets = true;
      this.takeRest();
    }, PACKET_QUIET_MS);
  }

  /** The unfinished line held by the decoder, handled as a whole line. */
  private takeRest(): void {
    const rest = this.decoder.takeRest();
    if (!rest) return;
    this.backlog.push(rest);
    if (!this.readingPaused) this.processBacklog();
  }

  /**
   * The client closed its sending side. In plain text that ends its commands
   * (`echo os | nc`): its last line counts, every command it sent is
   * answered, then the session closes. A JSON client says `bye` when it is
   * done, so there it means the client is gone: its runs are stopped.
   */
  private onInputEnd(): void {
    clearTimeout(this.quietTimer);
    this.inputEnded = true;
    if (this.state === 'closed') return;
    if (!this.plainText) {
      this.writer.flush();
      this.socket.end();
      return;
    }
    this.takeRest();
    this.finishIfDone();
  }

  /** After a half-close: closes once nothing is left to read or answer. */
  private finishIfDone(): void {
    if (!this.inputEnded || this.state === 'closed' || this.runs.busy || this.backlogAt < this.backlog.length) return;
    this.close({ code: 'DISCONNECT', message: 'the client closed its sending side; every command it sent was answered' });
  }

  private onDrain(): void {
    if (this.readingPaused && this.state !== 'closed') {
      this.readingPaused = false;
      this.processBacklog();
      if (!this.readingPaused && !this.stdinHeld) this.socket.resume();
    }
    this.flushDrainWaiters();
  }

  private onLine(line: string): void {
    if (this.state === 'greeting' && !line.trimStart().startsWith('{')) {
      this.startInline(line);
      return;
    }
    if (this.mode === 'inline') {
      // A blank line (Enter alone in nc) is not a command.
      if (line.trim() !== '') this.runs.add({ type: 'run', id: ++this.inlineSeq, cmd: line });
      return;
    }
    const parsed = parseClientMessage(line);
    if (!parsed.ok) {
      this.badFrame(parsed.message);
      return;
    }
    const msg = parsed.value;
    if (this.state === 'greeting') {
      if (msg.type !== 'hello') return this.fail(ErrorCode.BAD_FRAME, `the first frame must be hello, got ${msg.type}`);
      if (msg.protocol !== PROTOCOL_VERSION) {
        return this.fail(ErrorCode.PROTOCOL_VERSION, `this server speaks protocol ${PROTOCOL_VERSION}, the client asked for ${msg.protocol}: use a matching tcpcmd version`);
      }
      const auth = this.host.options.token === undefined ? 'none' : 'token';
      const hello: ServerHello = { type: 'hello', protocol: PROTOCOL_VERSION, server: `tcpcmd/${VERSION}`, hostname: this.host.hostname, auth, nonce: this.nonce };
      if (msg.features) {
        // Only a client that asks is told, so an old client sees the hello it always saw.
        hello.features = msg.features.filter((f) => SERVER_FEATURES.has(f));
        this.sendData = hello.features.includes(Feature.DATA);
        this.out = new OutEncoder(hello.features.includes(Feature.BYTES));
      }
      this.send(hello);
      if (auth === 'none') this.becomeReady();
      else this.state = 'auth';
      return;
    }
    if (this.state === 'auth') {
      if (msg.type !== 'auth') return this.fail(ErrorCode.AUTH_REQUIRED, 'this server requires a token: authenticate before sending commands (set TCPCMD_TOKEN)');
      // Proofs are checked one at a time as they arrive: once an address is shut out, the proofs its other connections send are not checked at all.
      const shutOut = this.host.penalties.blockedFor(this.info.remoteAddress);
      if (shutOut > 0) return this.fail(ErrorCode.AUTH_FAILED, `too many failed authentications from ${this.info.remoteAddress}: try again in ${Math.ceil(shutOut / 1000)} s, with the right token`);
      const token = this.host.options.token ?? '';
      if (verifyProof(token, this.nonce, msg.hmac)) this.becomeReady();
      else this.authFailed();
      return;
    }
    switch (msg.type) {
      case 'run':
        if (msg.stdin) this.stdins.open(msg.id);
        return this.runs.add(msg);
      case 'stdin':
        return this.stdins.feed(msg);
      case 'cancel':
        return this.runs.cancel(msg.id);
      case 'bye':
        return this.close({ code: 'DISCONNECT', message: 'client said bye' });
      default:
        return this.badFrame(`unexpected ${msg.type} frame after the handshake`);
    }
  }

  private startInline(firstLine: string): void {
    this.mode = 'inline';
    if (this.packets) this.plain.holdAnswers();
    if (this.host.options.token !== undefined) {
      // The token must never cross the wire, so plain-text mode cannot authenticate.
      this.fail(ErrorCode.AUTH_REQUIRED, 'this server requires a token, which plain-text mode cannot prove without sending it: use `tcpcmd connect` with TCPCMD_TOKEN set');
      return;
    }
    this.becomeReady();
    this.onLine(firstLine);
  }

  private becomeReady(): void {
    const full = this.host.sessionReady(this);
    if (full) return this.fail(full.code, full.message);
    this.established = true;
    this.ticket?.leave();
    this.decoder.setLimit(this.host.options.limits.maxFrame);
    if (this.state === 'auth') {
      this.host.logger.log({ event: 'authenticated', session: this.info.id, peer: this.peer });
      this.host.penalties.succeeded(this.info.remoteAddress);
    }
    this.state = 'ready';
    clearTimeout(this.handshakeTimer);
    if (this.mode === 'json') this.send({ type: 'ready', session: this.info.id, commands: this.host.commandNames() });
  }

  private authFailed(): void {
    this.host.logRepeated(this.info.remoteAddress, 'auth-failed', { event: 'auth-failed', session: this.info.id, peer: this.peer });
    this.host.penalties.failed(this.info.remoteAddress);
    this.state = 'closed'; // accept nothing more while the answer is delayed
    setTimeout(() => {
      this.sendRaw({ type: 'error', code: ErrorCode.AUTH_FAILED, message: 'authentication failed: the token is wrong', fatal: true });
      this.endSocket();
    }, this.host.options.limits.authFailDelayMs).unref();
  }

  // ---- runs -----------------------------------------------------------------

  /** A command may have asked for this (`disconnect`, `reset`, `kill`): done once its answer is out. */
  private afterEachRun(): void {
    const action = this.afterRun;
    if (!action) return this.finishIfDone();
    this.afterRun = undefined;
    if (action === 'disconnect') this.close({ code: 'DISCONNECT', message: 'disconnected on request' });
    else if (action === 'reset') this.host.requestReset();
    else this.host.requestKill();
  }

  private answer(frame: RunFrame, answer: RunAnswer): void {
    this.lastHeard = performance.now(); // idle counts from the end of the last run
    this.stdins.close(frame.id);
    if (this.mode === 'json') {
      if (this.outRun === frame.id) {
        this.outRun = undefined;
        for (const [stream, piece] of this.out.end()) this.send({ type: 'out', id: frame.id, stream, ...piece });
      }
      const done: DoneFrame = { type: 'done', id: frame.id, exitCode: answer.exitCode, durationMs: answer.durationMs };
      if (answer.signal !== undefined) done.signal = answer.signal;
      if (answer.truncated !== undefined) done.truncated = answer.truncated;
      if (answer.error !== undefined) done.error = answer.error;
      if (answer.data !== undefined && this.sendData) done.data = answer.data;
      this.send(done);
      return;
    }
    this.plain.answer(answer);
  }

  private writeOutput(frame: RunFrame, stream: 'stdout' | 'stderr', data: string | Uint8Array): Promise<void> {
    if (this.state === 'closed' || data.length === 0) return WRITTEN;
    let ok: boolean;
    if (this.mode === 'inline') ok = this.plain.output(data);
    else if (typeof data === 'string') ok = this.send({ type: 'out', id: frame.id, stream, data });
    else {
      this.outRun = frame.id;
      const piece = this.out.encode(stream, data);
      ok = piece ? this.send({ type: 'out', id: frame.id, stream, ...piece }) : true;
    }
    return ok ? WRITTEN : new Promise<void>((resolve) => this.drainWaiters.push(resolve));
  }

  /** A run's stdin is full: stop reading the client until it drains (or the run ends). */
  private holdForStdin(on: boolean): void {
    this.stdinHeld = on;
    if (on) this.socket.pause();
    else if (!this.readingPaused && this.state !== 'closed') this.socket.resume();
  }

  private flushDrainWaiters(): void {
    const waiters = this.drainWaiters;
    this.drainWaiters = [];
    for (const resolve of waiters) resolve();
  }

  // ---- output ---------------------------------------------------------------

  private send(message: ServerMessage): boolean {
    if (this.state === 'closed') return true;
    return this.sendRaw(message);
  }

  private sendRaw(message: ServerMessage): boolean {
    if (this.socket.destroyed || this.socket.writableEnded) return true;
    return this.writer.write(encodeFrame(message));
  }

  private sendText(text: string | Uint8Array): boolean {
    if (this.state === 'closed' || this.socket.destroyed || this.socket.writableEnded) return true;
    return this.writer.write(text);
  }

  // ---- errors and closing ---------------------------------------------------

  /** A frame that could not be understood: answered, and the session goes on (framing is intact). */
  private badFrame(message: string): void {
    this.logProtocolError(ErrorCode.BAD_FRAME, message);
    if (this.state !== 'ready') return this.fail(ErrorCode.BAD_FRAME, message);
    if (this.mode === 'inline') this.plain.line(`[error BAD_FRAME] ${message}`);
    else this.send({ type: 'error', code: ErrorCode.BAD_FRAME, message, fatal: false });
  }

  private logProtocolError(code: string, message: string): void {
    if (!this.established) {
      // Before the handshake, what a flood of connections would log: counted per address.
      this.host.logRepeated(this.info.remoteAddress, code, { event: 'protocol-error', session: this.info.id, peer: this.peer, code, message });
      return;
    }
    this.protocolErrors++;
    if (this.protocolErrors > LOGGED_PROTOCOL_ERRORS + 1) return;
    const over = this.protocolErrors > LOGGED_PROTOCOL_ERRORS;
    this.host.logger.log({
      event: 'protocol-error', session: this.info.id, peer: this.peer, code,
      message: over ? `${message} (more protocol errors in this session are not logged; the count is in the disconnect line)` : message,
    });
  }

  /** An error that ends the session: say why, then close. */
  fail(code: ErrorInfo['code'], message: string): void {
    if (this.state === 'closed') return;
    this.closeReason = code;
    this.logProtocolError(code, message);
    if (this.plainText) this.plain.line(code === ErrorCode.AUTH_TIMEOUT && this.host.options.token === undefined ? `[timeout] ${message}` : `[error ${code}] ${message}`);
    else this.send({ type: 'error', code, message, fatal: true });
    this.runs.abortAll({ code, message });
    this.state = 'closed';
    this.ticket?.failed();
    // Nothing more from this client is read: a peer pushing a megabyte after a refused frame is not read to the end.
    this.socket.pause();
    this.endSocket();
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
    if (this.mode === 'json' && this.state === 'ready') this.send({ type: 'bye', code: reason.code, message: reason.message });
    else if (this.mode === 'inline' && reason.code !== 'DISCONNECT') this.plain.line(`[${reason.code}] ${reason.message}`);
    this.state = 'closed';
    this.endSocket();
  }

  /** Stops queued runs and lets the running one go on for `graceMs` before it is stopped; then closes. */
  async drain(reason: ErrorInfo, graceMs: number): Promise<void> {
    await this.runs.drain(reason, graceMs);
    this.close(reason);
  }

  private endSocket(): void {
    this.flushDrainWaiters();
    this.writer.flush();
    this.socket.end();
    // A peer that never reads cannot keep the socket (and its buffers) alive.
    setTimeout(() => this.socket.destroy(), 2_000).unref();
  }

  /** Speaks plain text: in inline mode, or still greeting a client whose first byte was not `{`. */
  private get plainText(): boolean {
    return this.mode === 'inline' || (this.state === 'greeting' && this.firstByte !== undefined && this.firstByte !== 0x7b);
  }

  private onSocketClosed(): void {
    clearTimeout(this.handshakeTimer);
    clearTimeout(this.quietTimer);
    clearTimeout(this.idleTimer);
    this.ticket?.leave();
    this.deadline.dispose();
    if (this.protocolErrors > LOGGED_PROTOCOL_ERRORS) this.closeReason += ` (after ${this.protocolErrors} protocol errors)`;
    if (this.state !== 'closed') {
      this.runs.abortAll({ code: ErrorCode.CONNECTION_CLOSED, message: 'the client went away' });
      this.state = 'closed';
    } else {
      this.runs.abortRunning(new TcpcmdError(ErrorCode.CONNECTION_CLOSED, 'the client went away'));
    }
    this.flushDrainWaiters();
    this.host.sessionClosed(this);
    this.resolveClosed();
  }
}

