import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import type { TrustQuestion } from './types.js';

/**
 * Asks on a terminal, as ssh does, whether to trust a server seen for the
 * first time: shows its certificate's SHA-256 fingerprint and wants "yes" or
 * "no" (anything else asks again; end of input is no).
 */
export function terminalConfirm(input: Readable = process.stdin, output: Writable = process.stderr): (q: TrustQuestion) => Promise<boolean> {
  return (q) => new Promise<boolean>((resolve) => {
    output.write(
      `The authenticity of tcpcmd server ${q.where} can't be established (${q.reason}).\n` +
      `Its TLS certificate's SHA-256 fingerprint is ${q.fingerprint}.\n` +
      `Compare it with the fingerprint in the server's start-up log ("listening on ... certificate SHA-256 fingerprint ...").\n`,
    );
    const rl = createInterface({ input, output, terminal: false });
    let settled = false;
    const finish = (answer: boolean): void => {
      if (settled) return;
      settled = true;
      rl.close();
      resolve(answer);
    };
    rl.once('close', () => finish(false));
    const ask = (prompt: string, triesLeft: number): void => {
      rl.question(prompt, (text) => {
        const answer = text.trim().toLowerCase();
        if (answer === 'yes') return finish(true);
        if (answer === 'no' || triesLeft <= 1) return finish(false);
        ask("Please type 'yes' or 'no': ", triesLeft - 1);
      });
    };
    ask('Are you sure you want to continue connecting (yes/no)? ', 3);
  });
}
