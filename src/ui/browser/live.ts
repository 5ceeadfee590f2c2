/** The one WebSocket to the `ui` process: JSON messages both ways. */
import type { PageMessage, UiMessage } from '../messages.js';

type Listener = (m: UiMessage) => void;

export class Live {
  private readonly ws: WebSocket;
  private readonly listeners: Listener[] = [];
  private readonly queue: string[] = [];

  constructor(onState: (open: boolean) => void) {
    this.ws = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/live`);
    this.ws.addEventListener('open', () => {
      onState(true);
      for (const q of this.queue.splice(0)) this.ws.send(q);
    });
    this.ws.addEventListener('close', () => onState(false));
    this.ws.addEventListener('message', (e) => {
      const m = JSON.parse(String(e.data)) as UiMessage;
      for (const l of this.listeners) l(m);
    });
  }

  on(listener: Listener): void {
    this.listeners.push(listener);
  }

  send(m: PageMessage): void {
    const text = JSON.stringify(m);
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(text);
    else this.queue.push(text);
  }
}
