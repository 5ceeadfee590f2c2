import type { Command } from '../../src/server/index.js';

/** What the `watch` test command saw: the abort reasons of its runs. */
export const aborts: unknown[] = [];

function waitMs(ms: number, signal: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(true), ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve(false);
    }, { once: true });
  });
}

/** Small commands with known behaviour, so session tests do not depend on the machine. */
export const testCommands: Command[] = [
  { name: 'echo', usage: 'echo <text>', summary: 'print text', run: async (ctx) => { await ctx.write('stdout', `${ctx.args}\n`); return { exitCode: 0 }; } },
  {
    name: 'sleep', usage: 'sleep <ms>', summary: 'wait', run: async (ctx) => {
      const finished = await waitMs(Number(ctx.args), ctx.signal);
      if (!finished) aborts.push(ctx.signal.reason);
      await ctx.write('stdout', `slept ${ctx.args}\n`);
      return { exitCode: finished ? 0 : null };
    },
  },
  {
    name: 'spew', usage: 'spew <kib>', summary: 'print n KiB', run: async (ctx) => {
      const line = 'x'.repeat(1023) + '\n';
      for (let i = 0; i < Number(ctx.args) && !ctx.signal.aborted; i++) await ctx.write('stdout', line);
      return { exitCode: ctx.signal.aborted ? null : 0 };
    },
  },
  { name: 'fail', usage: 'fail', summary: 'exit 3', run: async (ctx) => { await ctx.write('stderr', 'bad\n'); return { exitCode: 3 }; } },
  { name: 'boom', usage: 'boom', summary: 'throws', run: () => Promise.reject(new Error('kaboom')) },
  { name: 'crash', usage: 'crash', summary: 'throws at once', run: () => { throw new Error('at once'); } },
  { name: 'now', usage: 'now <code>', summary: 'exits with <code> at once, no promise', run: (ctx) => ({ exitCode: Number(ctx.args) }) },
  { name: 'stubborn', usage: 'stubborn', summary: 'never ends and ignores its signal', run: () => new Promise(() => {}) },
  { name: 'whine', usage: 'whine', summary: 'fails with a long message', run: async () => ({ exitCode: null, error: { code: 'BAD_ARGUMENTS', message: 'x'.repeat(50_000) } }) },
  { name: 'bye', aliases: ['quit'], usage: 'bye', summary: 'disconnect', run: async (ctx) => { ctx.server.disconnect(); return { exitCode: 0 }; } },
  { name: 'reset', usage: 'reset', summary: 'reset', admin: true, run: async (ctx) => { ctx.server.reset(); return { exitCode: 0 }; } },
  { name: 'kill', usage: 'kill', summary: 'kill', admin: true, run: async (ctx) => { ctx.server.kill(); return { exitCode: 0 }; } },
  { name: 'linux', usage: 'linux:<cmd>', summary: 'shell', shell: true, run: async (ctx) => { await ctx.write('stdout', `sh ${ctx.args}\n`); return { exitCode: 0 }; } },
];
