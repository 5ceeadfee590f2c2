/**
 * The HTTP side: every request passes the Host check, then (POST) the Origin
 * check, then the token or cookie; only then the page, its two files, an
 * upload or a download.
 */
import { createReadStream } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { FORMATS, type OutputFormat } from './batch-api.js';
import type { UiContext } from './context.js';
import { type Access, SECURITY_HEADERS, hasCookie, hostAllowed, originAllowed, refuse, setCookieHeader, tokenMatches } from './security.js';
import { sendTranscript } from './spool.js';
import { runUpload } from './upload.js';

/** The page's files, built by scripts/bundle.mjs next to the code (dist/ui-web/). */
const ASSETS: Record<string, { file: string; type: string }> = {
  '/': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/app.js': { file: 'app.js', type: 'text/javascript; charset=utf-8' },
  '/app.css': { file: 'app.css', type: 'text/css; charset=utf-8' },
};

export interface RouteOptions {
  access: Access;
  ctx: UiContext;
  /** The folder of the page's files. */
  assets: URL;
  /** Largest upload accepted, in bytes. */
  uploadLimit: number;
}

/** The checks before anything else; false when the request was refused (and answered). */
export function admitted(req: IncomingMessage, res: ServerResponse, access: Access): boolean {
  if (!hostAllowed(access, req.headers.host)) {
    refuse(res, 403, 'tcpcmd ui: this Host is not one the page is served on (DNS rebinding?)');
    return false;
  }
  if (req.method !== 'GET' && req.method !== 'HEAD' && !originAllowed(req)) {
    refuse(res, 403, 'tcpcmd ui: cross-origin request refused');
    return false;
  }
  return true;
}

export async function route(req: IncomingMessage, res: ServerResponse, o: RouteOptions): Promise<void> {
  if (!admitted(req, res, o.access)) return;
  const url = new URL(req.url ?? '/', 'http://ui.invalid');
  const token = url.searchParams.get('token');
  if (token !== null) {
    if (!tokenMatches(o.access, token)) return refuse(res, 403, 'tcpcmd ui: wrong token; open the URL `tcpcmd ui` printed');
    // The token becomes a cookie, and leaves the address bar (and the history) at once.
    res.writeHead(303, { ...SECURITY_HEADERS, 'Set-Cookie': setCookieHeader(o.access), Location: url.pathname });
    return void res.end();
  }
  if (!hasCookie(o.access, req)) return refuse(res, 401, 'tcpcmd ui: open the URL `tcpcmd ui` printed (it carries the token)');

  if (url.pathname === '/favicon.ico') return void res.writeHead(204, SECURITY_HEADERS).end();
  const asset = ASSETS[url.pathname];
  if (asset && (req.method === 'GET' || req.method === 'HEAD')) {
    res.writeHead(200, { ...SECURITY_HEADERS, 'Content-Type': asset.type });
    if (req.method === 'HEAD') return void res.end();
    createReadStream(new URL(asset.file, o.assets)).on('error', () => res.destroy()).pipe(res);
    return;
  }
  const download = /^\/api\/transcript\/([A-Za-z0-9-]+)$/.exec(url.pathname);
  if (download && req.method === 'GET') {
    const entry = o.ctx.downloads.get(download[1] ?? '');
    const format = (url.searchParams.get('format') ?? 'csv') as OutputFormat;
    if (!entry || !FORMATS.includes(format)) return refuse(res, 404, 'tcpcmd ui: no such transcript or format');
    return sendTranscript(entry.path, format, entry.base, res, SECURITY_HEADERS);
  }
  if (url.pathname === '/api/batch' && req.method === 'POST') return upload(req, res, url, o);
  refuse(res, 404, 'tcpcmd ui: not found');
}

async function upload(req: IncomingMessage, res: ServerResponse, url: URL, o: RouteOptions): Promise<void> {
  const batch = url.searchParams.get('batch') ?? '';
  if (!/^[A-Za-z0-9-]{8,64}$/.test(batch) || o.ctx.downloads.has(batch)) return refuse(res, 400, 'tcpcmd ui: bad batch id');
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > o.uploadLimit) return tooLarge(req, res, o.uploadLimit);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > o.uploadLimit) return tooLarge(req, res, o.uploadLimit);
    chunks.push(chunk);
  }
  const answer = await runUpload(o.ctx, {
    batch,
    name: url.searchParams.get('name') ?? 'commands.csv',
    target: url.searchParams.get('target') ?? '',
    body: Buffer.concat(chunks),
  });
  res.writeHead(answer.ok ? 200 : 400, { ...SECURITY_HEADERS, 'Content-Type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(answer));
}

function tooLarge(req: IncomingMessage, res: ServerResponse, limit: number): void {
  refuse(res, 413, `tcpcmd ui: the file is larger than ${Math.round(limit / 1024)} KiB; run it with \`tcpcmd run\``);
  req.resume(); // read and drop the rest, so the answer reaches the page
}
