/**
 * The page's locks, after Jupyter's model: a random token in the printed URL,
 * traded on first load for an HttpOnly, SameSite=Strict cookie; the Host
 * header checked against the names the server is bound to (DNS rebinding);
 * the Origin checked on the WebSocket upgrade and on every POST; strict
 * headers on every answer, and no CORS headers at all.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { hostname } from 'node:os';
import { isIP } from 'node:net';

/** Headers on every answer: no framing, no inline script, no sniffing, no referrer. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': "default-src 'self'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Cache-Control': 'no-store',
};

/** 24 random bytes: 192 bits, above the 128 a guess would need to beat. */
export function newSecret(): string {
  return randomBytes(24).toString('base64url');
}

function sameSecret(given: string | undefined, expected: string): boolean {
  if (given === undefined) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '[::1]'];
const WILDCARDS = ['0.0.0.0', '::', ''];

/** Whether binding here exposes the page beyond this machine (a warning is printed). */
export function isLoopbackBind(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\./.test(host);
}

export interface Access {
  /** The token of the printed URL. */
  token: string;
  /** The cookie's name: one per port, so two pages on one machine keep theirs apart. */
  cookieName: string;
  /** The cookie's value (not the token: the URL may end up in a terminal's scrollback). */
  cookieValue: string;
  /** Host header values allowed (`name:port`, lower case). */
  hosts: Set<string>;
  /** Bound to every interface: any IP literal is a fine Host (rebinding needs a name). */
  anyIp: boolean;
  port: number;
}

export function makeAccess(bindHost: string, port: number): Access {
  const hosts = new Set<string>();
  const names = [...LOOPBACK_NAMES];
  const bracket = (h: string): string => (isIP(h) === 6 ? `[${h}]` : h);
  if (!WILDCARDS.includes(bindHost)) names.push(bracket(bindHost));
  else names.push(hostname());
  for (const n of names) hosts.add(`${n.toLowerCase()}:${port}`);
  return { token: newSecret(), cookieName: `tcpcmd_ui_${port}`, cookieValue: newSecret(), hosts, anyIp: WILDCARDS.includes(bindHost), port };
}

/** The Host header is one of ours (else a page on another name reached us through DNS rebinding). */
export function hostAllowed(access: Access, host: string | undefined): boolean {
  if (host === undefined) return false;
  const h = host.toLowerCase();
  if (access.hosts.has(h)) return true;
  if (!access.anyIp) return false;
  const m = /^\[?([^\]]+)\]?:(\d+)$/.exec(h);
  return m !== null && Number(m[2]) === access.port && isIP(m[1] ?? '') !== 0;
}

/** The Origin is this very page: `http://` + its Host. A missing Origin is refused too. */
export function originAllowed(req: IncomingMessage): boolean {
  const origin = req.headers.origin;
  return origin !== undefined && origin === `http://${req.headers.host ?? ''}`;
}

export function cookieOf(req: IncomingMessage, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

export function hasCookie(access: Access, req: IncomingMessage): boolean {
  return sameSecret(cookieOf(req, access.cookieName), access.cookieValue);
}

export function tokenMatches(access: Access, given: string | null): boolean {
  return sameSecret(given ?? undefined, access.token);
}

export function setCookieHeader(access: Access): string {
  return `${access.cookieName}=${access.cookieValue}; HttpOnly; SameSite=Strict; Path=/`;
}

/** A short plain-text refusal (401, 403, 404, 413, ...). */
export function refuse(res: ServerResponse, status: number, message: string): void {
  res.writeHead(status, { ...SECURITY_HEADERS, 'Content-Type': 'text/plain; charset=utf-8' });
  res.end(`${message}\n`);
}
