import net from 'node:net';
import { afterEach } from 'vitest';
import { serve, type ServeOptions, type TcpcmdServer } from '../../src/server/index.js';
import { LineDecoder } from '../../src/protocol/index.js';

const cleanups: (() => Promise<void> | void)[] = [];

/** Registers cleanup for the current test; run after each test, last first. */
export function onCleanup(fn: () => Promise<void> | void): void {
  cleanups.push(fn);
}

afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});

/** A real server on 127.0.0.1, a free port, closed after the test. */
export async function startServer(options: ServeOptions = {}): Promise<{ server: TcpcmdServer; target: string; port: number }> {
  const server = await serve({ host: '127.0.0.1', port: 0, ...options, limits: { shutdownGraceMs: 200, authFailDelayMs: 10, ...options.limits } });
  onCleanup(() => server.close('test over'));
  const { port } = server.address();
  return { server, target: `127.0.0.1:${port}`, port };
}

/** A raw TCP client that speaks lines, for protocol-level tests. */
export class RawClient {
  readonly socket: net.Socket;
  private readonly lines: string[] = [];
  private waiter: (() => void) | undefined;
  closed = false;

  private constructor(socket: net.Socket) {
    this.socket = socket;
    const decoder = new LineDecoder(64 * 1024 * 1024);
    socket.on('data', (chunk: Buffer) => {
      for (const e of decoder.push(chunk)) if (e.kind === 'line') this.lines.push(e.line);
      this.waiter?.();
    });
    socket.on('error', () => {});
    socket.on('close', () => {
      this.closed = true;
      this.waiter?.();
    });
  }

  static async connect(port: number): Promise<RawClient> {
    const socket = net.connect({ host: '127.0.0.1', port });
    await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
    const client = new RawClient(socket);
    onCleanup(() => void socket.destroy());
    return client;
  }

  /** A client whose socket is still connecting: what it sends goes as soon as it is connected. */
  static connecting(port: number): RawClient {
    const socket = net.connect({ host: '127.0.0.1', port });
    onCleanup(() => void socket.destroy());
    return new RawClient(socket);
  }

  send(text: string | Buffer): void {
    this.socket.write(text);
  }

  sendFrame(frame: object): void {
    this.socket.write(JSON.stringify(frame) + '\n');
  }

  /** The next line, or undefined if the socket closed first. Bounded by `ms`. */
  async nextLine(ms = 5_000): Promise<string | undefined> {
    const deadline = Date.now() + ms;
    while (this.lines.length === 0) {
      if (this.closed) return undefined;
      if (Date.now() > deadline) throw new Error(`no line within ${ms} ms`);
      await new Promise<void>((resolve) => {
        this.waiter = resolve;
        setTimeout(resolve, 50);
      });
    }
    return this.lines.shift();
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- test frames are inspected loosely
  async nextFrame(ms = 5_000): Promise<any> {
    const line = await this.nextLine(ms);
    return line === undefined ? undefined : JSON.parse(line);
  }

  /** Frames until (and including) the done frame of `id`. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- test frames are inspected loosely (any field of any frame type)
  async untilDone(id: string | number, ms = 5_000): Promise<any[]> {
    const frames = [];
    for (;;) {
      const f = await this.nextFrame(ms);
      if (f === undefined) throw new Error('closed before done');
      frames.push(f);
      if (f.type === 'done' && f.id === id) return frames;
    }
  }

  /** Waits until the server closes the connection. */
  async closedByServer(ms = 5_000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!this.closed) {
      if (Date.now() > deadline) throw new Error('not closed');
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** hello + ready in JSON mode. */
  async handshake(): Promise<{ hello: { nonce: string; auth: string }; ready?: { session: string; commands: string[] } }> {
    this.sendFrame({ type: 'hello', protocol: 1 });
    const hello = await this.nextFrame();
    if (hello.auth === 'token') return { hello };
    const ready = await this.nextFrame();
    return { hello, ready };
  }
}

/** A port nothing listens on (just freed by the kernel), for "cannot connect" tests. */
export async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as net.AddressInfo;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}
