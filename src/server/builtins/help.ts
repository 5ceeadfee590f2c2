import type { Command } from '../command.js';
import { badArguments, print } from './arguments.js';
import { formatColumns, formatKeyValues } from './format.js';

export const help: Command = {
  name: 'help',
  usage: 'help [command]',
  summary: 'list every command, or describe one',
  async run(ctx) {
    const commands = ctx.server.commands();
    if (ctx.argv.length > 1) return badArguments(`help: expected at most one command name, got "${ctx.args}"`);
    const wanted = ctx.argv[0];
    if (wanted === undefined) {
      const rows = commands.map((command) => [command.usage, command.summary + aliasNote(command)]);
      return print(ctx, formatColumns(rows) + 'Names are case-insensitive; "help <command>" describes one.\n');
    }
    // Accept `help LINUX:` as well as `help linux`.
    const name = wanted.toLowerCase().replace(/:$/, '');
    const command = commands.find((c) => c.name === name || (c.aliases ?? []).includes(name));
    if (command === undefined) return badArguments(`help: no command named "${wanted}"; type help for the list`);
    const rows: Array<[string, string]> = [['usage', command.usage], ['summary', command.summary]];
    if (command.aliases?.length) rows.push(['aliases', command.aliases.join(', ')]);
    if (command.shell) rows.push(['note', 'a shell command: the server can turn these off (--no-shell)']);
    if (command.admin) rows.push(['note', 'an admin command: the server can turn these off (--no-admin)']);
    return print(ctx, formatKeyValues(rows));
  },
};

function aliasNote(command: Command): string {
  return command.aliases?.length ? ` (also: ${command.aliases.join(', ')})` : '';
}
