// `npm run bench`: tcpcmd against baselines measured in the same run, on loopback.
// Prints a table of figures and ratios and writes them to .bench/results.json.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync, createWriteStream, openSync, closeSync } from 'node:fs';
import net from 'node:net';
import { cpus } from 'node:os';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { once } from 'node:events';
import { BIN, HERE, ROOT, median, nodeJson, procCpuMs, procKb, recorder, startFleet, startServer, timed } from './lib.mjs';

const quick = process.argv.includes('--quick');
const only = process.argv.find((a) => a.startsWith('--only='))?.slice(7).split(',');
const OUT = join(ROOT, '.bench');
mkdirSync(OUT, { recursive: true });
const { rows, record, summary } = recorder({ quick });
const want = (name) => !only || only.includes(name);

async function writeCsv(path, n, makeRow) {
  const out = createWriteStream(path);
  out.write('name,command\n');
  for (let i = 1; i <= n; i++) if (!out.write(makeRow(i))) await once(out, 'drain');
  out.end();
  await once(out, 'finish');
}

// 1. Round trips through the client library vs a raw line echo.
if (want('roundtrip')) {
  console.log('1. round trips of `echo x` (library) vs a raw TCP line echo');
  // Sequential: a library lives in long-running programs (the REPL, top, the web page, scripts), so the goal is
  // judged once V8 has optimised the client's path (it takes some 5,000-8,000 round trips), after the same
  // untimed warm-up on both sides. A short warm-up and a fresh process's first runs (cold code) are printed
  // beside it, without a verdict.
  const steadyN = quick ? 2000 : 10000;
  const shortN = quick ? 200 : 1000;
  const seqN = quick ? 2000 : 10000;
  const coldN = quick ? 500 : 3000;
  const pipeN = quick ? 20000 : 100000;
  const echo = spawn(process.execPath, [join(HERE, 'echo-server.mjs')], { stdio: ['ignore', 'pipe', 'inherit'] });
  const echoPort = Number((await once(echo.stdout.setEncoding('utf8'), 'data'))[0].trim());
  const server = await startServer();
  // A server lives long: both servers answer 50,000 untimed round trips first (V8 takes some 30,000 to
  // optimise the server's path), so what is timed is round trips, not V8 compiling a fresh server's code.
  await nodeJson(join(HERE, 'echo-client.mjs'), [echoPort, 'seq', 5 * seqN]);
  await nodeJson(join(HERE, 'tcpcmd-client.mjs'), [server.port, 'seq', 5 * seqN]);
  // Median of 3, each side in turn: the machine's speed drifts within seconds.
  const kinds = { steady: [seqN, steadyN], short: [seqN, shortN], cold: [coldN, 0] };
  const seq = Object.fromEntries(Object.keys(kinds).map((k) => [k, { base: [], ours: [] }]));
  for (let i = 0; i < 3; i++) {
    for (const [kind, [n, warm]] of Object.entries(kinds)) {
      seq[kind].base.push((await nodeJson(join(HERE, 'echo-client.mjs'), [echoPort, 'seq', n, '1', warm])).perSec);
      seq[kind].ours.push((await nodeJson(join(HERE, 'tcpcmd-client.mjs'), [server.port, 'seq', n, '1', warm])).perSec);
    }
  }
  const n = (v) => v.toLocaleString('en-US');
  record('roundtrip', `sequential round trips/s, ${n(seqN)} after ${n(steadyN)} untimed (median of 3)`, median(seq.steady.ours), 'ops/s', median(seq.steady.base), 'ratio >= 0.80');
  record('roundtrip', `the same after ${n(shortN)} untimed, V8 still optimising (median of 3)`, median(seq.short.ours), 'ops/s', median(seq.short.base));
  record('roundtrip', `the same, cold: the first ${n(coldN)} of a fresh process (median of 3)`, median(seq.cold.ours), 'ops/s', median(seq.cold.base));
  const basePipe = [];
  const ourPipe = [];
  for (let i = 0; i < 3; i++) {
    basePipe.push((await nodeJson(join(HERE, 'echo-client.mjs'), [echoPort, 'pipe', pipeN])).perSec);
    ourPipe.push((await nodeJson(join(HERE, 'tcpcmd-client.mjs'), [server.port, 'pipe', pipeN])).perSec);
  }
  record('roundtrip', 'pipelined runs/s (256 in flight, median of 3)', median(ourPipe), 'ops/s', median(basePipe), 'ratio >= 0.60');
  echo.kill();
  await server.stop();
}

