// Clients nobody on this project wrote, as people use them: the original project's Python client, nc and socat in pipes.
import { execFileSync, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { connect } from '../../src/client/index.js';
import { onCleanup, startServer } from '../helpers/servers.js';

const CLIENTS = fileURLToPath(new URL('./clients/', import.meta.url));

function has(tool: string, ...args: string[]): boolean {
  try {
    execFileSync(tool, args, { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const missing = [
  ...(has('python3', '--version') ? [] : ['python3']),
  ...(has('socat', '-V') ? [] : ['socat']),
  ...(has('nc', '-h') ? [] : ['nc (netcat-openbsd)']),
];
// CI installs them (.ci/run) and must never skip; elsewhere say what is missing.
const skip = missing.length > 0 && !process.env.CI;
if (skip) console.warn(`real-client tests skipped: ${missing.join(', ')} not installed (apt-get install -y python3 socat netcat-openbsd)`);

interface Ran { code: number | null; stdout: string; stderr: string }

/** Runs a program to its end with `input` on stdin and EOF after it; killed after `ms`. */
function runTool(file: string, args: string[], input = '', ms = 20_000): Promise<Ran> {
  const child = spawn(file, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  onCleanup(() => void child.kill('SIGKILL'));
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  child.stdin.on('error', () => {});
  child.stdin.end(input);
  const timer = setTimeout(() => child.kill('SIGKILL'), ms);
  return new Promise((resolve) => child.on('close', (code) => {
    clearTimeout(timer);
    resolve({ code, stdout, stderr });
  }));
}

/** The original client's answers, one per command, from its `<<<…>>>` markers. */
function answers(stdout: string): string[] {
  return [...stdout.matchAll(/<<<([\s\S]*?)>>>/g)].map((m) => m[1] as string);
}

describe.skipIf(skip)('real clients', () => {
  it('the original client: one command per packet, no newline, one recv(1024) per answer', async () => {
    const { port } = await startServer();
    const commands = ['os', 'cpu', 'ram', 'hostname', 'name', 'ip', 'python --version', 'ping 127.0.0.1', 'Linux:echo hi', 'linux:true', 'linux:printf abc', 'linux:exit 3', 'nope', 'disconnect'];
    const ran = await runTool('python3', [`${CLIENTS}original-client.py`, String(port), ...commands], '', 30_000);
    expect(ran.stderr).toBe('');
    expect(ran.code).toBe(0);
    const got = answers(ran.stdout);
    expect(got).toHaveLength(commands.length);
    const [os, cpu, ram, hostname, name, ip, python, ping, echo, ok, printf, exit3, nope, bye] = got as string[];
    expect(os).toMatch(/^type: /);
    expect(cpu).toMatch(/^usage: /m);
    expect(ram).toMatch(/^total: /);
    expect(hostname).toMatch(/^\S+\n$/);
    expect(name).toBe(hostname);
    expect(ip).toMatch(/127\.0\.0\.1/);
    expect(python).toMatch(/^Python \d/);
    // ping prints over seconds; the whole answer still comes in one recv.
    expect(ping).toMatch(/^PING[\s\S]*packet loss[\s\S]*\n$/);
    expect(echo).toBe('hi\n');
    expect(ok).toBe('[exit 0]\n');
    expect(printf).toBe('abc\n');
    expect(exit3).toBe('[exit 3]\n');
    expect(nope).toMatch(/^\[error UNKNOWN_COMMAND\] unknown command "nope"/);
    expect(bye).toMatch(/^bye/);
  });

  it('the original client: reset and kill are answered before the server acts', async () => {
    const { server, port } = await startServer();
    const closed = new Promise((resolve) => server.once('close', resolve));
    const reset = await runTool('python3', [`${CLIENTS}original-client.py`, String(port), 'reset']);
    expect(answers(reset.stdout)).toEqual([expect.stringMatching(/^resetting/)]);
    const kill = await runTool('python3', [`${CLIENTS}original-client.py`, String(port), 'kill']);
    expect(answers(kill.stdout)).toEqual([expect.stringMatching(/^stopping the server/)]);
    await closed;
  });

  it('a Python client that half-closes gets every answer, then the server closes', async () => {
    const { port } = await startServer();
    const ran = await runTool('python3', [`${CLIENTS}half-close.py`, String(port)], 'hostname\nlinux:printf abc\nlinux:true\nlinux:exit 3\necho last');
    expect(ran.code).toBe(0);
    expect(ran.stdout).toMatch(/^\S+\nabc\n\[exit 0\]\n\[exit 3\]\nlast\n$/);
  });

  it('nc in a pipe: answers every line, then EOF ends the session', async () => {
    const { port } = await startServer();
    // Debian's netcat-openbsd shuts its sending side on stdin's EOF only with -N.
    const ran = await runTool('nc', ['-N', '127.0.0.1', String(port)], 'os\nlinux:exit 4\n');
    expect(ran.code).toBe(0);
    expect(ran.stdout).toMatch(/^type: [\s\S]*\n\[exit 4\]\n$/);
  });

  /** A server with its one session taken, and what it tells the next client. */
  async function fullServer(): Promise<{ port: number; message: string }> {
    const { port, target } = await startServer({ limits: { maxSessions: 1 } });
    const holder = await connect(target);
    onCleanup(() => holder.close());
    return { port, message: 'the server already has 1 sessions open; try again later' };
  }

  it('refused before the handshake (--max-sessions full): nc, a Python socket and the original client are told in a plain-text line', async () => {
    const { port, message } = await fullServer();
    const nc = await runTool('nc', ['-N', '127.0.0.1', String(port)], 'os\n');
    expect(nc.stdout).toBe(`[error TOO_MANY_SESSIONS] ${message}\n`);
    const python = await runTool('python3', [`${CLIENTS}half-close.py`, String(port)], 'hostname\n');
    expect(python.stdout).toBe(`[error TOO_MANY_SESSIONS] ${message}\n`);
    const original = await runTool('python3', [`${CLIENTS}original-client.py`, String(port), 'os']);
    expect(answers(original.stdout)).toEqual([`[error TOO_MANY_SESSIONS] ${message}\n`]);
  });

  it('refused before the handshake (--max-sessions full): a client that sends hello, or nothing, is told in a JSON frame', async () => {
    const { port, message } = await fullServer();
    const frame = { type: 'error', code: 'TOO_MANY_SESSIONS', message, fatal: true };
    const hello = await runTool('python3', [`${CLIENTS}half-close.py`, String(port)], '{"type":"hello","protocol":1}\n');
    expect(JSON.parse(hello.stdout)).toEqual(frame);
    const silent = await runTool('python3', [`${CLIENTS}half-close.py`, String(port)], '');
    expect(JSON.parse(silent.stdout)).toEqual(frame);
  });

  it('socat in a pipe: answers in order, a last line without newline counts', async () => {
    const { port } = await startServer();
    const ran = await runTool('socat', ['-', `TCP:127.0.0.1:${port}`], 'os\ncpu\nlinux:printf x\nhostname');
    expect(ran.code).toBe(0);
    expect(ran.stdout).toMatch(/^type: [\s\S]*\nusage: [\s\S]*\nx\n\S+\n$/);
  });
});
