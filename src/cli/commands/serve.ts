import { DEFAULT_HOST, DEFAULT_PORT, ErrorCode, TcpcmdError } from '../../protocol/index.js';
import { MIN_FRAME } from '../../server/limits.js';
import type { TcpcmdServer } from '../../server/index.js';
import { defineCommand } from '../command.js';
import { looselyReadable, readPem, readTokenFile } from '../files.js';
import { flag } from '../flags.js';
import { onInterrupt } from '../interrupts.js';

const limitFlags = {
  'max-sessions': 'maxSessions',
  'max-startups': 'maxStartups',
  'max-per-address': 'maxPerAddress',
  'max-frame': 'maxFrame',
  'max-queue': 'maxQueue',
  'idle-timeout': 'idleTimeoutMs',
  'auth-timeout': 'authTimeoutMs',
  'run-timeout': 'runTimeoutMs',
  'max-output': 'maxOutput',
} as const;

export const serveCommand = defineCommand({
  name: 'serve',
  describe: 'Start a server that answers commands',
  positionals: {},
  flags: {
    host: flag.host('Address to listen on (0.0.0.0 for every interface: set a token first)', { default: DEFAULT_HOST }),
    port: flag.int('Port to listen on; 0 picks a free one', { min: 0, max: 65535, default: DEFAULT_PORT }),
    'token-file': flag.file('Require clients to prove this token (default: the TCPCMD_TOKEN variable)'),
    'tls-cert': flag.file('PEM certificate: serve over TLS (with --tls-key)'),
    'tls-key': flag.file('PEM private key for --tls-cert'),
    shell: flag.boolean('Allow linux:/dos:/powershell: commands (--no-shell: builtins only)', { default: true }),
    admin: flag.boolean('Allow kill and reset (--no-admin turns them off)', { default: true }),
    allow: flag.list('Only run command lines matching one of these globs (* and ?); give it once per glob'),
    deny: flag.list('Refuse command lines matching any of these globs; give it once per glob'),
    insecure: flag.boolean('Accept other machines without a token (protected mode off)', { default: false }),
    'max-sessions': flag.int('Sessions open at once (default 256)', { min: 1 }),
    'max-startups': flag.int('Connections still in the handshake at once (default 128)', { min: 1 }),
    'max-per-address': flag.int('Of those, from one address, loopback included (default 64)', { min: 1 }),
    'max-frame': flag.int('Longest frame in bytes (default 1048576)', { min: MIN_FRAME }),
    'max-queue': flag.int('Runs waiting per session (default 1024)', { min: 1 }),
    'idle-timeout': flag.ms('Close idle sessions after ms (default 0: never)', { zero: 'never' }),
    'auth-timeout': flag.ms('Time to authenticate, ms (default 10000)', { zero: 'no limit' }),
    'run-timeout': flag.ms('Default and maximum run time, ms (default 60000)'),
    'max-output': flag.int('Output cap per run in bytes, 0 for none (default 16 MiB)', { min: 0, zero: 'no cap' }),
    'log-format': flag.choice('Log lines on stderr for people or machines', ['text', 'json'], { default: 'text' }),
  },
  examples: [
    ['$0 serve', 'Listen on 127.0.0.1:10000'],
    ['$0 serve --port 0', 'Pick a free port (the log line says which)'],
    ['TCPCMD_TOKEN=s3cret $0 serve --host 0.0.0.0', 'Serve the network, with token auth'],
  ],
  run: async (args) => {
    const { serve, streamLogger, validateLimits, DEFAULT_LIMITS, killAllProcesses } = await import('../../server/index.js');
    const token = args['token-file'] ? readTokenFile(args['token-file']) : process.env.TCPCMD_TOKEN || undefined;
    // The commands the server runs inherit its environment: they must not see the token.
    delete process.env.TCPCMD_TOKEN;
    if (Boolean(args['tls-cert']) !== Boolean(args['tls-key'])) throw new TcpcmdError(ErrorCode.USAGE, '--tls-cert and --tls-key go together');
    const limits: Record<string, number> = {};
    for (const [flag, key] of Object.entries(limitFlags)) {
      const value = args[flag as keyof typeof limitFlags];
      if (value !== undefined) limits[key] = value;
    }
    const flagOf = Object.fromEntries(Object.entries(limitFlags).map(([flag, key]) => [key, `--${flag}`])) as Record<string, string>;
    validateLimits({ ...DEFAULT_LIMITS, ...limits }, (key) => flagOf[key] ?? key);
    const logger = streamLogger(process.stderr, args['log-format']);
    for (const [flag, path] of [['--token-file', args['token-file']], ['--tls-key', args['tls-key']]] as const) {
      const mode = path ? looselyReadable(path) : undefined;
      if (path && mode) logger.log({ event: 'warning', message: `${flag} ${path} can be read by other users (mode ${mode}): restrict it with chmod 600 ${path}` });
    }
    if (token && !args['token-file']) {
      // Deleting the variable spares the commands' environments, not the one this process started with.
      logger.log({
        event: 'notice',
        message: `the token came from TCPCMD_TOKEN: the commands this server runs do not inherit it, but a shell command running as the same user can still read it from /proc/${process.pid}/environ, the environment this server started with. To keep it from them, give it with --token-file FILE (chmod 600) instead`,
      });
    }
    logger.flush?.(); // before any fatal error below, which is written at once
    // Runs live in process groups of their own: if this process must exit at once, take them along.
    process.once('exit', () => {
      killAllProcesses();
      logger.flush?.(); // the last lines are the ones that say why
    });
    // Signals are handled from before the "listening" line: a supervisor may stop us as soon as it sees it.
    let server: TcpcmdServer | undefined;
    let early: NodeJS.Signals | undefined;
    const stopHandlers = onInterrupt((signal) => (server ? void server.close(signal) : (early = signal)));
    try {
      server = await serve({
        host: args.host,
        port: args.port,
        ...(token ? { token } : {}),
        ...(args['tls-cert'] && args['tls-key'] ? { tls: { cert: readPem(args['tls-cert'], '--tls-cert'), key: readPem(args['tls-key'], '--tls-key') } } : {}),
        insecure: args.insecure,
        policy: { shell: args.shell, admin: args.admin, allow: args.allow, deny: args.deny },
        limits,
        logger,
      });
      const running = server;
      const closed = new Promise<void>((resolve) => running.once('close', resolve));
      if (early) void running.close(early);
      await closed;
      // Stopped by a failure (a reset that could not re-open the port), not on request: exit non-zero.
      if (running.failure) throw running.failure;
    } finally {
      stopHandlers();
    }
  },
});
