// Baseline for fan-out: the least a Node client must do to run one command on every server of a
// servers.csv (name,host,port) — connect, the hello and the run in one write, read up to the
// `done` frame, close — at the same concurrency, with no library, no checks, no output.
//
//   node scripts/bench/raw-fan-out.mjs servers.csv [command] [concurrency]
import net from 'node:net';
import { readFileSync } from 'node:fs';

const [csv, command = 'hostname', concurrency = '256'] = process.argv.slice(2);
const servers = readFileSync(csv, 'utf8').trim().split('\n').slice(1).map((line) => line.split(','));
const ask = `${JSON.stringify({ type: 'hello', protocol: 1, client: 'raw-fan-out', features: ['data'] })}\n${JSON.stringify({ type: 'run', id: 1, cmd: command })}\n`;
let next = 0;
let answered = 0;

function one() {
  const server = servers[next++];
  if (!server) return;
  const socket = net.connect({ host: server[1], port: Number(server[2]) });
  socket.setNoDelay(true);
  socket.on('connect', () => socket.write(ask));
  let seen = '';
  socket.setEncoding('utf8').on('data', (chunk) => {
    seen += chunk;
    if (seen.includes('"type":"done"')) {
      answered++;
      socket.end();
    }
  });
  socket.on('error', () => undefined);
  socket.on('close', one);
}
for (let i = 0; i < Number(concurrency); i++) one();
process.on('exit', () => {
  if (answered !== servers.length) {
    process.stderr.write(`raw-fan-out: ${answered} of ${servers.length} answered\n`);
    process.exitCode = 1;
  }
});