/** Wall time of `tcpcmd run` over a one-row file: process start-up, loading, one connection. */
async function runStartupMs(port) {
  const one = join(OUT, 'one.csv');
  writeFileSync(one, 'command\nhostname\n');
  const times = [];
  for (let i = 0; i < 7; i++) times.push((await timed(process.execPath, [BIN, 'run', one, '--target', `127.0.0.1:${port}`, '--out', join(OUT, 'one-results.csv')])).ms);
  return median(times);
}

// 2. `tcpcmd run` of builtins, CSV in to CSV out.
if (want('batch')) {
  const n = quick ? 5000 : 20000;
  console.log(`2. tcpcmd run of ${n.toLocaleString('en-US')} builtin rows, CSV in -> CSV out`);
  const csv = join(OUT, 'builtins.csv');
  await writeCsv(csv, n, (i) => `row ${i},echo hello ${i}\n`);
  const server = await startServer();
  // The same number of commands through redis-cli (PINGs on its stdin), in turn with ours.
  const redis = await startRedis();
  if (typeof redis === 'string') console.log(`  redis-cli baseline skipped: ${redis}`);
  const pings = join(OUT, 'pings.txt');
  writeFileSync(pings, 'PING\n'.repeat(n));
  const times = [];
  const cpu = [];
  const redisTimes = [];
  const redisCpu = [];
  for (let i = 0; i < 3; i++) {
    const r = await timed(process.execPath, [BIN, 'run', csv, '--target', `127.0.0.1:${server.port}`, '--out', join(OUT, 'builtins-results.csv')]);
    if (r.code !== 0) throw new Error(`tcpcmd run exited ${r.code}`);
    times.push(r.ms);
    cpu.push(r.cpuMs);
    if (typeof redis === 'string') continue;
    const theirs = await redisCli(redis.port, pings);
    redisTimes.push(theirs.ms);
    redisCpu.push(theirs.cpuMs);
  }
  const ms = median(times);
  record('batch', 'rows/s end to end (process start included, median of 3)', (n / ms) * 1000, 'rows/s', undefined, '>= 25,000');
  if (redisTimes.length) record('batch', 'the same, against redis-cli < the same number of PINGs', (n / ms) * 1000, 'rows/s', (n / median(redisTimes)) * 1000, 'ratio >= 1.5');
  // On a busy machine the wall times say more about the neighbours than about us: the CPU each used is steadier.
  record('batch', 'CPU time of `tcpcmd run` (sampled every 50 ms, median of 3)', median(cpu), 'ms');
  if (redisCpu.length) record('batch', 'CPU time of redis-cli for its PINGs (the same)', median(redisCpu), 'ms');
  if (typeof redis !== 'string') redis.stop();
  const startup = await runStartupMs(server.port);
  record('batch', 'start-up: run of a one-row file', startup, 'ms');
  record('batch', 'rows/s once started (end to end minus start-up)', (n / (ms - startup)) * 1000, 'rows/s');
  const bare = [];
  for (let i = 0; i < 7; i++) bare.push((await timed(process.execPath, ['-e', ''])).ms);
  record('batch', "for scale: bare `node -e ''` start-up now", median(bare), 'ms');
  await server.stop();
}

