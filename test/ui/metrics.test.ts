import { describe, expect, it } from 'vitest';
import { connect } from '../../src/client/index.js';
import { metricsOf } from '../../src/ui/metrics.js';
import { onCleanup, startServer } from '../helpers/servers.js';

describe('the dashboard figures', () => {
  it('are read from the data of a server that sends it, and the same from its text', async () => {
    const { target } = await startServer();
    const conn = await connect(target);
    onCleanup(() => conn.close());
    const [cpu, ram, disk] = await Promise.all(['cpu', 'ram', 'disk'].map((c) => conn.run(c)));
    if (!cpu || !ram || !disk) throw new Error('no answer');
    expect(ram.data?.kind).toBe('ram');
    const fromData = metricsOf(cpu, ram, disk, 1);
    const text = (r: { stdout: string }) => ({ stdout: r.stdout });
    const fromText = metricsOf(text(cpu), text(ram), text(disk), 1);
    expect(fromText.cpuPercent).toBe(fromData.cpuPercent);
    expect(fromText.ramPercent).toBe(fromData.ramPercent);
    expect(fromText.diskPercent).toBe(fromData.diskPercent);
    // The text rounds sizes to one decimal of their unit.
    expect(Math.abs((fromText.ramTotalBytes ?? 0) - (fromData.ramTotalBytes ?? 0)) / (fromData.ramTotalBytes ?? 1)).toBeLessThan(0.01);
    expect(Math.abs((fromText.diskUsedBytes ?? 0) - (fromData.diskUsedBytes ?? 0)) / (fromData.diskUsedBytes ?? 1)).toBeLessThan(0.01);
  });

  it('are empty where the text says nothing', () => {
    expect(metricsOf({ stdout: '' }, { stdout: 'nonsense' }, { stdout: '' }, 1)).toEqual({
      at: 1, cpuPercent: null, ramPercent: null, ramUsedBytes: null, ramTotalBytes: null, diskPercent: null, diskUsedBytes: null, diskTotalBytes: null,
    });
  });
});
