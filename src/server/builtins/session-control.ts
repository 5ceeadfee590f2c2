import type { Command, ServerControl } from '../command.js';
import { print, rejectArguments } from './arguments.js';

/** A command that says what it does, then asks the server to do it once its answer is sent. */
function controlCommand(spec: Pick<Command, 'name' | 'aliases' | 'summary' | 'admin'> & { says: string; act: (server: ServerControl) => void }): Command {
  return {
    name: spec.name,
    ...(spec.aliases ? { aliases: spec.aliases } : {}),
    usage: spec.name,
    summary: spec.summary,
    ...(spec.admin ? { admin: true } : {}),
    async run(ctx) {
      const bad = rejectArguments(ctx);
      if (bad) return bad;
      const outcome = await print(ctx, `${spec.says}\n`);
      spec.act(ctx.server);
      return outcome;
    },
  };
}

export const disconnect = controlCommand({ name: 'disconnect', aliases: ['exit', 'quit'], summary: 'close this connection', says: 'bye: closing this connection', act: (s) => s.disconnect() });
export const reset = controlCommand({ name: 'reset', summary: 'close every session and re-open the listener', admin: true, says: 'resetting: every session will be closed and the listener re-opened', act: (s) => s.reset() });
export const kill = controlCommand({ name: 'kill', summary: 'stop the server gracefully', admin: true, says: 'stopping the server', act: (s) => s.kill() });
