import type { Argv, CommandModule } from 'yargs';
import { DEFAULT_HOST, parsePort } from '../../protocol/index.js';
import { connectOptionsFrom, withClientFlags, type ClientFlags, type FlagSpec } from '../client-options.js';
import { onInterrupt } from '../interrupts.js';

export interface UiArgs extends ClientFlags {
  targets?: string;
  host: string;
  port: string;
  open?: boolean;
}

/** ui's own flags (the client flags come on top). */
export const UI_FLAGS: Record<Exclude<keyof UiArgs, keyof ClientFlags>, FlagSpec> = {
  targets: { type: 'string', describe: 'servers.csv (host, port, name, token_env): the list to connect from and the dashboard' },
  host: { type: 'string', default: DEFAULT_HOST, describe: 'Address the page is served on; any other than 127.0.0.1 prints a warning (the token is then all that guards it)' },
  port: { type: 'string', default: '0', describe: 'Port the page is served on; 0 picks a free one' },
  open: { type: 'boolean', describe: 'Open the page in the default browser' },
};

export const uiCommand: CommandModule<object, UiArgs> = {
  command: 'ui',
  describe: 'The web page: connect, run commands, run CSVs, watch a fleet (docs/ui.md)',
  builder: (y: Argv) =>
    withClientFlags(y.options(UI_FLAGS))
      .example('$0 ui', 'Serve the page on 127.0.0.1 and print its URL')
      .example('$0 ui --targets servers.csv --open', 'With a server list and the dashboard, in the default browser') as unknown as Argv<UiArgs>,
  handler: async (args) => {
    const { startUi, isLoopbackBind } = await import('../../ui/index.js');
    const port = parsePort(args.port, '--port', true);
    const ui = await startUi({
      host: args.host,
      port,
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
};

/** The desktop's own opener; where there is none, the printed URL is enough. */
function openBrowser(url: string): void {
  const [cmd, ...args] = process.platform === 'darwin' ? ['open', url] : process.platform === 'win32' ? ['cmd', '/c', 'start', '""', url] : ['xdg-open', url];
  void import('node:child_process').then(({ spawn }) => {
    const child = spawn(cmd ?? 'xdg-open', args, { stdio: 'ignore', detached: true });
    child.on('error', () => process.stderr.write('tcpcmd ui: no browser to open here; open the URL above\n'));
    child.unref();
  });
}
