/**
 * One open page on the WebSocket: its tabs (servers open at once), their runs
 * and cancels, and the fleet's one-command-to-many. Closing the page closes
 * its connections.
 */
import type { WebSocket } from 'ws';
import { ErrorCode, TcpcmdError, parsePort, type Address } from '../protocol/index.js';
import { type UiContext, describe } from './context.js';
import type { Fleet } from './fleet.js';
import type { PageMessage, UiMessage } from './messages.js';
import { Tab } from './tab.js';

/** Host and Port as typed: a port of 1 to 65535, a host without spaces. */
function typedAddress(host: string, port: string): Address {
  const h = host.trim().replace(/^\[(.*)\]$/, '$1');
  if (h === '' || /\s/.test(h)) throw new TcpcmdError(ErrorCode.USAGE, `host "${host}" is not a host name or address`);
  return { host: h, port: parsePort(port.trim()) };
}

export class PageLink {
  private readonly tabs = new Map<string, Tab>();
  private closed = false;

  constructor(private readonly ws: WebSocket, private readonly ctx: UiContext, private readonly fleet: Fleet) {
    ws.on('message', (data, isBinary) => {
      if (isBinary) return;
      let message: PageMessage;
      try {
        message = JSON.parse(data.toString()) as PageMessage;
      } catch {
        return; // our own page sends JSON; anything else is dropped
      }
      void this.handle(message);
    });
    ws.on('close', () => void this.close());
  }

  send(message: UiMessage): void {
    if (!this.closed && this.ws.readyState === this.ws.OPEN) this.ws.send(JSON.stringify(message));
  }

  private async handle(m: PageMessage): Promise<void> {
    switch (m.t) {
      case 'open':
      case 'openListed':
        return this.open(m.tab, () => {
          if (m.t === 'open') return typedAddress(String(m.host), String(m.port));
          const listed = this.ctx.targets.find((t) => t.name === m.name || t.key === m.name);
          if (!listed) throw new TcpcmdError(ErrorCode.USAGE, `no server named "${m.name}" in ${this.ctx.targetsFile ?? 'the list'}`);
          return listed.address;
        });
      case 'close': {
        const tab = this.tabs.get(m.tab);
        this.tabs.delete(m.tab);
        return tab?.close();
      }
      case 'run':
        return this.tabs.get(m.tab)?.run(m.run, String(m.command));
      case 'cancel':
        return this.tabs.get(m.tab)?.cancel(m.run);
      case 'fleetRun':
        return this.fleet.runOnMany(String(m.command), Array.isArray(m.keys) ? m.keys.map(String) : [], (r) => this.send({ ...r, run: m.run }));
    }
  }

  private async open(id: string, address: () => Address): Promise<void> {
    try {
      const tab = await Tab.open(id, address(), this.ctx, (msg) => this.send(msg));
      if (this.closed) return void tab.close();
      this.tabs.set(id, tab);
      const info = tab.info;
      const listed = this.ctx.targets.find((t) => t.key === tab.where);
      this.send({
        t: 'opened',
        tab: id,
        where: tab.where,
        name: listed?.name ?? tab.where,
        server: info?.server ?? '',
        hostname: info?.hostname ?? '',
        commands: info?.commands ?? [],
        transcript: tab.transcript,
      });
    } catch (err) {
      this.send({ t: 'openFailed', tab: id, message: describe(err) });
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    const tabs = [...this.tabs.values()];
    this.tabs.clear();
    await Promise.all(tabs.map((t) => t.close()));
  }
}
