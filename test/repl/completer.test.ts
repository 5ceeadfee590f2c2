import { mkdir, writeFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { completePath, createCompleter } from '../../src/repl/completer.js';
import { tempDir } from './helpers.js';

const complete = createCompleter({
  commands: () => ['help', 'cpu', 'cores', 'disk', 'linux:', 'hostname', 'name'],
  metaCommands: () => ['.help', '.connect', '.save', '.load', '.clear', '.exit'],
  targets: () => ['web-1', '10.0.0.5:10000'],
});

describe('tab completion', () => {
  it('completes the first word from the server commands, case-insensitively', () => {
    expect(complete('c')).toEqual([['cores', 'cpu'], 'c']);
    expect(complete('CP')).toEqual([['cpu'], 'CP']);
    expect(complete('lin')).toEqual([['linux:'], 'lin']);
    expect(complete('zz')).toEqual([[], 'zz']);
    expect(complete('')).toEqual([['cores', 'cpu', 'disk', 'help', 'hostname', 'linux:', 'name'], '']);
  });

  it('completes meta commands after a dot', () => {
    expect(complete('.c')).toEqual([['.clear', '.connect'], '.c']);
    expect(complete('.sa')).toEqual([['.save'], '.sa']);
  });

  it('completes the argument of help and .connect', () => {
    expect(complete('help ho')).toEqual([['hostname'], 'ho']);
    expect(complete('.connect w')).toEqual([['web-1'], 'w']);
    expect(complete('cpu x')).toEqual([[], 'x']);
  });

  it('completes file names for .load and .save, keeping what was typed', async () => {
    const { dir, path } = await tempDir();
    await writeFile(path('smoke.csv'), 'command\nhostname\n');
    await writeFile(path('.hidden.csv'), '');
    await mkdir(path('sub'));
    expect(completePath(`${dir}/s`)).toEqual([`${dir}/smoke.csv`, `${dir}/sub/`]);
    expect(completePath(`${dir}/`)).toEqual([`${dir}/smoke.csv`, `${dir}/sub/`]);
    expect(completePath(`${dir}/.h`)).toEqual([`${dir}/.hidden.csv`]);
    expect(complete(`.load ${dir}/sm`)).toEqual([[`${dir}/smoke.csv`], `${dir}/sm`]);
    expect(completePath('/no/such/dir/x')).toEqual([]);
  });
});
