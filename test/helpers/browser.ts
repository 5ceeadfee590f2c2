/**
 * Debian's Chromium driven by playwright-core: never a downloaded browser,
 * never a connection beyond loopback. TCPCMD_TEST_BROWSER names the binary;
 * else chromium-headless-shell or chromium on PATH. In CI a missing browser is
 * an error (.ci/run installs it); elsewhere the tests skip and say why.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BrowserContext, Locator, Page } from 'playwright-core';
import { BIN } from './cli.js';

const CANDIDATES = ['chromium-headless-shell', 'chromium', 'chromium-browser'];

export const BROWSER_FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

export function findBrowser(): string | undefined {
  const override = process.env.TCPCMD_TEST_BROWSER;
  if (override) return override;
  for (const name of CANDIDATES) {
    for (const dir of (process.env.PATH ?? '').split(delimiter)) {
      const path = join(dir, name);
      try {
        accessSync(path, constants.X_OK);
        return path;
      } catch {
        // not here
      }
    }
  }
  return undefined;
}

const ci = process.env.CI === 'true' || process.env.CI === '1';
export const browserPath = findBrowser();
/** Skip only outside CI. */
export const noBrowser = browserPath === undefined && !ci;
if (noBrowser) console.warn('test/ui: skipped: no chromium-headless-shell or chromium on PATH (apt-get install chromium, or set TCPCMD_TEST_BROWSER)');

export interface Browser {
  context: BrowserContext;
  close(): Promise<void>;
}

export async function launchBrowser(): Promise<Browser> {
  if (browserPath === undefined) throw new Error('no chromium-headless-shell or chromium on PATH; .ci/run installs Debian\'s chromium');
  const { chromium } = await import('playwright-core');
  const profile = mkdtempSync(join(tmpdir(), 'tcpcmd-browser-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: browserPath,
    headless: true,
    args: ['--headless', ...BROWSER_FLAGS],
    acceptDownloads: true,
    viewport: { width: 1200, height: 820 },
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Where screenshots of each view go for review (ignored by git). */
export const SHOTS = fileURLToPath(new URL('../../test-output/ui/', import.meta.url));

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, `${name}.png`) });
}

export interface UiProcess {
  child: ChildProcess;
  url: string;
  /** http://127.0.0.1:port */
  origin: string;
  port: number;
  stderr(): string;
  stop(): Promise<void>;
}

/** Starts `tcpcmd ui --port 0 ...args` and reads the URL it prints. */
export async function startUi(args: string[] = [], env: NodeJS.ProcessEnv = {}): Promise<UiProcess> {
  const child = spawn(process.execPath, [BIN, 'ui', '--port', '0', ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
  const exited = new Promise<void>((resolve) => child.on('close', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      const m = /open (http:\/\/\S+)/.exec(out);
      if (m?.[1]) resolve(m[1]);
    });
    void exited.then(() => reject(new Error(`tcpcmd ui exited: ${out}${err}`)));
  });
  const parsed = new URL(url);
  return {
    child,
    url,
    origin: parsed.origin,
    port: Number(parsed.port),
    stderr: () => err,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

export interface ServeProcess {
  port: number;
  stop(): Promise<void>;
}

/** `tcpcmd serve` on 127.0.0.1, a free port, for a whole file's tests (stop it in afterAll). */
export async function startServe(args: string[] = []): Promise<ServeProcess> {
  const child = spawn(process.execPath, [BIN, 'serve', '--host', '127.0.0.1', '--port', '0', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  const exited = new Promise<void>((resolve) => child.on('close', () => resolve()));
  let log = '';
  const port = await new Promise<number>((resolve, reject) => {
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      log += d;
      const m = /listening on [^\s]+:(\d+)/.exec(log);
      if (m) resolve(Number(m[1]));
    });
    void exited.then(() => reject(new Error(`tcpcmd serve exited: ${log}`)));
  });
  child.stderr.resume();
  return {
    port,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}

/** Waits until one of the elements' text matches (bounded by the test's own timeout, not a clock here). */
export async function seen(locator: Locator, text: RegExp): Promise<void> {
  await locator.filter({ hasText: text }).first().waitFor({ timeout: 0 });
}
