import { ErrorCode, Feature, PROTOCOL_VERSION, VERSION, type ClientMessage, type ErrorInfo, type ServerHello } from '../protocol/index.js';
import { makeNonce, verifyProof } from '../protocol/auth.js';
import type { SessionHost } from './session-host.js';

/** The hello features this server grants. */
const SERVER_FEATURES: ReadonlySet<string> = new Set<string>([Feature.DATA, Feature.BYTES, Feature.STDIN, Feature.DONE_OUTPUT]);

/** Why a client is not let in; the session ends with it. */
export interface Refusal {
  code: ErrorInfo['code'];
  message: string;
}

/** The server's hello, and what the client's features turned on. */
export interface Greeting {
  hello: ServerHello;
  /** Done frames carry the builtins' figures. */
  data: boolean;
  /** Output bytes go as base64. */
  bytes: boolean;
  /** A run's last piece of text output may go in its done frame. */
  doneOutput: boolean;
}

type HandshakeHost = Pick<SessionHost<unknown>, 'options' | 'hostname' | 'penalties' | 'logRepeated'>;

/**
 * A JSON session's way in: the hello exchange, then, when the server has a
 * token, the client's proof of it (an HMAC of this session's nonce; the token
 * never crosses the wire), all within --auth-timeout.
 */
export class Handshake {
  readonly nonce = makeNonce();
  private readonly timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly host: HandshakeHost,
    /** Who is knocking, for the log and the penalties. */
    private readonly who: { session: string; peer: string; address: string },
    onTimeout: (refusal: Refusal) => void,
    /** When the connection was let in (performance.now()), if before this handshake began. */
    since = performance.now(),
  ) {
    const { authTimeoutMs } = host.options.limits;
    if (authTimeoutMs > 0) {
      // Like OpenSSH's LoginGraceTime: a peer that connects and says nothing must not hold a session slot.
      const what = host.options.token === undefined ? 'no hello (or first command line)' : 'no successful auth';
      const message = `${what} within ${authTimeoutMs} ms (--auth-timeout); reconnect and try again`;
      this.timer = setTimeout(() => onTimeout({ code: ErrorCode.AUTH_TIMEOUT, message }), Math.max(0, authTimeoutMs - (performance.now() - since)));
    }
  }

  /** The server needs no proof: the hello is the whole handshake. */
  get open(): boolean {
    return this.host.options.token === undefined;
  }

  /** The answer to the client's first frame, or why it is refused. */
  greet(msg: ClientMessage): Greeting | Refusal {
    if (msg.type !== 'hello') return { code: ErrorCode.BAD_FRAME, message: `the first frame must be hello, got ${msg.type}` };
    if (msg.protocol !== PROTOCOL_VERSION) {
      return { code: ErrorCode.PROTOCOL_VERSION, message: `this server speaks protocol ${PROTOCOL_VERSION}, the client asked for ${msg.protocol}: use a matching tcpcmd version` };
    }
    const auth = this.open ? 'none' : 'token';
    const hello: ServerHello = { type: 'hello', protocol: PROTOCOL_VERSION, server: `tcpcmd/${VERSION}`, hostname: this.host.hostname, auth, nonce: this.nonce };
    if (!msg.features) return { hello, data: false, bytes: false, doneOutput: false };
    // Only a client that asks is told, so an old client sees the hello it always saw.
    hello.features = msg.features.filter((f) => SERVER_FEATURES.has(f));
    const granted = new Set(hello.features);
    return { hello, data: granted.has(Feature.DATA), bytes: granted.has(Feature.BYTES), doneOutput: granted.has(Feature.DONE_OUTPUT) };
  }

  /** The client's proof: true when it holds, false when wrong (logged, and counted against its address), or why it may not try. */
  verify(msg: ClientMessage): boolean | Refusal {
    const { address } = this.who;
    if (msg.type !== 'auth') return { code: ErrorCode.AUTH_REQUIRED, message: 'this server requires a token: authenticate before sending commands (set TCPCMD_TOKEN)' };
    // Proofs are checked one at a time as they arrive: once an address is shut out, the proofs its other connections send are not checked at all.
    const shutOut = this.host.penalties.blockedFor(address);
    if (shutOut > 0) return { code: ErrorCode.AUTH_FAILED, message: `too many failed authentications from ${address}: try again in ${Math.ceil(shutOut / 1000)} s, with the right token` };
    if (verifyProof(this.host.options.token ?? '', this.nonce, msg.hmac)) return true;
    this.host.logRepeated(address, 'auth-failed', { event: 'auth-failed', session: this.who.session, peer: this.who.peer });
    this.host.penalties.failed(address);
    return false;
  }

  /** The handshake ended (in or out): its timer stops. */
  done(): void {
    clearTimeout(this.timer);
  }
}
