// Shared helpers for the benchmarks: start processes, read their memory, time things.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const BIN = fileURLToPath(new URL('../../bin/tcpcmd.js', import.meta.url));
export const HERE = fileURLToPath(new URL('./', import.meta.url));

/** Kilobytes of a /proc status field (VmRSS now, VmHWM peak) of a live process; 0 once it is gone. */
export function procKb(pid, field = 'VmRSS') {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

/** CPU time (user + system) a live process has used, in ms; 0 once it is gone. */
export function procCpuMs(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10; // clock ticks, 100 a second
  } catch {
    return 0;
  }
}

/**
 * Polls a process's peak RSS (VmHWM) and CPU time until it exits; resolves
 * with { peakMb, cpuMs } — the CPU time as last seen, up to 50 ms short.
 */
export function watchProcess(child) {
  let peak = 0;
  let cpu = 0;
  const timer = setInterval(() => {
    peak = Math.max(peak, procKb(child.pid, 'VmHWM'));
    cpu = Math.max(cpu, procCpuMs(child.pid));
  }, 50);
  return new Promise((resolve) => child.on('close', () => {
    clearInterval(timer);
    resolve({ peakMb: peak / 1024, cpuMs: cpu });
  }));
}

/** Starts `tcpcmd serve --port 0 ...args`; resolves with its port and a stop function. */
export async function startServer(args = []) {
  const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--log-format', 'json', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  const port = await new Promise((resolve, reject) => {
    child.stderr.setEncoding('utf8').on('data', (d) => {
      log += d;
      const m = /"address":"[^"]*:(\d+)"/.exec(log);
      if (m) resolve(Number(m[1]));
    });
    child.on('close', (code) => reject(new Error(`server exited ${code}: ${log}`)));
  });
  // Drop the per-run log lines: we measure the server, not the pipe to a reader.
  child.stderr.removeAllListeners('data');
  child.stderr.resume();
  return {
    port,
    pid: child.pid,
    stop: () => new Promise((resolve) => {
      child.once('close', resolve);
      child.kill('SIGKILL');
    }),
  };
}

/** Runs a node script to the end; resolves with stdout parsed as JSON (the script's figures). */
export function nodeJson(script, args = [], options = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'pipe', 'inherit'], ...options });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d) => (out += d));
    child.on('close', (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`${script} exited ${code}`))));
  });
}

/** Runs a command to the end; resolves with { code, ms, peakMb, cpuMs }. */
export function timed(file, args, options = {}) {
  const start = process.hrtime.bigint();
  const child = spawn(file, args, { stdio: ['ignore', 'ignore', 'ignore'], ...options });
  const watched = watchProcess(child);
  return new Promise((resolve) => child.on('close', async (code) => {
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    resolve({ code, ms, ...(await watched) });
  }));
}

export function median(values) {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/**
 * Starts the simulated fleet (fleet.mjs): n servers in one process, listed in the servers.csv
 * at csvPath. Resolves once they all listen, with the process's pid and a stop function.
 */
export async function startFleet(n, csvPath, args = []) {
  const child = spawn(process.execPath, [join(HERE, 'fleet.mjs'), String(n), '--out', csvPath, ...args], { stdio: ['pipe', 'ignore', 'pipe'] });
  let log = '';
  await new Promise((resolve, reject) => {
    child.stderr.setEncoding('utf8').on('data', (d) => {
      log += d;
      if (/^ready \d+$/m.test(log)) resolve();
    });
    child.on('close', (code) => reject(new Error(`fleet exited ${code}: ${log}`)));
  });
  return {
    pid: child.pid,
    csv: csvPath,
    stop: () => new Promise((resolve) => {
      child.once('close', resolve);
      child.stdin.end();
    }),
  };
}

/**
 * A goal as the benches write it — `ratio >= 0.60`, `>= 25,000`, `< 200`,
 * `ratio <= 1.5` — judged against a figure: '✓' met, '✗' missed, '' when the
 * goal is words only (`flat`) or there is no ratio to judge.
 */
export function verdict(goal, value, ratio) {
  const m = /^\s*(ratio\s+)?(>=|<=|<|>)\s*([\d,.]+)\s*$/.exec(goal ?? '');
  if (!m) return '';
  const figure = m[1] ? ratio : value;
  if (figure === undefined || !Number.isFinite(figure)) return '';
  const limit = Number(m[3].replace(/,/g, ''));
  const met = { '>=': figure >= limit, '<=': figure <= limit, '<': figure < limit, '>': figure > limit }[m[2]];
  return met ? '✓' : '✗';
}

/**
 * The benches' one way to report a figure: `record(scenario, figure, value,
 * unit, baseline?, goal?)` prints it with its ratio to the baseline and a
 * ✓/✗ verdict against its goal, and keeps it in `rows` for results.json.
 * `summary()` is the closing line; quick runs say their figures are
 * indicative only. A missed goal never fails the run: it is a figure to read.
 */
export function recorder({ quick = false } = {}) {
  const rows = [];
  const fmt = (v) => (v >= 100 ? Math.round(v).toLocaleString('en-US') : v.toFixed(2));
  const record = (scenario, figure, value, unit, baseline, goal) => {
    const ratio = baseline === undefined ? undefined : value / baseline;
    const judged = verdict(goal, value, ratio);
    rows.push({ scenario, figure, value, unit, baseline, ratio, goal, ...(judged ? { met: judged === '✓' } : {}) });
    const r = ratio === undefined ? '' : `  ratio ${ratio.toFixed(2)}`;
    console.log(`  ${figure}: ${fmt(value)} ${unit}${baseline === undefined ? '' : ` (baseline ${fmt(baseline)})`}${r}${goal ? `  goal ${goal}${judged ? ` ${judged}` : ''}` : ''}`);
  };
  const summary = () => {
    const judged = rows.filter((r) => r.met !== undefined);
    const missed = judged.filter((r) => !r.met);
    const line = `goals: ${judged.length - missed.length} of ${judged.length} met${missed.length ? ` (missed: ${missed.map((r) => r.figure).join('; ')})` : ''}`;
    return quick ? `${line}\n--quick: smaller runs, so these figures are indicative only; the goals are for a full \`npm run bench\`` : line;
  };
  return { rows, record, fmt, summary };
}
