import { describe, expect, it } from 'vitest';
import { connect, readFigures } from '../../src/client/index.js';
import { onCleanup, startServer } from '../helpers/servers.js';

describe('a server\'s figures (readFigures: top and the web page)', () => {
  it('are read from the data of a server that sends it, and the same from its text', async () => {
    const { target } = await startServer();
    const conn = await connect(target);
    onCleanup(() => conn.close());
    const [cpu, ram, disk, uptime] = await Promise.all(['cpu', 'ram', 'disk', 'uptime'].map((c) => conn.run(c)));
    if (!cpu || !ram || !disk || !uptime) throw new Error('no answer');
    expect(ram.data?.kind).toBe('ram');
    const fromData = readFigures({ cpu, ram, disk, uptime });
    expect(fromData.missing).toEqual([]);
    const text = (r: { stdout: string }) => ({ stdout: r.stdout });
    const fromText = readFigures({ cpu: text(cpu), ram: text(ram), disk: text(disk), uptime: text(uptime) });
    expect(fromText.missing).toEqual([]);
    const [d, t] = [fromData.figures, fromText.figures];
    expect(t.cpuPercent).toBe(d.cpuPercent);
    expect([t.load1, t.load5, t.load15]).toEqual([d.load1, d.load5, d.load15]);
    expect(t.ramPercent).toBe(d.ramPercent);
    expect(t.diskPercent).toBe(d.diskPercent);
    expect(t.uptimeSeconds).toBe(d.uptimeSeconds);
    // The text rounds sizes to one decimal of their unit.
    expect(Math.abs((t.ramTotalBytes ?? 0) - (d.ramTotalBytes ?? 0)) / (d.ramTotalBytes ?? 1)).toBeLessThan(0.01);
    expect(Math.abs((t.diskUsedBytes ?? 0) - (d.diskUsedBytes ?? 0)) / (d.diskUsedBytes ?? 1)).toBeLessThan(0.01);
  });

  it('reads uptimes of days from the text', () => {
    expect(readFigures({ uptime: { stdout: 'system: 2 days, 3:04:05\nserver: 0:00:01\n' } }).figures.uptimeSeconds).toBe(2 * 86_400 + 3 * 3600 + 4 * 60 + 5);
  });

  it('are empty where the answers say nothing, and name what gave none', () => {
    const { figures, missing } = readFigures({ cpu: { stdout: '' }, ram: { stdout: 'nonsense' }, disk: { stdout: '', error: { code: 'TIMEOUT' } } });
    expect(figures).toEqual({
      cpuPercent: null, load1: null, load5: null, load15: null, ramPercent: null, ramUsedBytes: null, ramTotalBytes: null,
      diskPercent: null, diskUsedBytes: null, diskTotalBytes: null, uptimeSeconds: null,
    });
    expect(missing).toEqual(['ram', 'disk: TIMEOUT', 'cpu']);
  });
});
