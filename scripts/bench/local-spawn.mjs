// Baseline for shell rows: spawn `sh -c true` N times, C at a time, locally.
import { spawn } from 'node:child_process';

const [n, c] = process.argv.slice(2).map(Number);
let next = 0;
const start = process.hrtime.bigint();
const worker = async () => {
  while (next < n) {
    next++;
    await new Promise((resolve, reject) => spawn('sh', ['-c', 'true'], { stdio: ['ignore', 'pipe', 'pipe'] }).on('close', resolve).on('error', reject));
  }
};
await Promise.all(Array.from({ length: c }, worker));
const ms = Number(process.hrtime.bigint() - start) / 1e6;
process.stdout.write(JSON.stringify({ ops: n, ms, perSec: (n / ms) * 1000 }));
