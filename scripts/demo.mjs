// `npm run demo`: a local server on a free loopback port, the sample batch run
// against it, results.csv written, and the summary printed. Uses only the CLI,
// exactly as a user would.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../bin/tcpcmd.js', import.meta.url));
const root = fileURLToPath(new URL('../', import.meta.url));

const server = spawn(process.execPath, [bin, 'serve', '--host', '127.0.0.1', '--port', '0'], { cwd: root, stdio: ['ignore', 'inherit', 'pipe'] });
let log = '';
const port = await new Promise((resolve, reject) => {
  server.stderr.setEncoding('utf8').on('data', (chunk) => {
    log += chunk;
    const m = /listening on [^\s]+:(\d+)/.exec(log);
    if (m) resolve(m[1]);
  });
  server.on('close', (code) => reject(new Error(`the demo server exited (${code}) before listening:\n${log}`)));
});
const target = `127.0.0.1:${port}`;
console.log(`demo: server listening on ${target}`);
console.log(`demo: tcpcmd run samples/commands.csv --target ${target} --out results.csv\n`);

const run = spawn(process.execPath, [bin, 'run', 'samples/commands.csv', '--target', target, '--out', 'results.csv'], { cwd: root, stdio: 'inherit' });
const code = await new Promise((resolve) => run.on('close', resolve));

server.kill('SIGTERM');
await new Promise((resolve) => server.on('close', resolve));
const runLines = log.split('\n').filter((l) => l.includes(' run '));
console.log(`\ndemo: the server's log of the runs (one line each: client, command, exit code, duration):`);
for (const line of runLines) console.log(`  ${line}`);
console.log(`\ndemo: results are in results.csv — open it, or run the batch yourself:`);
console.log('  ./bin/tcpcmd.js serve --port 10000 &');
console.log('  ./bin/tcpcmd.js run samples/commands.csv --target 127.0.0.1:10000 --out results.csv');
console.log(`\ndemo: next, try the web page (connect, commands, this CSV, a fleet dashboard; docs/ui.md):`);
console.log('  ./bin/tcpcmd.js ui          # then open the URL it prints, and Connect to localhost:10000');
process.exitCode = code ?? 1;
