// `tcpcmd ui --open` hands the URL to the desktop's opener; `--host` other than loopback warns. No browser needed.
import { chmodSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type UiProcess, startUi } from '../helpers/browser.js';

/** Waits for `check` (bounded by the test's timeout). */
async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((r) => setTimeout(r, 50));
}

describe('tcpcmd ui --open and --host', () => {
  let ui: UiProcess | undefined;
  afterEach(async () => {
    await ui?.stop();
    ui = undefined;
  });

  it('--open gives the page URL, token included, to xdg-open', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tcpcmd-open-'));
    const seen = join(dir, 'opened');
    // A stand-in opener: a real program on PATH that writes down what it was asked to open.
    writeFileSync(join(dir, 'xdg-open'), `#!/bin/sh\nprintf '%s\\n' "$@" > ${JSON.stringify(seen)}.tmp && mv ${JSON.stringify(seen)}.tmp ${JSON.stringify(seen)}\n`);
    chmodSync(join(dir, 'xdg-open'), 0o755);
    ui = await startUi(['--open'], { PATH: `${dir}:${process.env.PATH ?? ''}` });
    await until(() => existsSync(seen));
    expect(readFileSync(seen, 'utf8')).toBe(`${ui.url}\n`);
    expect(ui.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/.*token/);
    expect(ui.stderr()).toBe('');
  });

  it('--open where there is no opener says to open the printed URL, and serves on', async () => {
    ui = await startUi(['--open'], { PATH: mkdtempSync(join(tmpdir(), 'tcpcmd-no-opener-')) }); // an empty PATH: no opener
    await until(() => ui?.stderr().includes('no browser to open here') ?? false);
    expect(ui.stderr()).toBe('tcpcmd ui: no browser to open here; open the URL above\n');
    const res = await fetch(ui.url, { redirect: 'manual' }); // the token is swapped for a cookie and a redirect
    expect([302, 303]).toContain(res.status);
  });

  it('--open where the opener finds no browser (xdg-open without a desktop exits 3) says so too', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tcpcmd-open-'));
    writeFileSync(join(dir, 'xdg-open'), '#!/bin/sh\necho "xdg-open: no method available for opening \'$1\'" >&2\nexit 3\n');
    chmodSync(join(dir, 'xdg-open'), 0o755);
    ui = await startUi(['--open'], { PATH: dir });
    await until(() => ui?.stderr().includes('no browser to open here') ?? false);
    expect(ui.stderr()).toBe('tcpcmd ui: no browser to open here; open the URL above\n');
  });

  it('warns when the page is served beyond this machine, and not for loopback', async () => {
    ui = await startUi(['--host', '0.0.0.0']);
    await until(() => ui?.stderr().includes('warning') ?? false);
    expect(ui.stderr()).toMatch(/^tcpcmd ui: warning: serving on 0\.0\.0\.0, not only this machine: .*ssh tunnel\n$/);
    expect(ui.url).toMatch(/^http:\/\/127\.0\.0\.1:/);
    await ui.stop();
    ui = await startUi(['--host', '127.0.0.1']);
    expect(ui.stderr()).toBe('');
  });
});
