// Baseline for the exec streaming figure: `cat` of a file through a raw Node TCP socket pair on
// loopback, one way. out: the far end's `cat FILE` writes into the socket and this end drains it;
// in: this end sends FILE into the socket and the far end pipes it into `cat > /dev/null`.
import { spawn } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { once } from 'node:events';
import net from 'node:net';

const [mode, file] = process.argv.slice(2);
const server = net.createServer({ allowHalfOpen: true }, (sock) => {
  if (mode === 'out') {
    spawn('cat', [file], { stdio: ['ignore', 'pipe', 'inherit'] }).stdout.pipe(sock);
  } else {
    const cat = spawn('cat', [], { stdio: ['pipe', 'ignore', 'inherit'] });
    sock.pipe(cat.stdin);
    cat.on('close', () => sock.end());
  }
});
server.listen(0, '127.0.0.1');
await once(server, 'listening');
const sock = net.connect({ port: server.address().port, host: '127.0.0.1', allowHalfOpen: true });
await once(sock, 'connect');
sock.on('end', () => sock.end());
if (mode === 'out') sock.resume();
else {
  createReadStream(file).pipe(sock);
  sock.resume();
}
await once(sock, 'close');
server.close();
