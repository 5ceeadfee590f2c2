// tcpcmd through its own client library: N runs of a builtin, sequential or pipelined (a window in flight),
// timed after WARM untimed ones (sequential only; 0 by default: a fresh process, cold code).
import { connect } from '../../dist/index.js';

const [port, mode, n, window = '256', warm = '0'] = process.argv.slice(2);
const total = Number(n);
const conn = await connect({ host: '127.0.0.1', port: Number(port) });
if (mode === 'seq') for (let i = 0; i < Number(warm); i++) await conn.run(`echo x ${i}`);
const start = process.hrtime.bigint();
if (mode === 'seq') {
  for (let i = 0; i < total; i++) await conn.run(`echo x ${i}`);
} else {
  let next = 0;
  const worker = async () => {
    while (next < total) {
      const i = next++;
      const r = await conn.run(`echo x ${i}`);
      if (r.exitCode !== 0) throw new Error(`run ${i} failed`);
    }
  };
  await Promise.all(Array.from({ length: Number(window) }, worker));
}
const ms = Number(process.hrtime.bigint() - start) / 1e6;
await conn.close();
process.stdout.write(JSON.stringify({ ops: total, ms, perSec: (total / ms) * 1000 }));
