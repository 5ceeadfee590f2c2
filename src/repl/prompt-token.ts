/** The token, asked with a hidden prompt when the server wants one and none is set. */
import { ask, type PromptStreams } from './enquire.js';

export function askToken(streams: PromptStreams, where: string, again: boolean): Promise<string> {
  return ask<string>(streams, {
    type: 'password',
    message: again ? `Wrong token for ${where}; try again` : `Token for ${where}`,
    validate: (value: string) => (value.trim() === '' ? 'the token is empty' : true),
  });
}
