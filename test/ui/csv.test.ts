import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { type Browser, type ServeProcess, type UiProcess, launchBrowser, noBrowser, screenshot, seen, startServe, startUi } from '../helpers/browser.js';

describe.skipIf(noBrowser)('tcpcmd ui in a browser: a Commands CSV', () => {
  let browser: Browser;
  let ui: UiProcess;
  let server: ServeProcess;
  let page: Page;

  beforeAll(async () => {
    [server, ui, browser] = await Promise.all([startServe(), startUi(), launchBrowser()]);
    page = await browser.context.newPage();
    await page.goto(ui.url);
    await page.getByLabel('Host', { exact: true }).fill('127.0.0.1');
    await page.getByLabel('Port', { exact: true }).fill(String(server.port));
    await page.getByRole('button', { name: 'Connect', exact: true }).first().click();
    await seen(page.locator('#status'), /connected to/);
    await page.getByRole('button', { name: 'CSV batch' }).click();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await ui?.stop();
    await server?.stop();
  });

  const upload = (name: string, text: string): Promise<void> =>
    page.getByLabel('Commands CSV', { exact: true }).setInputFiles({ name, mimeType: 'text/csv', buffer: Buffer.from(text) });

  it('shows a bad line with its line number, and runs nothing', async () => {
    await upload('bad.csv', 'command,expect_exit\nhostname,0\nlinux:echo hi,sometimes\n');
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    const problems = page.getByRole('alert');
    await seen(problems, /line 3/);
    expect(await problems.textContent()).toMatch(/bad\.csv: not run \(BAD_INPUT\)/);
    expect(await problems.textContent()).toMatch(/line 3: .*expect_exit/);
    expect(await page.locator('#csv-results tbody tr').count()).toBe(0);
    await screenshot(page, 'csv-problems');
  });

  it('runs a good one with progress and a results table, and its transcript downloads and replays', async () => {
    await upload('smoke.csv', 'name,command,expect\nwho,hostname,\ngreet,linux:echo hello,hello\nfails,linux:exit 4,\n');
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    await seen(page.locator('#csv-progress-text'), /3 rows in .*exit code 1/);
    expect(await page.getByRole('alert').isHidden()).toBe(true);
    const statuses = await page.locator('#csv-results tbody tr td:nth-child(4)').allTextContents();
    expect(statuses).toEqual(['ok', 'ok', 'failed']);
    await screenshot(page, 'csv');

    const [csvDownload] = await Promise.all([page.waitForEvent('download'), page.locator('#batch-downloads a[data-format="csv"]').click()]);
    expect(csvDownload.suggestedFilename()).toBe('results-smoke.csv');
    const path = (await csvDownload.path()) ?? '';
    const rows = parse(readFileSync(path, 'utf8'), { columns: true }) as Record<string, string>[];
    expect(rows.map((r) => [r.seq, r.name, r.status, r.exit_code])).toEqual([
      ['1', 'who', 'ok', '0'],
      ['2', 'greet', 'ok', '0'],
      ['3', 'fails', 'failed', '4'],
    ]);
    expect(rows[1]?.stdout).toBe('hello\n');
    expect(rows[0]?.target).toBe(`127.0.0.1:${server.port}`);

    const [jsonDownload] = await Promise.all([page.waitForEvent('download'), page.locator('#batch-downloads a[data-format="json"]').click()]);
    const json = JSON.parse(readFileSync((await jsonDownload.path()) ?? '', 'utf8')) as { status: string }[];
    expect(json.map((r) => r.status)).toEqual(['ok', 'ok', 'failed']);

    const [junit] = await Promise.all([page.waitForEvent('download'), page.locator('#batch-downloads a[data-format="junit"]').click()]);
    expect(readFileSync((await junit.path()) ?? '', 'utf8')).toMatch(/<testsuites[^>]*tests="3"[^>]*failures="1"/);

    // The transcript is a commands file: tcpcmd run replays it, with the same verdicts.
    const replay = await runCli(['run', path, '--target', `127.0.0.1:${server.port}`]);
    expect(replay.code).toBe(1);
    expect(replay.stderr).toMatch(/3 rows.*2 ok.*1 failed/s);
  });
});
