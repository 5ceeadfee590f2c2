/**
 * `tcpcmd ui`: the original window, as a local web page. This process is the
 * tcpcmd client (it holds the connections and every token); the browser
 * talks only to it, over HTTP and one WebSocket, behind the locks of
 * security.ts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocketServer } from 'ws';
import type { ConnectOptions } from '../client/index.js';
import { VERSION } from '../protocol/index.js';
import { type BatchTarget, loadTargets } from './batch-api.js';
import type { UiContext } from './context.js';
import { Fleet } from './fleet.js';
import type { UiMessage } from './messages.js';
import { PageLink } from './page-link.js';
import { route } from './routes.js';
import { type Access, hasCookie, hostAllowed, isLoopbackBind, makeAccess, originAllowed } from './security.js';

export { isLoopbackBind };

export interface UiOptions {
  /** Address to bind (default 127.0.0.1). */
  host?: string;
  /** Port (default 0: a free one). */
  port?: number;
  /** servers.csv: the list to connect from, and the dashboard's fleet. */
  targets?: string;
  connectOptions?: ConnectOptions;
  env?: NodeJS.ProcessEnv;
  /** Largest Commands CSV accepted (default 1 MiB). */
  uploadLimit?: number;
  /** The page's files (default: dist/ui-web/ next to this code). */
  assets?: URL;
}

export interface UiServer {
  /** The URL to open, with its token. */
  url: string;
  port: number;
  close(): Promise<void>;
}

export const DEFAULT_UPLOAD_LIMIT = 1024 * 1024;

function refuseUpgrade(socket: Socket, status: string): void {
  socket.end(`HTTP/1.1 ${status}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`);
}

export async function startUi(options: UiOptions = {}): Promise<UiServer> {
  const env = options.env ?? process.env;
  const targets: BatchTarget[] = options.targets !== undefined ? await loadTargets(options.targets, env) : [];
  const dir = mkdtempSync(join(tmpdir(), 'tcpcmd-ui-')); // 0700: outputs may be private
  const pages = new Set<PageLink>();
  const ctx: UiContext = {
    connectOptions: options.connectOptions ?? {},
    env,
    targets,
    targetsFile: options.targets ?? null,
    dir,
    downloads: new Map(),
    broadcast: (m: UiMessage) => {
      for (const p of pages) p.send(m);
    },
  };
  const fleet = new Fleet(ctx);
  const uploadLimit = options.uploadLimit ?? DEFAULT_UPLOAD_LIMIT;
  const assets = options.assets ?? new URL('../ui-web/', import.meta.url);
  // Made once the port is known (the Host check needs it); nothing is answered before.
  const locks: { access?: Access } = {};

  const http = createServer((req, res) => {
    const access = locks.access;
    if (!access) return void res.destroy();
    route(req, res, { access, ctx, assets, uploadLimit }).catch(() => {
      if (!res.headersSent) res.writeHead(500).end();
      else res.destroy();
    });
  });
  const wss = acceptPages(http, locks, { ctx, fleet, pages, uploadLimit });

  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(options.port ?? 0, host, () => resolve());
  });
  const port = (http.address() as AddressInfo).port;
  const access = makeAccess(host, port);
  locks.access = access;
  const shown = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;

  return {
    url: `http://${shown}:${port}/?token=${access.token}`,
    port,
    async close() {
      for (const ws of wss.clients) ws.terminate();
      await Promise.all([...pages].map((p) => p.close()));
      await fleet.close();
      wss.close();
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * The page's live socket (`/live`): upgraded only past the Host, Origin and
 * cookie checks; each page is told the servers, and the fleet is polled while
 * a page is open.
 */
function acceptPages(
  http: Server,
  locks: { access?: Access },
  { ctx, fleet, pages, uploadLimit }: { ctx: UiContext; fleet: Fleet; pages: Set<PageLink>; uploadLimit: number },
): WebSocketServer {
  const wss = new WebSocketServer({ noServer: true, maxPayload: 1024 * 1024 });
  http.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    const access = locks.access;
    if (!access || !hostAllowed(access, req.headers.host) || !originAllowed(req)) return refuseUpgrade(socket, '403 Forbidden');
    if (!hasCookie(access, req)) return refuseUpgrade(socket, '401 Unauthorized');
    if (new URL(req.url ?? '/', 'http://ui.invalid').pathname !== '/live') return refuseUpgrade(socket, '404 Not Found');
    wss.handleUpgrade(req, socket, head, (ws) => {
      const page = new PageLink(ws, ctx, fleet);
      pages.add(page);
      fleet.pageOpened();
      ws.on('close', () => {
        pages.delete(page);
        fleet.pageClosed();
      });
      page.send({ t: 'hello', servers: ctx.targets.map((t) => ({ name: t.name, key: t.key })), targetsFile: ctx.targetsFile, version: VERSION, uploadLimit });
      if (ctx.targets.length > 0) page.send({ t: 'fleet', servers: fleet.servers });
    });
  });
  return wss;
}
