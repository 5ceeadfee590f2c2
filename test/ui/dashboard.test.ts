import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Browser, type ServeProcess, type UiProcess, launchBrowser, noBrowser, screenshot, seen, startServe, startUi } from '../helpers/browser.js';

describe.skipIf(noBrowser)('tcpcmd ui in a browser: the fleet dashboard', () => {
  let browser: Browser;
  let ui: UiProcess;
  let servers: ServeProcess[] = [];
  let page: Page;

  beforeAll(async () => {
    servers = await Promise.all([startServe(), startServe()]);
    const dir = mkdtempSync(join(tmpdir(), 'tcpcmd-ui-test-'));
    const list = join(dir, 'servers.csv');
    // web-3 listens nowhere: port 1 refuses.
    writeFileSync(list, `host,port,name\n127.0.0.1,${servers[0]?.port},web-1\n127.0.0.1,${servers[1]?.port},web-2\n127.0.0.1,1,web-3\n`);
    [ui, browser] = await Promise.all([startUi(['--targets', list]), launchBrowser()]);
    page = await browser.context.newPage();
    await page.goto(ui.url);
    await page.getByRole('button', { name: 'Dashboard' }).click();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await ui?.stop();
    await Promise.all(servers.map((s) => s.stop()));
  });

  it('lists every server of servers.csv with its status, CPU, RAM and disk', async () => {
    const rows = page.locator('#fleet tbody tr');
    await seen(rows.filter({ hasText: 'web-3' }), /down/);
    await seen(rows.filter({ hasText: 'web-1' }), /up.*%.*GiB of/s);
    await seen(rows.filter({ hasText: 'web-2' }), /up.*%.*GiB of/s);
    expect(await rows.count()).toBe(3);
    expect(await rows.filter({ hasText: 'web-3' }).textContent()).toMatch(/connection refused.*CONNECT_FAILED/);
    expect(await page.getByRole('img', { name: /CPU of web-1/ }).count()).toBe(1);
    await screenshot(page, 'dashboard');
  });

  it('sends one command to the selected servers, identical outputs grouped', async () => {
    await page.getByLabel('Command for the selected servers', { exact: true }).fill('hostname');
    await page.getByRole('button', { name: 'Run on selected' }).click();
    const groups = page.locator('#fleet-results .group');
    await seen(groups, /web-1, web-2 — exit 0 · 2 servers, same output/);
    await seen(groups, /web-3 — .*CONNECT_FAILED/);
    expect(await groups.count()).toBe(2);

    // Different outputs stay apart; an unselected server is left out.
    await page.getByLabel('Select web-3', { exact: true }).uncheck();
    await page.getByLabel('Command for the selected servers', { exact: true }).fill('linux:echo $$');
    await page.getByRole('button', { name: 'Run on selected' }).click();
    await seen(groups, /web-2 — exit 0/);
    await seen(groups, /web-1 — exit 0/);
    expect(await groups.count()).toBe(2);
    await screenshot(page, 'dashboard-run');
  });
});
