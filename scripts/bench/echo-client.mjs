// Baseline client: N request lines, sequential (one at a time) or pipelined (a window in flight),
// timed after WARM untimed ones (sequential only; 0 by default: a fresh process, cold code).
import net from 'node:net';

const [port, mode, n, window = '256', warm = '0'] = process.argv.slice(2);
const untimed = mode === 'seq' ? Number(warm) : 0;
const total = Number(n) + untimed;
const socket = net.connect(Number(port), '127.0.0.1');
socket.setNoDelay(true);
await new Promise((r) => socket.once('connect', r));
let answered = 0;
let sent = 0;
let rest = '';
let start = process.hrtime.bigint();
const done = new Promise((resolve) => {
  socket.setEncoding('utf8').on('data', (chunk) => {
    const text = rest + chunk;
    let i = -1;
    let from = 0;
    while ((i = text.indexOf('\n', from)) !== -1) {
      from = i + 1;
      if (++answered === untimed) start = process.hrtime.bigint();
      if (mode === 'seq' && sent < total) send();
    }
    rest = text.slice(from);
    if (mode === 'pipe') while (sent < total && sent - answered < Number(window)) send();
    if (answered === total) resolve();
  });
});
function send() {
  sent++;
  socket.write(`echo x ${sent}\n`);
}
if (mode === 'seq') send();
else while (sent < total && sent < Number(window)) send();
await done;
const ms = Number(process.hrtime.bigint() - start) / 1e6;
socket.destroy();
process.stdout.write(JSON.stringify({ ops: total - untimed, ms, perSec: ((total - untimed) / ms) * 1000 }));
