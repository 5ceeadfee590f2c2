import { writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { indexTargets, loadTargets, parseTargetOption, resolveTargetCell } from '../../src/batch/targets.js';
import { ErrorCode } from '../../src/protocol/index.js';
import { useTempDir } from './helpers.js';

const t = useTempDir();

function file(content: string): string {
  const path = t.path('servers.csv');
  writeFileSync(path, content);
  return path;
}

describe('targets', () => {
  it('reads host, port, name, token_env with a header, in any order', async () => {
    const path = file('name,host,port,token_env\nweb,127.0.0.1,10001,TOK_A\n,::1,,\ndb,db.local:7000,,\n');
    const targets = await loadTargets(path, { TOK_A: 'secret' });
    expect(targets).toEqual([
      { key: '127.0.0.1:10001', address: { host: '127.0.0.1', port: 10001 }, name: 'web', token: 'secret' },
      { key: '[::1]:10000', address: { host: '::1', port: 10000 }, name: '[::1]:10000' },
      { key: 'db.local:7000', address: { host: 'db.local', port: 7000 }, name: 'db' },
    ]);
  });

  it('reads a headerless file as host,port,name,token_env', async () => {
    const targets = await loadTargets(file('127.0.0.1,10001,a\n127.0.0.1:10002\n'), {});
    expect(targets.map((x) => [x.key, x.name])).toEqual([
      ['127.0.0.1:10001', 'a'],
      ['127.0.0.1:10002', '127.0.0.1:10002'],
    ]);
  });

  it('reports every problem with its line', async () => {
    const path = file('host,port,name,token_env,zone\n');
    await expect(loadTargets(path, {}, 'servers.csv')).rejects.toMatchObject({
      code: ErrorCode.BAD_INPUT,
      message: 'servers.csv:1: unknown column "zone" (known: host, port, name, token_env)',
    });
    const path2 = file('host,port,name,token_env\n,1,,\nh,99999,,\nh:1,2,,\nh,1,x,NOPE\nh,1,a,\nh,1,b,\ni,1,a,\n');
    await expect(loadTargets(path2, {}, 'servers.csv')).rejects.toMatchObject({
      code: ErrorCode.BAD_INPUT,
      message: [
        'servers.csv:2: host is empty',
        'servers.csv:3: port must be a whole number from 1 to 65535, got "99999"',
        'servers.csv:4: host "h:1" has a port and the port column is set too: keep one',
        'servers.csv:5: token_env names NOPE, which is not set in the environment',
        'servers.csv:7: target h:1 is listed twice (first on line 6)',
        'servers.csv:8: name "a" is used twice (first on line 6)',
      ].join('\n'),
    });
    await expect(loadTargets(file('\n'), {}, 'servers.csv')).rejects.toMatchObject({
      message: 'servers.csv: no targets in the file (expected rows of host,port,name,token_env)',
    });
  });

  it('resolves a target cell by servers.csv name, else as an address', () => {
    const web = parseTargetOption('10.0.0.1');
    const known = indexTargets([{ ...web, name: 'web' }]);
    expect(resolveTargetCell('web', known)).toMatchObject({ ok: true, value: { key: '10.0.0.1:10000' } });
    expect(resolveTargetCell('10.0.0.1:10000', known)).toMatchObject({ ok: true, value: { name: 'web' } });
    expect(resolveTargetCell('other:5', known)).toMatchObject({ ok: true, value: { key: 'other:5', name: 'other:5' } });
    expect(resolveTargetCell('a b', known)).toMatchObject({ ok: false });
    expect(() => parseTargetOption('host:x')).toThrow(expect.objectContaining({ code: ErrorCode.USAGE, message: '--target: port in "host:x" must be a whole number from 1 to 65535, got "x"' }));
  });
});
