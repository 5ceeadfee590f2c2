import { DEFAULT_HOST } from '../../protocol/index.js';
import { defineCommand } from '../command.js';
import { CLIENT_FLAGS, connectOptionsFrom } from '../client-options.js';
import { flag } from '../flags.js';
import { onInterrupt } from '../interrupts.js';

export const uiCommand = defineCommand({
  name: 'ui',
  describe: 'The web page: connect, run commands, run CSVs, watch a fleet (docs/ui.md)',
  positionals: {},
  flags: {
    ...CLIENT_FLAGS,
    targets: flag.file('servers.csv (host, port, name, token_env): the list to connect from and the dashboard'),
    host: flag.host('Address the page is served on; any other than 127.0.0.1 prints a warning (the token is then all that guards it)', { default: DEFAULT_HOST }),
    port: flag.int('Port the page is served on; 0 picks a free one', { min: 0, max: 65535, default: 0 }),
    open: flag.boolean('Open the page in the default browser'),
  },
  examples: [
    ['$0 ui', 'Serve the page on 127.0.0.1 and print its URL'],
    ['$0 ui --targets servers.csv --open', 'With a server list and the dashboard, in the default browser'],
  ],
  run: async (args) => {
    const { startUi, isLoopbackBind } = await import('../../ui/index.js');
    const ui = await startUi({
      host: args.host,
      port: args.port,
      ...(args.targets !== undefined ? { targets: args.targets } : {}),
      connectOptions: connectOptionsFrom(args),
    });
    if (!isLoopbackBind(args.host)) {
      process.stderr.write(
        `tcpcmd ui: warning: serving on ${args.host}, not only this machine: whoever reaches it with the URL's token runs commands as you on every server you can reach; prefer the default 127.0.0.1 and an ssh tunnel\n`,
      );
    }
    process.stdout.write(`tcpcmd ui: open ${ui.url}\n(Ctrl+C to stop)\n`);
    if (args.open) openBrowser(ui.url);
    await new Promise<void>((resolve) => {
      // A second Ctrl+C exits at once (onInterrupt).
      const stop = onInterrupt(() => {
        void ui.close().then(() => {
          stop();
          resolve();
        });
      });
    });
  },
});

/** The desktop's own opener; where there is none, the printed URL is enough. */
function openBrowser(url: string): void {
  const [cmd, ...args] = process.platform === 'darwin' ? ['open', url] : process.platform === 'win32' ? ['cmd', '/c', 'start', '""', url] : ['xdg-open', url];
  void import('node:child_process').then(({ spawn }) => {
    const child = spawn(cmd ?? 'xdg-open', args, { stdio: 'ignore', detached: true });
    // No opener (spawn error), or one that found no browser (xdg-open without a desktop exits 3): either way, say so.
    const none = (): boolean => process.stderr.write('tcpcmd ui: no browser to open here; open the URL above\n');
    child.on('error', none);
    child.on('exit', (code) => void (code !== 0 && code !== null && none()));
    child.unref();
  });
}