// 2b. A piped session (`tcpcmd connect host < cmds.txt`) against redis-cli reading the same number of PINGs from stdin.
//     Needs redis-server and redis-cli (Debian: apt-get install redis-server redis-tools); skipped with a reason without them.
if (want('piped')) {
  const n = quick ? 5000 : 20000;
  console.log(`2b. ${n.toLocaleString('en-US')} commands piped into \`tcpcmd connect\` vs \`redis-cli\` < ${n.toLocaleString('en-US')} PINGs`);
  const cmds = join(OUT, 'piped.txt');
  const pings = join(OUT, 'pings.txt');
  writeFileSync(cmds, 'echo hi\n'.repeat(n));
  writeFileSync(pings, 'PING\n'.repeat(n));
  const server = await startServer();
  const redis = await startRedis();
  if (typeof redis === 'string') console.log(`  redis-cli baseline skipped: ${redis}`);
  // stdin from the file, output to nowhere: what is measured is the session, not a terminal.
  const ours = [];
  const theirs = [];
  for (let i = 0; i < 3; i++) {
    ours.push(await stdinMs(process.execPath, [BIN, 'connect', `127.0.0.1:${server.port}`], cmds));
    if (typeof redis !== 'string') theirs.push(await redisCliMs(redis.port, pings));
  }
  const rate = (ms) => (n / ms) * 1000;
  record('piped', 'piped session, commands/s end to end (median of 3)', rate(median(ours)), 'cmds/s', theirs.length ? rate(median(theirs)) : undefined, theirs.length ? 'ratio >= 2.0' : undefined);
  if (typeof redis !== 'string') redis.stop();
  await server.stop();
}

/** Wall time of a command reading `file` on its stdin, its output to nowhere (the session is measured, not a terminal). */
async function stdinMs(command, args, file) {
  return (await stdinRun(command, args, file)).ms;
}

/** stdinMs's run: its wall time (`ms`) and the CPU time it used (`cpuMs`). */
async function stdinRun(command, args, file) {
  const fd = openSync(file, 'r');
  try {
    const r = await timed(command, args, { stdio: [fd, 'ignore', 'ignore'] });
    if (r.code !== 0) throw new Error(`${command} ${args.join(' ')} exited ${r.code}`);
    return r;
  } finally {
    closeSync(fd);
  }
}

function redisCliMs(port, file) {
  return redisCli(port, file).then((r) => r.ms);
}

function redisCli(port, file) {
  return stdinRun('redis-cli', ['-h', '127.0.0.1', '-p', String(port)], file);
}

