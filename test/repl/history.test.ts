import { readFile, stat, writeFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { History, historyPath } from '../../src/repl/history.js';
import { tempDir } from './helpers.js';

describe('history file', () => {
  it('lives in TCPCMD_HISTORY, else the XDG state directory', () => {
    expect(historyPath({ TCPCMD_HISTORY: '/x/h', XDG_STATE_HOME: '/s', HOME: '/home/u' })).toBe('/x/h');
    expect(historyPath({ TCPCMD_HISTORY: '' })).toBeNull();
    expect(historyPath({ XDG_STATE_HOME: '/s', HOME: '/home/u' })).toBe('/s/tcpcmd/history');
    expect(historyPath({ HOME: '/home/u' })).toBe('/home/u/.local/state/tcpcmd/history');
    expect(historyPath({ XDG_STATE_HOME: 'relative', HOME: '/home/u' })).toBe('/home/u/.local/state/tcpcmd/history');
  });

  it('appends each line as it comes, without repeats in a row, in a private file', async () => {
    const { path } = await tempDir();
    const file = path('state/tcpcmd/history');
    const h = new History(file, () => undefined);
    expect(h.load()).toEqual([]);
    for (const line of ['cpu', 'cpu', 'ram', ' secret', '', 'cpu']) h.add(line);
    expect(await readFile(file, 'utf8')).toBe('cpu\nram\ncpu\n');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const again = new History(file, () => undefined);
    expect(again.load()).toEqual(['cpu', 'ram', 'cpu']);
    again.add('cpu'); // same as the last line of the file
    expect(await readFile(file, 'utf8')).toBe('cpu\nram\ncpu\n');
  });

  it('keeps the newest lines and trims a file that grew too long', async () => {
    const { path } = await tempDir();
    const file = path('history');
    await writeFile(file, Array.from({ length: 25 }, (_, i) => `cmd ${i}\n`).join(''));
    const h = new History(file, () => undefined, 10);
    const lines = h.load();
    expect(lines).toHaveLength(10);
    expect(lines[0]).toBe('cmd 24');
    expect((await readFile(file, 'utf8')).split('\n').filter(Boolean)).toHaveLength(10);
  });

  it('warns once and goes on when the file cannot be written', async () => {
    const { path } = await tempDir();
    await writeFile(path('file'), '');
    const warnings: string[] = [];
    const h = new History(path('file/history'), (m) => warnings.push(m));
    h.add('cpu');
    h.add('ram');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('TCPCMD_HISTORY');
  });
});
