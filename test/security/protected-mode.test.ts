import { execFileSync, spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isLoopback } from '../../src/server/peer.js';
import { BIN, runCli, startCliServer, type CliResult } from '../helpers/cli.js';
import { onCleanup } from '../helpers/servers.js';
import { jsonLines, logMatching, startJsonLogServer } from './helpers/logs.js';

const IP = '/usr/sbin/ip';
const TOKEN = 'protected-mode-test-token-0123456789';

/**
 * A private /30 between two ends this test creates and nothing else: the host
 * end of a veth pair (10.213.N.1) and its peer inside a network namespace
 * (10.213.N.2). Traffic goes only between them; all of it is removed after.
 * N and the names come from the pid, so two suites running at once on one
 * machine do not claim the same addresses.
 */
const net = `10.213.${(process.pid % 250) + 1}`;
const HOST_ADDRESS = `${net}.1`;
const PEER_ADDRESS = `${net}.2`;
const PEER_RE = PEER_ADDRESS.replaceAll('.', '\\.');
const tag = String(process.pid % 100_000);
const NS = `tcpcmd-t${tag}`;
const VETH_HOST = `tcv${tag}h`;
const VETH_PEER = `tcv${tag}n`;

function ip(...args: string[]): void {
  execFileSync(IP, args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

function teardown(): void {
  for (const args of [['netns', 'del', NS], ['link', 'del', VETH_HOST]]) {
    try {
      ip(...args);
    } catch {
      // already gone (deleting the namespace removes both ends of the pair)
    }
  }
}

/** Why the namespace could not be made, or undefined when it is up. */
let unavailable: string | undefined;

beforeAll(() => {
  if (process.platform !== 'linux') {
    unavailable = 'network namespaces need Linux';
    return;
  }
  try {
    ip('netns', 'add', NS);
    ip('link', 'add', VETH_HOST, 'type', 'veth', 'peer', 'name', VETH_PEER);
    ip('link', 'set', VETH_PEER, 'netns', NS);
    ip('addr', 'add', `${HOST_ADDRESS}/30`, 'dev', VETH_HOST);
    ip('link', 'set', VETH_HOST, 'up');
    ip('netns', 'exec', NS, IP, 'addr', 'add', `${PEER_ADDRESS}/30`, 'dev', VETH_PEER);
    ip('netns', 'exec', NS, IP, 'link', 'set', VETH_PEER, 'up');
    ip('netns', 'exec', NS, IP, 'link', 'set', 'lo', 'up');
  } catch (err) {
    unavailable = `cannot make a network namespace here (${((err as { stderr?: Buffer }).stderr?.toString() || (err as Error).message).trim()}); needs root or CAP_NET_ADMIN and ${IP}`;
    teardown();
  }
});

afterAll(teardown);

/** `tcpcmd ...args` run from inside the namespace: a peer on another machine, as far as the server can tell. */
function runFromPeer(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  return runInPeer([process.execPath, BIN, ...args], env);
}

/** A Python socket as nc or the original client would use it: a plain-text command, then everything it gets until the server closes. */
const PLAIN_CLIENT = [
  'import socket, sys',
  's = socket.create_connection((sys.argv[1], int(sys.argv[2])))',
  's.sendall(b"os\\n")',
  'while True:',
  '    data = s.recv(65536)',
  '    if not data: break',
  '    sys.stdout.buffer.write(data)',
].join('\n');

function runInPeer(command: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  const child = spawn(IP, ['netns', 'exec', NS, ...command], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  onCleanup(() => void child.kill('SIGKILL'));
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  return new Promise((resolve) => child.on('close', (code, signal) => {
    clearTimeout(timer);
    resolve({ code, signal, stdout, stderr });
  }));
}

describe('protected mode', () => {
  it('knows loopback addresses in every spelling', () => {
    for (const a of ['127.0.0.1', '127.255.0.9', '::1', '::ffff:127.0.0.1']) expect(isLoopback(a)).toBe(true);
    for (const a of ['10.213.7.2', '::ffff:10.213.7.2', '0.0.0.0', '::', 'fe80::1', '128.0.0.1', '', undefined]) expect(isLoopback(a)).toBe(false);
  });

  it('says loudly at start that it is on, and how to set a token; --insecure warns that it is off', async () => {
    const guarded = await startCliServer(['--host', '0.0.0.0']);
    await logMatching(guarded, /NOTICE: protected mode is on: no token is set, so only clients on this machine \(loopback\) are accepted .*set a token \(e\.g\. TCPCMD_TOKEN=\$\(openssl rand -hex 32\), or --token-file FILE\)/);
    const local = await runCli(['exec', `127.0.0.1:${guarded.port}`, 'echo', 'local']);
    expect(local).toMatchObject({ code: 0, stdout: 'local\n' });
    const open = await startCliServer(['--host', '127.0.0.1', '--insecure']);
    await logMatching(open, /WARNING: --insecure: protected mode is OFF and no token is set — anyone who can reach .* can run commands on this machine/);
  });

  it('refuses a peer from another machine without a token, and says how to fix it (network namespace)', async (ctx) => {
    if (unavailable) {
      console.warn(`skipped: ${unavailable}`);
      ctx.skip();
    }
    const guarded = await startCliServer(['--host', HOST_ADDRESS]);
    await logMatching(guarded, /protected mode is on/);
    const refused = await runFromPeer(['exec', `${HOST_ADDRESS}:${guarded.port}`, 'linux:id']);
    expect(refused.code).toBe(255);
    expect(refused.stderr.trim().split('\n')).toHaveLength(1);
    expect(refused.stderr).toMatch(/only accepts connections from its own machine.*restart it with a token \(TCPCMD_TOKEN or --token-file\).*\(PROTECTED_MODE\)$/m);
    await logMatching(guarded, new RegExp(`${PEER_ADDRESS.replace(/\./g, '\\.')}:\\d+ refused PROTECTED_MODE`));
    expect(guarded.log()).not.toMatch(/run "linux:id"/);
    // A plain-text client is told in plain text, not in a JSON frame.
    const plain = await runInPeer(['python3', '-c', PLAIN_CLIENT, HOST_ADDRESS, String(guarded.port)]);
    expect(plain.stdout).toMatch(/^\[error PROTECTED_MODE\] this server has no token, so it only accepts connections from its own machine\..*--insecure\n$/);

    const withToken = await startCliServer(['--host', HOST_ADDRESS], { TCPCMD_TOKEN: TOKEN });
    const noToken = await runFromPeer(['exec', `${HOST_ADDRESS}:${withToken.port}`, 'hostname'], { TCPCMD_TOKEN: '' });
    expect(noToken.code).toBe(255);
    expect(noToken.stderr).toContain('AUTH_REQUIRED');
    const proved = await runFromPeer(['exec', `${HOST_ADDRESS}:${withToken.port}`, 'info'], { TCPCMD_TOKEN: TOKEN });
    expect(proved.code).toBe(0);
    expect(proved.stdout).toContain(PEER_ADDRESS);
    await logMatching(withToken, new RegExp(`${PEER_ADDRESS.replace(/\./g, '\\.')}:\\d+ session \\w+ authenticated`));

    const insecure = await startCliServer(['--host', HOST_ADDRESS, '--insecure']);
    await logMatching(insecure, /WARNING: --insecure/);
    const letIn = await runFromPeer(['exec', `${HOST_ADDRESS}:${insecure.port}`, 'echo', 'in']);
    expect(letIn).toMatchObject({ code: 0, stdout: 'in\n' });
  });

  it('shuts out an address that keeps failing auth, while loopback clients go on (network namespace)', async (ctx) => {
    if (unavailable) {
      console.warn(`skipped: ${unavailable}`);
      ctx.skip();
    }
    const server = await startCliServer(['--host', '0.0.0.0'], { TCPCMD_TOKEN: TOKEN });
    const target = `${HOST_ADDRESS}:${server.port}`;
    for (let i = 0; i < 5; i++) {
      const wrong = await runFromPeer(['exec', target, 'hostname'], { TCPCMD_TOKEN: `guess-${i}` });
      expect(wrong.stderr).toContain('AUTH_FAILED');
    }
    const shutOut = await runFromPeer(['exec', target, 'hostname'], { TCPCMD_TOKEN: TOKEN });
    expect(shutOut.code).toBe(255);
    expect(shutOut.stderr).toMatch(new RegExp(`too many failed authentications from ${PEER_RE}: try again in \\d+ s.*\\(AUTH_FAILED\\)$`, 'm'));
    await logMatching(server, new RegExp(`${PEER_RE}:\\d+ refused AUTH_FAILED: too many failed authentications`));
    const local = await runCli(['exec', `127.0.0.1:${server.port}`, 'echo', 'local'], { env: { TCPCMD_TOKEN: TOKEN } });
    expect(local).toMatchObject({ code: 0, stdout: 'local\n' });
  });

  it('failure 6: 40 wrong proofs sent together count against the same budget: at most 5 are checked, the shut-out grows a step, the log counts (network namespace)', async (ctx) => {
    if (unavailable) {
      console.warn(`skipped: ${unavailable}`);
      ctx.skip();
    }
    const server = await startJsonLogServer(['--host', '0.0.0.0'], { TCPCMD_TOKEN: TOKEN });
    // 40 connections from the peer: each says hello, then all send a wrong proof at once.
    const burst = `
      const net = require('node:net');
      const answers = [];
      let helloed = 0;
      const sockets = Array.from({ length: 40 }, () => {
        const s = net.connect({ host: '${HOST_ADDRESS}', port: ${server.port} });
        let buf = '';
        s.on('data', (d) => {
          buf += d;
          for (let nl = buf.indexOf('\\n'); nl !== -1; nl = buf.indexOf('\\n')) {
            const f = JSON.parse(buf.slice(0, nl));
            buf = buf.slice(nl + 1);
            if (f.type === 'hello' && ++helloed === 40) for (const t of sockets) t.write(JSON.stringify({ type: 'auth', hmac: '0'.repeat(64) }) + '\\n');
            if (f.type === 'error' && answers.push(f.message) === 40) {
              console.log(JSON.stringify(answers));
              process.exit(0);
            }
          }
        });
        s.on('connect', () => s.write('{"type":"hello","protocol":1}\\n'));
        s.on('error', () => {});
        return s;
      });
      setTimeout(() => { console.log(JSON.stringify(answers)); process.exit(0); }, 12000);
    `;
    const child = spawn(IP, ['netns', 'exec', NS, process.execPath, '-e', burst], { stdio: ['ignore', 'pipe', 'inherit'] });
    onCleanup(() => void child.kill('SIGKILL'));
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    await new Promise((resolve) => child.on('close', resolve));
    const answers = JSON.parse(out) as string[];
    expect(answers).toHaveLength(40);
    const wrong = answers.filter((m) => /the token is wrong/.test(m));
    const shutOut = answers.filter((m) => /too many failed authentications/.test(m));
    expect(wrong).toHaveLength(5);
    expect(shutOut).toHaveLength(35);
    // A step, not a jump to the maximum.
    for (const m of shutOut) expect(Number(/try again in (\d+) s/.exec(m)?.[1])).toBeLessThanOrEqual(30);
    server.child.kill('SIGTERM');
    await server.exited;
    const lines = jsonLines(server.log());
    const checked = lines.filter((l) => l.event === 'auth-failed').length + lines.filter((l) => l.event === 'repeated' && l.what === 'auth-failed').reduce((n, l) => n + l.count, 0);
    expect(checked).toBe(5);
    // 40 failed handshakes are a handful of lines, not 40.
    expect(lines.filter((l) => l.address === PEER_ADDRESS || String(l.peer).startsWith(`${PEER_ADDRESS}:`)).length).toBeLessThan(10);
  });
});