/** Starts redis-server on a free loopback port; resolves with { port, stop }, or a string saying why not. */
async function startRedis() {
  for (const tool of ['redis-server', 'redis-cli']) {
    if (spawnSync(tool, ['--version'], { stdio: 'ignore' }).error) return `${tool} is not installed (apt-get install redis-server redis-tools)`;
  }
  // redis-server cannot be given port 0: take a free one from the kernel, then hand it over.
  const port = await new Promise((resolve) => {
    const probe = net.createServer().listen(0, '127.0.0.1', () => {
      const { port: free } = probe.address();
      probe.close(() => resolve(free));
    });
  });
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  for (let i = 0; i < 100; i++) {
    if (spawnSync('redis-cli', ['-h', '127.0.0.1', '-p', String(port), 'PING'], { encoding: 'utf8' }).stdout?.trim() === 'PONG') {
      return { port, stop: () => child.kill() };
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  child.kill();
  return `redis-server did not answer on port ${port}`;
}

// 3. Shell rows vs spawning the same shell command locally, at the same concurrency. Both end to end:
//    the baseline is timed from outside too, its own Node start-up included, as ours is.
if (want('shell')) {
  const n = 300;
  const tries = quick ? 1 : 3;
  console.log(`3. ${n} \`linux:true\` rows at --concurrency 4 vs local \`sh -c true\`, 4 at a time (median of ${tries})`);
  const csv = join(OUT, 'shell.csv');
  await writeCsv(csv, n, (i) => `true ${i},linux:true\n`);
  const server = await startServer();
  const ours = [];
  const local = [];
  const localStarted = [];
  for (let i = 0; i < tries; i++) {
    const t0 = performance.now();
    localStarted.push((await nodeJson(join(HERE, 'local-spawn.mjs'), [n, 4])).ms);
    local.push(performance.now() - t0);
    const r = await timed(process.execPath, [BIN, 'run', csv, '--target', `127.0.0.1:${server.port}`, '--concurrency', '4', '--unordered', '--out', join(OUT, 'shell-results.csv')]);
    if (r.code !== 0) throw new Error(`tcpcmd run exited ${r.code}`);
    ours.push(r.ms);
  }
  const rate = (ms) => (n / ms) * 1000;
  record('shell', `shell rows/s end to end${tries > 1 ? ` (median of ${tries})` : ''}`, rate(median(ours)), 'rows/s', rate(median(local)), 'ratio >= 0.85');
  const startup = await runStartupMs(server.port);
  record('shell', 'shell rows/s once started (minus a one-row run; baseline: its spawns alone)', rate(median(ours) - startup), 'rows/s', rate(median(localStarted)), 'ratio >= 0.85');
  await server.stop();
}

// 4. One-shot exec vs bare node start-up.
if (want('exec')) {
  const n = quick ? 7 : 21;
  console.log(`4. \`tcpcmd exec host:port hostname\` vs \`node -e ''\` (median of ${n})`);
  const server = await startServer();
  const bare = [];
  const ours = [];
  for (let i = 0; i < n; i++) {
    bare.push((await timed(process.execPath, ['-e', ''])).ms);
    const r = await timed(process.execPath, [BIN, 'exec', `127.0.0.1:${server.port}`, 'hostname']);
    if (r.code !== 0) throw new Error(`exec exited ${r.code}`);
    ours.push(r.ms);
  }
  record('exec', 'exec wall time', median(ours), 'ms', median(bare), 'ratio <= 1.5');
  await server.stop();
}

// 4b. exec streaming: stdout and stdin of random (non-UTF-8) bytes, byte-exact, vs a raw socket pair.
if (want('stream')) {
  const mb = quick ? 20 : 100;
  const n = quick ? 1 : 3;
  console.log(`4b. \`tcpcmd exec\` streaming ${mb} MB of random bytes vs \`cat\` through a raw Node socket pair (median of ${n})`);
  const file = join(OUT, 'stream.bin');
  const out = createWriteStream(file);
  for (let i = 0; i < mb; i++) if (!out.write(randomBytes(1024 * 1024))) await once(out, 'drain');
  out.end();
  await once(out, 'finish');
  const server = await startServer(['--max-output', '0']); // the default 16 MiB cap would stop the run
  const target = `127.0.0.1:${server.port}`;
  const rate = (ms) => mb / (ms / 1000);
  const fromFile = () => ({ stdio: [openSync(file, 'r'), 'ignore', 'ignore'] });
  const runs = { out: [[], []], in: [[], []] };
  for (let i = 0; i < n; i++) {
    runs.out[0].push(rate((await timed(process.execPath, [join(HERE, 'raw-cat.mjs'), 'out', file])).ms));
    const o = await timed(process.execPath, [BIN, 'exec', '-n', target, `linux:cat ${file}`]);
    if (o.code !== 0) throw new Error(`exec (stdout) exited ${o.code}`);
    runs.out[1].push(rate(o.ms));
    const base = fromFile();
    runs.in[0].push(rate((await timed(process.execPath, [join(HERE, 'raw-cat.mjs'), 'in', file], base)).ms));
    closeSync(base.stdio[0]);
    const ours = fromFile();
    const r = await timed(process.execPath, [BIN, 'exec', target, 'linux:cat > /dev/null'], ours);
    closeSync(ours.stdio[0]);
    if (r.code !== 0) throw new Error(`exec (stdin) exited ${r.code}`);
    runs.in[1].push(rate(r.ms));
  }
  record('stream', `exec stdout, ${mb} MB`, median(runs.out[1]), 'MB/s', median(runs.out[0]));
  record('stream', `exec stdin, ${mb} MB`, median(runs.in[1]), 'MB/s', median(runs.in[0]));
  await server.stop();
}

// 5. Memory.
if (want('memory')) {
  console.log('5. memory');
  const n = quick ? 100000 : 1000000;
  const csv = join(OUT, 'million.csv');
  await writeCsv(csv, n, (i) => `r${i},echo ${i}\n`);
  let server = await startServer();
  const r = await timed(process.execPath, [BIN, 'run', csv, '--target', `127.0.0.1:${server.port}`, '--out', join(OUT, 'million-results.csv')]);
  if (r.code !== 0) throw new Error(`tcpcmd run exited ${r.code}`);
  record('memory', `peak RSS of run over ${n.toLocaleString('en-US')} rows`, r.peakMb, 'MB', undefined, '< 200');
  record('memory', `throughput of that run`, (n / r.ms) * 1000, 'rows/s');
  await server.stop();

  const sessions = quick ? 500 : 2000;
  server = await startServer(['--max-sessions', String(sessions + 100)]);
  const before = procKb(server.pid) / 1024;
  const holder = spawn(process.execPath, [join(HERE, 'idle-sessions.mjs'), server.port, sessions], { stdio: ['pipe', 'pipe', 'inherit'] });
  await once(holder.stdout, 'data');
  await new Promise((res) => setTimeout(res, 500));
  record('memory', `server RSS with ${sessions} idle sessions`, procKb(server.pid) / 1024, 'MB', before, '< 200');
  holder.stdin.end();
  await once(holder, 'close');
  await server.stop();

  server = await startServer(['--max-output', '0', '--run-timeout', '600000']);
  const big = await timed(process.execPath, [BIN, 'exec', `127.0.0.1:${server.port}`, "linux:head -c 100000000 /dev/zero | tr '\\0' a"]);
  if (big.code !== 0) throw new Error(`exec exited ${big.code}`);
  record('memory', '100 MB output through exec: client peak RSS', big.peakMb, 'MB', undefined, 'flat');
  record('memory', '100 MB output: server peak RSS', procKb(server.pid, 'VmHWM') / 1024, 'MB', undefined, 'flat');
  record('memory', '100 MB output: throughput', 100 / (big.ms / 1000), 'MB/s');
  await server.stop();
}

// 6. Hostile: a real client's exec while 300 silent reconnecting sockets, 40 deep-JSON senders and
//    100 byte-a-second clients hit a token server from loopback; beside the same client on the idle server.
if (want('hostile')) {
  const n = quick ? 5 : 9;
  const seconds = quick ? 20 : 40;
  console.log(`6. hostile: \`exec hostname\` on a token server, idle and under 300 silent + 40 deep-JSON + 100 trickling clients (median of ${n})`);
  const env = { ...process.env, TCPCMD_TOKEN: 'hostile-bench-token-0123456789abcdef' };
  process.env.TCPCMD_TOKEN = env.TCPCMD_TOKEN; // the server inherits it
  const server = await startServer();
  delete process.env.TCPCMD_TOKEN;
  const execOnce = () => timed(process.execPath, [BIN, 'exec', `127.0.0.1:${server.port}`, 'hostname'], { env });
  const idle = [];
  for (let i = 0; i < n; i++) {
    const r = await execOnce();
    if (r.code !== 0) throw new Error(`exec exited ${r.code}`);
    idle.push(r.ms);
  }
  const attack = nodeJson(join(HERE, 'hostile-clients.mjs'), [server.port, seconds, 300, 40, 100]);
  await new Promise((res) => setTimeout(res, 3000)); // the attack at full strength
  const hit = [];
  let failed = 0;
  for (let i = 0; i < n; i++) {
    const r = await execOnce();
    if (r.code !== 0) failed++;
    hit.push(r.ms);
  }
  const { connections } = await attack;
  // The kernel's high-water mark: the peak over the whole attack, not only while the execs ran.
  const peakKb = procKb(server.pid, 'VmHWM');
  console.log(`  attack: ${connections.silent} silent, ${connections.deep} deep-JSON and ${connections.trickle} trickling connections; ${failed} of ${n} execs failed`);
  record('hostile', 'exec latency under attack (idle server as baseline)', median(hit), 'ms', median(idle), 'ratio <= 3.0');
  record('hostile', 'failed execs under attack', failed, 'runs', undefined, '<= 0');
  record('hostile', 'server RSS under attack (peak over the whole attack)', peakKb / 1024, 'MB', undefined, '< 200');
  await server.stop();
}

// 7. tcpcmd top over a simulated fleet (fleet.mjs: 1,000 servers in one process).
if (want('top')) {
  const n = 1000;
  console.log(`7. tcpcmd top over a simulated fleet of ${n.toLocaleString('en-US')} servers in one process`);
  const fleet = await startFleet(n, join(OUT, `top-fleet-${n}.csv`));
  const onceRuns = [];
  for (let i = 0; i < (quick ? 1 : 3); i++) onceRuns.push(await timed(process.execPath, [BIN, 'top', '--once', '--targets', fleet.csv]));
  record('top', `top --once over ${n.toLocaleString('en-US')} servers, ms end to end${quick ? '' : ' (median of 3)'}`, median(onceRuns.map((r) => r.ms)), 'ms', undefined, '<= 1,500');
  record('top', '  servers down in those tables (exit 1 when any)', onceRuns.filter((r) => r.code !== 0).length, 'runs');

  // The live view, in a terminal (script gives it a pty), polling every second: the CPU it takes, after its first round.
  const rounds = 10;
  const live = spawn('script', ['-qfec', `${process.execPath} ${BIN} top --targets ${fleet.csv} --interval 1`, '/dev/null'], { stdio: ['pipe', 'ignore', 'ignore'] });
  const childOf = (pid) => Number(readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(' ')[0]);
  await new Promise((r) => setTimeout(r, 3000));
  const pid = childOf(live.pid);
  const t0 = performance.now();
  const c0 = procCpuMs(pid);
  await new Promise((r) => setTimeout(r, rounds * 1000));
  const share = (procCpuMs(pid) - c0) / (performance.now() - t0);
  live.stdin.write('q');
  await once(live, 'close');
  record('top', `live top over ${n.toLocaleString('en-US')} servers at --interval 1: CPU, cores (over ${rounds} s)`, share, 'cores', undefined, '< 0.5');

  // The same polling as a time series: when each round started, so whether the interval held.
  const out = join(OUT, 'top-series.jsonl');
  const series = spawn(process.execPath, [BIN, 'top', '--targets', fleet.csv, '--interval', '1', '--format', 'jsonl', '--count', String(rounds)], { stdio: ['ignore', 'pipe', 'ignore'] });
  const file = createWriteStream(out);
  series.stdout.pipe(file);
  await once(series, 'close');
  const starts = [...new Set(readFileSync(out, 'utf8').trim().split('\n').map((l) => Date.parse(JSON.parse(l).time)))];
  const gaps = starts.slice(1).map((t, i) => t - (starts[i] ?? t));
  // The interval is kept when rounds start 1 s apart: a round that overruns it pushes the next one back.
  record('top', `top --format jsonl --interval 1: time between rounds (median of ${gaps.length})`, median(gaps), 'ms', undefined, '<= 1,050');
  record('top', '  longest', Math.max(...gaps), 'ms');
  await fleet.stop();
}

// 8. A simulated fleet (fleet.mjs: N servers in one process): fan-out over N servers, cost by N.
//    The baseline is the least a Node client must do (raw-fan-out.mjs); the fleet shares the machine's cores with the client.
if (want('fleet')) {
  const sizes = quick ? [10, 100, 1000] : [10, 100, 1000, 5000];
  console.log(`8. a simulated fleet of ${sizes.join(' / ')} servers in one process: \`exec --targets\` of hostname vs a bare Node client doing the same, and \`run --targets\` of one row`);
  const oneRow = join(OUT, 'one.csv');
  writeFileSync(oneRow, 'command\nhostname\n');
  for (const n of sizes) {
    const fleet = await startFleet(n, join(OUT, `fleet-${n}.csv`));
    const tries = n >= 5000 ? 1 : 3;
    const [execs, raws, runs, fleetCpu] = [[], [], [], []];
    const ok = (r, what) => {
      if (r.code !== 0) throw new Error(`${what} over ${n} exited ${r.code}`);
      return r;
    };
    for (let i = 0; i < tries; i++) {
      const before = procCpuMs(fleet.pid);
      execs.push(ok(await timed(process.execPath, [BIN, 'exec', '--targets', fleet.csv, 'hostname']), 'exec --targets'));
      fleetCpu.push(procCpuMs(fleet.pid) - before);
      raws.push(ok(await timed(process.execPath, [join(HERE, 'raw-fan-out.mjs'), fleet.csv, 'hostname', '256']), 'raw-fan-out.mjs'));
      runs.push(ok(await timed(process.execPath, [BIN, 'run', oneRow, '--targets', fleet.csv, '--concurrency', '256', '--out', join(OUT, 'fleet-results.csv')]), 'run --targets'));
    }
    const size = n.toLocaleString('en-US');
    const of3 = tries > 1 ? ' (median of 3)' : '';
    const goal = n === 1000 ? '<= 1,000' : n === 5000 ? '<= 4,000' : undefined;
    const ms = median(execs.map((e) => e.ms));
    record('fleet', `exec --targets hostname over ${size} servers, ms end to end${of3}; baseline: a bare Node client`, ms, 'ms', median(raws.map((r) => r.ms)), goal);
    record('fleet', '  per server', ms / n, 'ms');
    record('fleet', '  CPU of exec (user+sys); baseline: of the bare client', median(execs.map((e) => e.cpuMs)), 'ms', median(raws.map((r) => r.cpuMs)));
    record('fleet', '  CPU of the simulated fleet serving it', median(fleetCpu), 'ms');
    record('fleet', `  client peak RSS over ${size} servers`, Math.max(...execs.map((e) => e.peakMb)), 'MB', undefined, n === 1000 ? '< 150' : undefined);
    record('fleet', `  run --targets of one row over ${size} servers`, median(runs.map((r) => r.ms)), 'ms');
    if (n === 1000) {
      // 10 rows on each of 1,000 servers against the same 10,000 rows on one server.
      const ten = join(OUT, 'ten.csv');
      await writeCsv(ten, 10, (i) => `row ${i},hostname\n`);
      const wide = ok(await timed(process.execPath, [BIN, 'run', ten, '--targets', fleet.csv, '--concurrency', '256', '--out', join(OUT, 'fleet-results.csv')]), 'run --targets of 10 rows');
      const tenK = join(OUT, 'tenk.csv');
      await writeCsv(tenK, 10000, (i) => `row ${i},hostname\n`);
      const server = await startServer();
      const narrow = await timed(process.execPath, [BIN, 'run', tenK, '--target', `127.0.0.1:${server.port}`, '--out', join(OUT, 'fleet-results.csv')]);
      await server.stop();
      ok(narrow, 'run of 10,000 rows on one server');
      record('fleet', 'run --targets: 10 rows x 1,000 servers, rows/s; baseline: the same 10,000 rows on one server', 10000 / (wide.ms / 1000), 'rows/s', 10000 / (narrow.ms / 1000));
    }
    await fleet.stop();
  }
}

const result = { date: new Date().toISOString(), node: process.version, cpus: cpus().length, cpu: cpus()[0]?.model, quick, rows };
writeFileSync(join(OUT, 'results.json'), JSON.stringify(result, null, 2));
console.log(`\n${summary()}\nwritten to .bench/results.json`);
