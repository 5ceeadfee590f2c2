// A simulated fleet: one process serving N tcpcmd servers on N loopback ports
// through the library, so fan-out (`exec --targets`, `run --targets`, `top`)
// can be measured over 1,000 or 5,000 servers on one machine.
//
//   node scripts/bench/fleet.mjs 1000 [--out servers.csv] [--token-env NAME] [--prefix srv-]
//
// Writes servers.csv (name,host,port[,token_env]) to --out, or to stdout when
// there is no --out, then prints `ready N` on stderr and serves until stdin
// closes (when it is a pipe) or it gets SIGINT/SIGTERM. Servers are named <prefix>1 .. <prefix>N.
import { createWriteStream, fstatSync } from 'node:fs';
import { once } from 'node:events';
import { parseArgs } from 'node:util';
import { serve } from '../../dist/index.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    out: { type: 'string' },
    'token-env': { type: 'string' },
    prefix: { type: 'string', default: 'srv-' },
  },
});
const n = Number(positionals[0] ?? 10);
if (!Number.isInteger(n) || n < 1) {
  process.stderr.write('usage: fleet.mjs N [--out servers.csv] [--token-env NAME] [--prefix srv-]\n');
  process.exit(2);
}
const tokenEnv = values['token-env'];
const token = tokenEnv === undefined ? undefined : process.env[tokenEnv];
if (tokenEnv !== undefined && !token) {
  process.stderr.write(`fleet: --token-env ${tokenEnv}: the variable is not set\n`);
  process.exit(2);
}

const servers = [];
// Listen in batches: 5,000 listens at once only queue behind each other.
for (let i = 0; i < n; i += 200) {
  const batch = Array.from({ length: Math.min(200, n - i) }, () => serve({ host: '127.0.0.1', port: 0, token }));
  servers.push(...(await Promise.all(batch)));
}

const out = values.out === undefined ? process.stdout : createWriteStream(values.out);
out.write(tokenEnv === undefined ? 'name,host,port\n' : 'name,host,port,token_env\n');
for (const [i, server] of servers.entries()) {
  const line = `${values.prefix}${i + 1},127.0.0.1,${server.address().port}${tokenEnv === undefined ? '' : `,${tokenEnv}`}\n`;
  if (!out.write(line)) await once(out, 'drain');
}
if (out !== process.stdout) {
  out.end();
  await once(out, 'finish');
}
process.stderr.write(`ready ${servers.length}\n`);

let stopping = false;
async function stop() {
  if (stopping) return;
  stopping = true;
  await Promise.all(servers.map((s) => s.close()));
  process.exit(0);
}
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
// A parent holding our stdin stops us by closing it; started from a shell (`&`, stdin /dev/null) we wait for a signal.
if (!fstatSync(0).isCharacterDevice()) {
  process.stdin.on('end', stop);
  process.stdin.resume();
}
