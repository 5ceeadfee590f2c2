import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { type Browser, type ServeProcess, type UiProcess, launchBrowser, noBrowser, screenshot, seen, startServe, startUi } from '../helpers/browser.js';

/** Whether a process with this pid still runs. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Command lines of every process, from /proc. */
function commandLines(): string[] {
  const out: string[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      out.push(readFileSync(`/proc/${entry}/cmdline`, 'utf8').replace(/\0/g, ' '));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

/** Waits for `check` (bounded by the test's timeout). */
async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((r) => setTimeout(r, 50));
}

describe.skipIf(noBrowser)('tcpcmd ui in a browser: connect and commands', () => {
  let browser: Browser;
  let ui: UiProcess;
  let page: Page;
  let port: number;
  let listedPort: number;
  let servers: ServeProcess[] = [];

  beforeAll(async () => {
    servers = await Promise.all([startServe(), startServe()]);
    port = servers[0]?.port ?? 0;
    listedPort = servers[1]?.port ?? 0;
    const dir = mkdtempSync(join(tmpdir(), 'tcpcmd-ui-test-'));
    const list = join(dir, 'servers.csv');
    writeFileSync(list, `host,port,name\n127.0.0.1,${listedPort},web-1\n`);
    [ui, browser] = await Promise.all([startUi(['--targets', list]), launchBrowser()]);
    page = await browser.context.newPage();
    await page.goto(ui.url);
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await ui?.stop();
    await Promise.all(servers.map((s) => s.stop()));
  });

  it('loads without the token in the address bar, and the cookie is out of reach of scripts', async () => {
    expect(page.url()).toBe(`${ui.origin}/`);
    expect(await page.evaluate('document.cookie')).toBe('');
    await seen(page.getByRole('status').first(), /ui /);
  });

  it('says why a wrong port does not connect, in the CLI\'s words', async () => {
    await page.getByLabel('Host', { exact: true }).fill('127.0.0.1');
    await page.getByLabel('Port', { exact: true }).fill('1');
    await page.getByRole('button', { name: 'Connect', exact: true }).first().click();
    await seen(page.locator('#status'), /cannot connect to 127\.0\.0\.1:1.*refused.*\(CONNECT_FAILED\)/);
  });

  it('connects to a typed host and port, shows the server and streams output into the log', async () => {
    expect(await page.getByLabel('Host', { exact: true }).inputValue()).toBe('127.0.0.1');
    await page.getByLabel('Port', { exact: true }).fill(String(port));
    await page.getByRole('button', { name: 'Connect', exact: true }).first().click();
    await seen(page.locator('#status'), new RegExp(`connected to 127\\.0\\.0\\.1:${port}: tcpcmd`));
    await page.getByLabel('Command', { exact: true }).fill('hostname');
    await page.getByLabel('Command', { exact: true }).press('Enter');
    const log = page.getByRole('log');
    await seen(log, /exit 0 · \d+ ms/);
    // stderr is set apart
    await page.getByLabel('Command', { exact: true }).fill('linux:echo to-out; echo to-err >&2; exit 3');
    await page.getByRole('button', { name: 'Send' }).click();
    await seen(log, /exit 3/);
    expect(await log.locator('.stderr').last().textContent()).toBe('to-err\n');
    // history: Up brings the last command back
    await page.getByLabel('Command', { exact: true }).press('ArrowUp');
    expect(await page.getByLabel('Command', { exact: true }).inputValue()).toBe('linux:echo to-out; echo to-err >&2; exit 3');
    await page.getByLabel('Command', { exact: true }).fill('');
    // suggestions come from the server's own command list
    expect(await page.locator('#suggestions option[value="hostname"]').count()).toBe(1);
    await screenshot(page, 'commands');
  });

  it('streams output while the command runs, and Cancel kills its process on the server', async () => {
    const marker = `${process.pid}${Date.now() % 100000}`;
    await page.getByLabel('Command', { exact: true }).fill(`linux:echo pid=$$; echo started; sleep 3${marker}`);
    await page.getByLabel('Command', { exact: true }).press('Enter');
    const log = page.getByRole('log');
    await seen(log, /pid=\d+\nstarted/);
    const pid = Number(/pid=(\d+)/.exec((await log.textContent()) ?? '')?.[1]);
    expect(alive(pid)).toBe(true);
    expect(await log.textContent()).not.toMatch(/cancelled/); // still running: the output came as it was written
    await page.getByRole('button', { name: 'Cancel' }).click();
    await seen(log, /cancelled/);
    await until(() => !alive(pid));
    await until(() => !commandLines().some((cmd) => cmd.includes(`sleep 3${marker}`)));
  });

  it('connects from the servers.csv list, with several servers open at once', async () => {
    await page.getByLabel('Server', { exact: true }).selectOption('web-1');
    await page.locator('#listed-form').getByRole('button', { name: 'Connect' }).click();
    await seen(page.locator('#status'), new RegExp(`connected to web-1 \\(127\\.0\\.0\\.1:${listedPort}\\)`));
    expect(await page.getByRole('tab').count()).toBe(2);
  });

  it('asks before reset; no sends nothing, and the command stays in the field', async () => {
    await page.getByRole('tab', { name: new RegExp(`^web-1`) }).click();
    const questions: string[] = [];
    page.once('dialog', (dialog) => {
      questions.push(dialog.message());
      void dialog.dismiss();
    });
    await page.getByLabel('Command', { exact: true }).fill('reset');
    await page.getByLabel('Command', { exact: true }).press('Enter');
    await seen(page.locator('#status'), /not sent: reset/);
    expect(questions).toEqual(['Reset the server (every session on it is closed) at web-1?']);
    expect(await page.getByLabel('Command', { exact: true }).inputValue()).toBe('reset');
    expect(await page.getByRole('log').and(page.locator(':visible')).textContent()).not.toContain('reset');
  });

  it('says when reset drops the connection, and when it is back', async () => {
    await page.getByRole('tab', { name: new RegExp(`^web-1`) }).click();
    page.once('dialog', (dialog) => void dialog.accept());
    await page.getByLabel('Command', { exact: true }).fill('reset');
    await page.getByLabel('Command', { exact: true }).press('Enter');
    const log = page.getByRole('log').and(page.locator(':visible'));
    await seen(log, new RegExp(`connection to 127\\.0\\.0\\.1:${listedPort} lost: .*reconnecting…`));
    await seen(log, new RegExp(`reconnected to 127\\.0\\.0\\.1:${listedPort}`));
    await page.getByLabel('Command', { exact: true }).fill('echo back again');
    await page.getByLabel('Command', { exact: true }).press('Enter');
    await seen(log, /back again\nexit 0/);
  });

  it('downloads the session transcript, which tcpcmd run replays', async () => {
    await page.getByRole('tab', { name: new RegExp(`^127\\.0\\.0\\.1:${port}`) }).click();
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#session-downloads a[data-format="csv"]').click()]);
    const path = (await download.path()) ?? '';
    const rows = parse(readFileSync(path, 'utf8'), { columns: true }) as Record<string, string>[];
    expect(rows.map((r) => [r.command, r.status, r.exit_code])).toEqual([
      ['hostname', 'ok', '0'],
      ['linux:echo to-out; echo to-err >&2; exit 3', 'failed', '3'],
      [expect.stringMatching(/^linux:echo pid=/), 'skipped', ''], // cancelled, as the REPL's transcript says it
    ]);
    expect(rows[2]?.error).toMatch(/^CANCELLED/);
    // tcpcmd run reads it back as a commands file
    const replay = await runCli(['run', path, '--target', `127.0.0.1:${port}`, '--timeout', '100']);
    expect(replay.stderr).toMatch(/3 rows/);
  });
});

