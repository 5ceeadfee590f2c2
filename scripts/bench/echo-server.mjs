// Baseline: the least a line protocol over TCP can do — read a line, write it back.
import net from 'node:net';

const server = net.createServer((socket) => {
  socket.setNoDelay(true);
  let rest = '';
  socket.setEncoding('utf8').on('data', (chunk) => {
    const text = rest + chunk;
    const end = text.lastIndexOf('\n');
    if (end === -1) return void (rest = text);
    rest = text.slice(end + 1);
    socket.write(text.slice(0, end + 1));
  });
  socket.on('error', () => {});
});
server.listen(0, '127.0.0.1', () => process.stdout.write(`${server.address().port}\n`));
