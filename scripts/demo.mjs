// `npm run demo`: a local server on a free loopback port, the sample batch run
// against it, results.csv written, and the summary printed; then a small fleet
// of three local servers seen as a fleet: one command on all of them and
// `tcpcmd top --once`. Uses only the CLI, exactly as a user would.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../bin/tcpcmd.js', import.meta.url));
const root = fileURLToPath(new URL('../', import.meta.url));

/** `tcpcmd serve` on a free loopback port; resolves with the process, its port and its log so far. */
async function startServer() {
  const child = spawn(process.execPath, [bin, 'serve', '--host', '127.0.0.1', '--port', '0'], { cwd: root, stdio: ['ignore', 'inherit', 'pipe'] });
  const state = { child, log: '' };
  state.port = await new Promise((resolve, reject) => {
    child.stderr.setEncoding('utf8').on('data', (chunk) => {
      state.log += chunk;
      const m = /listening on [^\s]+:(\d+)/.exec(state.log);
      if (m) resolve(m[1]);
    });
    child.on('close', (code) => reject(new Error(`a demo server exited (${code}) before listening:\n${state.log}`)));
  });
  return state;
}

/** Runs `tcpcmd ...args`, output to our terminal; resolves with its exit code. */
function tcpcmd(args) {
  const child = spawn(process.execPath, [bin, ...args], { cwd: root, stdio: 'inherit' });
  return new Promise((resolve) => child.on('close', resolve));
}

function stop(server) {
  server.child.kill('SIGTERM');
  return new Promise((resolve) => server.child.on('close', resolve));
}

const main = await startServer();
const target = `127.0.0.1:${main.port}`;
console.log(`demo: server listening on ${target}`);
console.log(`demo: tcpcmd run samples/commands.csv --target ${target} --out results.csv\n`);

const code = await tcpcmd(['run', 'samples/commands.csv', '--target', target, '--out', 'results.csv']);

await stop(main);
const runLines = main.log.split('\n').filter((l) => l.includes(' run '));
console.log(`\ndemo: the server's log of the runs (one line each: client, command, exit code, duration):`);
for (const line of runLines) console.log(`  ${line}`);
console.log(`\ndemo: results are in results.csv — open it, or run the batch yourself:`);
console.log('  ./bin/tcpcmd.js serve --port 10000 &');
console.log('  ./bin/tcpcmd.js run samples/commands.csv --target 127.0.0.1:10000 --out results.csv');
console.log(`\ndemo: next, try the web page (connect, commands, this CSV, a fleet dashboard; docs/ui.md):`);
console.log('  ./bin/tcpcmd.js ui          # then open the URL it prints, and Connect to localhost:10000');

// The fleet view: three local servers named in a servers.csv, as samples/servers.csv names them.
const fleet = [await startServer(), await startServer(), await startServer()];
const dir = mkdtempSync(join(tmpdir(), 'tcpcmd-demo-'));
const servers = join(dir, 'servers.csv');
writeFileSync(servers, `name,host,port\n${['web-1', 'web-2', 'db'].map((name, i) => `${name},127.0.0.1,${fleet[i].port}`).join('\n')}\n`);
try {
  console.log(`\ndemo: a fleet of three local servers, named in servers.csv (as samples/servers.csv):`);
  console.log(`demo: tcpcmd exec --targets servers.csv uptime\n`);
  await tcpcmd(['exec', '--targets', servers, 'uptime']);
  console.log(`\ndemo: tcpcmd exec --targets servers.csv --group hostname    (each distinct answer once)\n`);
  await tcpcmd(['exec', '--targets', servers, '--group', 'hostname']);
  console.log(`\ndemo: tcpcmd top --once --targets servers.csv\n`);
  await tcpcmd(['top', '--once', '--targets', servers]);
} finally {
  await Promise.all(fleet.map(stop));
  rmSync(dir, { recursive: true, force: true });
}
process.exitCode = code ?? 1;
