import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startUi, type UiProcess } from '../helpers/browser.js';

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

function request(ui: UiProcess, path: string, options: { method?: string; headers?: Record<string, string>; body?: string | Buffer } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: ui.port, path, method: options.method ?? 'GET', headers: options.headers }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

function upgrade(ui: UiProcess, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${ui.port}/live`, { headers });
    ws.on('open', () => {
      ws.close();
      resolve(101);
    });
    ws.on('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.on('error', (err) => {
      if (!/Unexpected server response/.test(err.message)) reject(err);
    });
  });
}

describe('tcpcmd ui: the locks', () => {
  let ui: UiProcess;
  let cookie: string;
  let host: string;

  beforeAll(async () => {
    ui = await startUi();
    host = `127.0.0.1:${ui.port}`;
    const token = new URL(ui.url).searchParams.get('token') ?? '';
    const first = await request(ui, `/?token=${token}`);
    cookie = (first.headers['set-cookie']?.[0] ?? '').split(';')[0] ?? '';
  });
  afterAll(() => ui.stop());

  it('prints a URL on 127.0.0.1 with a token of at least 128 bits', () => {
    const url = new URL(ui.url);
    expect(url.hostname).toBe('127.0.0.1');
    expect(Buffer.from(url.searchParams.get('token') ?? '', 'base64url').length * 8).toBeGreaterThanOrEqual(128);
  });

  it('trades the token for an HttpOnly SameSite=Strict cookie and sends the page to a URL without it', async () => {
    const token = new URL(ui.url).searchParams.get('token') ?? '';
    const answer = await request(ui, `/?token=${token}`);
    expect(answer.status).toBe(303);
    expect(answer.headers.location).toBe('/');
    const set = answer.headers['set-cookie']?.[0] ?? '';
    expect(set).toMatch(/HttpOnly/);
    expect(set).toMatch(/SameSite=Strict/);
    expect(set).not.toContain(token);
  });

  it('refuses every request without the token or cookie (401), and a wrong token (403)', async () => {
    for (const path of ['/', '/app.js', '/app.css', '/api/transcript/x']) expect((await request(ui, path)).status).toBe(401);
    expect((await request(ui, '/?token=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA')).status).toBe(403);
    expect((await request(ui, '/', { headers: { Cookie: `tcpcmd_ui_${ui.port}=guess` } })).status).toBe(401);
    expect(await upgrade(ui, { Origin: `http://${host}` })).toBe(401);
  });

  it('serves the page with the cookie, with strict headers and no CORS', async () => {
    const page = await request(ui, '/', { headers: { Cookie: cookie } });
    expect(page.status).toBe(200);
    expect(page.headers['content-security-policy']).toBe("default-src 'self'; frame-ancestors 'none'");
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    expect(page.headers['referrer-policy']).toBe('no-referrer');
    expect(Object.keys(page.headers).filter((h) => h.startsWith('access-control-'))).toEqual([]);
    expect(page.body).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/); // no inline script
  });

  it('refuses a Host it is not served on (DNS rebinding): 403', async () => {
    expect((await request(ui, '/', { headers: { Cookie: cookie, Host: `evil.example:${ui.port}` } })).status).toBe(403);
    expect((await request(ui, '/', { headers: { Cookie: cookie, Host: 'localhost:1' } })).status).toBe(403);
    expect((await request(ui, '/', { headers: { Cookie: cookie, Host: `localhost:${ui.port}` } })).status).toBe(200);
    expect(await upgrade(ui, { Cookie: cookie, Host: `evil.example:${ui.port}`, Origin: `http://evil.example:${ui.port}` })).toBe(403);
  });

  it('refuses cross-origin POSTs and WebSockets, and those with no Origin: 403', async () => {
    const post = (headers: Record<string, string>): Promise<Answer> =>
      request(ui, '/api/batch?batch=abcdefgh1&name=x.csv&target=127.0.0.1:1', { method: 'POST', headers: { Cookie: cookie, 'Content-Type': 'text/csv', ...headers }, body: 'command\nhostname\n' });
    expect((await post({ Origin: 'http://evil.example' })).status).toBe(403);
    expect((await post({})).status).toBe(403);
    expect(await upgrade(ui, { Cookie: cookie, Origin: 'http://evil.example' })).toBe(403);
    expect(await upgrade(ui, { Cookie: cookie })).toBe(403);
    expect(await upgrade(ui, { Cookie: cookie, Origin: `http://${host}` })).toBe(101);
  });

  it('caps the size of an upload: 413', async () => {
    const big = Buffer.alloc(1024 * 1024 + 10, 'a');
    const answer = await request(ui, '/api/batch?batch=abcdefgh2&name=big.csv&target=127.0.0.1:1', { method: 'POST', headers: { Cookie: cookie, Origin: `http://${host}` }, body: big });
    expect(answer.status).toBe(413);
  });
});
