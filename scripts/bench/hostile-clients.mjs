// Hostile clients for the hostile benchmark and the flood tests, all on loopback:
//   node hostile-clients.mjs PORT SECONDS SILENT DEEP TRICKLE
// SILENT sockets that connect and say nothing, reconnecting as soon as they are dropped;
// DEEP senders of a 1 MiB hello nested 500,000 levels deep, again and again;
// TRICKLE clients that send hello, then one byte a second of a frame they never finish.
// Prints {"connections":{...}} when done; every socket is closed before it exits.
import net from 'node:net';

const [port, seconds, silentN, deepN, trickleN] = process.argv.slice(2).map(Number);
const until = Date.now() + seconds * 1000;
const sockets = new Set();
const connections = { silent: 0, deep: 0, trickle: 0 };
const LEVELS = 500_000;
const deepFrame = Buffer.from(`{"type":"hello","protocol":1,"x":${'['.repeat(LEVELS)}${']'.repeat(LEVELS)}}\n`);
const partial = '{"type":"auth","hmac":"' + '0'.repeat(64) + '"}';

function open(kind, onOpen) {
  if (Date.now() >= until) return;
  const socket = net.connect({ host: '127.0.0.1', port });
  connections[kind]++;
  sockets.add(socket);
  socket.on('error', () => {});
  socket.on('data', () => {});
  socket.on('close', () => {
    sockets.delete(socket);
    clearInterval(socket.trickle);
    // Reconnect at once, as an attacker would; a refused connect waits a moment so this loop does not spin.
    setTimeout(() => open(kind, onOpen), socket.connected ? 0 : 20);
  });
  socket.on('connect', () => {
    socket.connected = true;
    onOpen(socket);
  });
}

for (let i = 0; i < silentN; i++) open('silent', () => {});
for (let i = 0; i < deepN; i++) open('deep', (s) => s.write(deepFrame));
for (let i = 0; i < trickleN; i++) {
  open('trickle', (s) => {
    s.write('{"type":"hello","protocol":1}\n');
    let at = 0;
    s.trickle = setInterval(() => s.write(partial[at++ % partial.length]), 1000);
  });
}

setTimeout(() => {
  for (const s of sockets) {
    s.removeAllListeners('close');
    clearInterval(s.trickle);
    s.destroy();
  }
  process.stdout.write(JSON.stringify({ connections }) + '\n');
}, seconds * 1000);
