import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { escapeControls, streamLogger, type LogEvent } from '../../src/server/log.js';

describe('the server log', () => {
  it('writes a run as the same JSON line as any other event, escapes included', async () => {
    const out = new PassThrough();
    let text = '';
    out.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
    const logger = streamLogger(out, 'json');
    const runs: LogEvent[] = [
      { event: 'run', session: 's1', peer: '127.0.0.1:5000', id: 7, command: 'echo hi', exitCode: 0, durationMs: 1 },
      { event: 'run', session: 's1', peer: '127.0.0.1:5000', id: 'a"b\u0085', command: 'x\u2028y\u0007 "z"', exitCode: null, durationMs: 12, error: 'TIMEOUT' },
      { event: 'run', session: 's2', peer: '[::1]:6000', id: 1.5, command: 'é', exitCode: 3, durationMs: 0 },
    ];
    for (const event of runs) logger.log(event);
    logger.flush?.();
    await new Promise((resolve) => setImmediate(resolve));
    const lines = text.trimEnd().split('\n');
    expect(lines).toHaveLength(runs.length);
    lines.forEach((line, i) => {
      const time = (JSON.parse(line) as { time: string }).time;
      expect(line).toBe(`{"time":"${time}",${escapeControls(JSON.stringify(runs[i])).slice(1)}`);
    });
    expect(['\u0085', '\u2028', '\u0007'].some((c) => text.includes(c))).toBe(false);
  });
});
