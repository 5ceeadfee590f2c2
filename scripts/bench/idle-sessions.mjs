// Opens N sessions (handshake done) and holds them until stdin closes.
import { connect } from '../../dist/index.js';

const [port, n] = process.argv.slice(2);
const conns = [];
for (let i = 0; i < Number(n); i += 100) {
  const batch = Array.from({ length: Math.min(100, Number(n) - i) }, () => connect({ host: '127.0.0.1', port: Number(port) }));
  conns.push(...(await Promise.all(batch)));
}
process.stdout.write(`${conns.length}\n`);
process.stdin.resume();
process.stdin.on('end', () => process.exit(0));
