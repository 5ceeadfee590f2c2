import type { Argv, CommandModule } from 'yargs';
import { DEFAULT_HOST, DEFAULT_PORT, ErrorCode, TcpcmdError, parsePort } from '../../protocol/index.js';
import type { TcpcmdServer } from '../../server/index.js';
import { looselyReadable, readPem, readTokenFile } from '../files.js';
import { onInterrupt } from '../interrupts.js';

interface ServeArgs {
  host: string;
  port: number;
  'token-file'?: string;
  'tls-cert'?: string;
  'tls-key'?: string;
  shell: boolean;
  admin: boolean;
  allow: string[];
  deny: string[];
  insecure: boolean;
  'max-sessions'?: number;
  'max-frame'?: number;
  'max-queue'?: number;
  'idle-timeout'?: number;
  'auth-timeout'?: number;
  'run-timeout'?: number;
  'max-output'?: number;
  'log-format': 'text' | 'json';
}

const limitFlags = {
  'max-sessions': 'maxSessions',
  'max-frame': 'maxFrame',
  'max-queue': 'maxQueue',
  'idle-timeout': 'idleTimeoutMs',
  'auth-timeout': 'authTimeoutMs',
  'run-timeout': 'runTimeoutMs',
  'max-output': 'maxOutput',
} as const;

export const serveCommand: CommandModule<object, ServeArgs> = {
  command: 'serve',
  describe: 'Start a server that answers commands',
  builder: (y: Argv) =>
    y
      .option('host', { type: 'string', default: DEFAULT_HOST, describe: 'Address to listen on (0.0.0.0 for every interface: set a token first)' })
      .option('port', { type: 'string', default: String(DEFAULT_PORT), describe: 'Port to listen on; 0 picks a free one' })
      .option('token-file', { type: 'string', describe: 'Require clients to prove this token (default: the TCPCMD_TOKEN variable)' })
      .option('tls-cert', { type: 'string', describe: 'PEM certificate: serve over TLS (with --tls-key)' })
      .option('tls-key', { type: 'string', describe: 'PEM private key for --tls-cert' })
      .option('shell', { type: 'boolean', default: true, describe: 'Allow linux:/dos:/powershell: commands (--no-shell: builtins only)' })
      .option('admin', { type: 'boolean', default: true, describe: 'Allow kill and reset (--no-admin turns them off)' })
      .option('allow', { type: 'string', array: true, default: [], describe: 'Only run command lines matching one of these globs (* and ?)' })
      .option('deny', { type: 'string', array: true, default: [], describe: 'Refuse command lines matching any of these globs' })
      .option('insecure', { type: 'boolean', default: false, describe: 'Accept other machines without a token (protected mode off)' })
      .option('max-sessions', { type: 'number', describe: 'Sessions open at once (default 256)' })
      .option('max-frame', { type: 'number', describe: 'Longest frame in bytes (default 1048576)' })
      .option('max-queue', { type: 'number', describe: 'Runs waiting per session (default 1024)' })
      .option('idle-timeout', { type: 'number', describe: 'Close idle sessions after ms (default 0: never)' })
      .option('auth-timeout', { type: 'number', describe: 'Time to authenticate, ms (default 10000)' })
      .option('run-timeout', { type: 'number', describe: 'Default and maximum run time, ms (default 60000)' })
      .option('max-output', { type: 'number', describe: 'Output cap per run in bytes, 0 for none (default 16 MiB)' })
      .option('log-format', { choices: ['text', 'json'] as const, default: 'text' as const, describe: 'Log lines on stderr for people or machines' })
      .example('$0 serve', 'Listen on 127.0.0.1:10000')
      .example('$0 serve --port 0', 'Pick a free port (the log line says which)')
      .example('TCPCMD_TOKEN=s3cret $0 serve --host 0.0.0.0', 'Serve the network, with token auth') as unknown as Argv<ServeArgs>,
  handler: async (args) => {
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
        port: parsePort(args.port, '--port', true),
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
};
