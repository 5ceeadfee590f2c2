/**
 * Connect and Commands: servers open as tabs, each with its own output (a
 * <pre> with role=log, stderr set apart), a command line with history and the
 * server's own commands as suggestions, Send, Cancel and Clear.
 */
import { confirmationFor } from '../../protocol/confirmation.js';
import type { RunEnd, UiMessage } from '../messages.js';
import { $, el, formatMs, setDownloads } from './dom.js';
import type { Live } from './live.js';

interface TabState {
  id: string;
  where: string;
  name: string;
  commands: string[];
  transcript: string;
  button: HTMLButtonElement;
  output: HTMLPreElement;
  /** The run in flight, if any. */
  running: number | null;
  /** Where the running command's output goes. */
  sink: HTMLElement | null;
  status: { level: 'ok' | 'warn' | 'error'; message: string };
}

export class Commands {
  private readonly tabs = new Map<string, TabState>();
  private current: TabState | null = null;
  private nextTab = 1;
  private nextRun = 1;
  private readonly history: string[] = [];
  private historyAt = 0;
  private readonly input = $<HTMLInputElement>('#command');

  constructor(private readonly live: Live, private readonly onTabs: () => void) {
    $('#connect-form').addEventListener('submit', (e) => {
      e.preventDefault();
      const host = $<HTMLInputElement>('#host').value;
      const port = $<HTMLInputElement>('#port').value;
      this.connecting(`${host}:${port}`, (tab) => live.send({ t: 'open', tab, host, port }));
    });
    $('#listed-form').addEventListener('submit', (e) => {
      e.preventDefault();
      const name = $<HTMLSelectElement>('#listed').value;
      this.connecting(name, (tab) => live.send({ t: 'openListed', tab, name }));
    });
    $('#command-form').addEventListener('submit', (e) => {
      e.preventDefault();
      this.send();
    });
    $('#cancel').addEventListener('click', () => {
      const tab = this.current;
      if (tab?.running != null) live.send({ t: 'cancel', tab: tab.id, run: tab.running });
    });
    $('#clear').addEventListener('click', () => {
      if (this.current) this.current.output.replaceChildren();
    });
    this.input.addEventListener('keydown', (e) => this.onKey(e));
    live.on((m) => this.onMessage(m));
  }

  /** Open servers, for the CSV view's "Run on". */
  get open(): { where: string; name: string; current: boolean }[] {
    return [...this.tabs.values()].map((t) => ({ where: t.where, name: t.name, current: t === this.current }));
  }

  private connecting(what: string, send: (tab: string) => void): void {
    this.setStatus('warn', `connecting to ${what}…`);
    send(`tab${this.nextTab++}`);
  }

  private setStatus(level: string, message: string): void {
    const status = $('#status');
    status.dataset.level = level;
    status.textContent = message;
  }

  private onMessage(m: UiMessage): void {
    switch (m.t) {
      case 'hello': {
        const select = $<HTMLSelectElement>('#listed');
        for (const s of m.servers) select.append(new Option(`${s.name} (${s.key})`, s.name));
        $('#listed-form').hidden = m.servers.length === 0;
        return;
      }
      case 'opened':
        return this.opened(m);
      case 'openFailed':
        return this.setStatus('error', m.message);
      case 'status': {
        const tab = this.tabs.get(m.tab);
        if (!tab) return;
        tab.status = { level: m.level, message: m.message };
        if (m.commands) tab.commands = m.commands;
        this.note(tab, m.message, m.level);
        if (tab === this.current) this.showStatus();
        return;
      }
      case 'out': {
        const tab = this.tabs.get(m.tab);
        if (!tab?.sink || tab.running !== m.run) return;
        const atEnd = this.atBottom(tab.output);
        tab.sink.append(m.stream === 'stderr' ? el('span', 'stderr', m.data) : document.createTextNode(m.data));
        if (atEnd) tab.output.scrollTop = tab.output.scrollHeight;
        return;
      }
      case 'done': {
        const tab = this.tabs.get(m.tab);
        if (!tab || tab.running !== m.run) return;
        this.finished(tab, m);
        return;
      }
    }
  }

  private opened(m: Extract<UiMessage, { t: 'opened' }>): void {
    const button = el('button', 'tab', m.name === m.where ? m.where : `${m.name} (${m.where})`);
    button.type = 'button';
    button.setAttribute('role', 'tab');
    const close = el('span', 'close', '×');
    close.setAttribute('aria-label', `Close ${m.where}`);
    button.append(close);
    const output = el('pre', 'output');
    output.setAttribute('role', 'log');
    output.setAttribute('aria-label', `Output of ${m.where}`);
    output.tabIndex = 0;
    const tab: TabState = {
      id: m.tab,
      where: m.where,
      name: m.name,
      commands: m.commands,
      transcript: m.transcript,
      button,
      output,
      running: null,
      sink: null,
      status: { level: 'ok', message: `connected to ${m.name === m.where ? m.where : `${m.name} (${m.where})`}: ${m.server} on ${m.hostname}` },
    };
    button.addEventListener('click', (e) => {
      if (e.target === close) this.closeTab(tab);
      else this.select(tab);
    });
    this.tabs.set(m.tab, tab);
    $('#tabs').append(button);
    $('#outputs').querySelector('.empty')?.remove();
    $('#outputs').append(output);
    this.note(tab, tab.status.message, 'ok');
    this.select(tab);
    this.onTabs();
  }

  private select(tab: TabState): void {
    this.current = tab;
    for (const t of this.tabs.values()) {
      t.button.setAttribute('aria-selected', String(t === tab));
      t.output.hidden = t !== tab;
    }
    const list = $('#suggestions');
    list.replaceChildren(...tab.commands.map((c) => new Option(c, c)));
    this.showStatus();
    this.syncButtons();
    setDownloads($('#session-downloads'), tab.transcript);
    this.input.focus();
    this.onTabs();
  }

  private closeTab(tab: TabState): void {
    this.live.send({ t: 'close', tab: tab.id });
    this.tabs.delete(tab.id);
    tab.button.remove();
    tab.output.remove();
    const next = [...this.tabs.values()].at(-1);
    if (next) this.select(next);
    else {
      this.current = null;
      this.setStatus('', 'Not connected.');
      setDownloads($('#session-downloads'), null);
      $('#outputs').append(el('p', 'empty', 'Connect to a server to run commands.'));
      this.syncButtons();
      this.onTabs();
    }
  }

  private showStatus(): void {
    if (this.current) this.setStatus(this.current.status.level, this.current.status.message);
  }

  private syncButtons(): void {
    const tab = this.current;
    this.input.disabled = tab === null;
    $<HTMLButtonElement>('#send').disabled = tab === null || tab.running !== null;
    $<HTMLButtonElement>('#cancel').disabled = tab?.running == null;
  }

  /** A line of news in a tab's output (connected, lost, reconnected). */
  private note(tab: TabState, text: string, level: string): void {
    tab.output.append(el('div', `note ${level}`, text));
    tab.output.scrollTop = tab.output.scrollHeight;
  }

  private atBottom(pre: HTMLElement): boolean {
    return pre.scrollHeight - pre.scrollTop - pre.clientHeight < 24;
  }

  private send(): void {
    const tab = this.current;
    const command = this.input.value.trim();
    if (!tab || tab.running !== null || command === '') return;
    // Asked as the REPL asks; the command stays in the field when the answer is no.
    const question = confirmationFor(command, tab.name);
    if (question !== undefined && !window.confirm(question)) return void this.setStatus('warn', `not sent: ${command}`);
    if (this.history.at(-1) !== command) this.history.push(command);
    this.historyAt = this.history.length;
    this.input.value = '';
    const run = this.nextRun++;
    const block = el('div', 'run');
    block.append(el('div', 'prompt', `${tab.where}> ${command}`));
    tab.sink = el('div', 'text');
    block.append(tab.sink);
    tab.output.append(block);
    tab.output.scrollTop = tab.output.scrollHeight;
    tab.running = run;
    this.syncButtons();
    this.live.send({ t: 'run', tab: tab.id, run, command });
  }

  private finished(tab: TabState, end: RunEnd): void {
    const ok = end.exitCode === 0 && !end.error;
    const parts = [end.cancelled ? 'cancelled' : end.timedOut ? 'timed out' : end.exitCode === null ? 'no exit code' : `exit ${end.exitCode}`, formatMs(end.durationMs)];
    if (end.truncated) parts.push('output truncated');
    const footer = el('div', `end ${ok ? 'ok' : 'bad'}`, parts.join(' · '));
    tab.sink?.parentElement?.append(...(end.error ? [el('div', 'error', end.error)] : []), footer);
    tab.running = null;
    tab.sink = null;
    tab.output.scrollTop = tab.output.scrollHeight;
    this.syncButtons();
    if (tab === this.current) this.input.focus();
  }

  private onKey(e: KeyboardEvent): void {
    if (e.key !== 'ArrowUp' && e.key !== 'ArrowDown') return;
    if (this.history.length === 0) return;
    e.preventDefault();
    this.historyAt = Math.max(0, Math.min(this.history.length, this.historyAt + (e.key === 'ArrowUp' ? -1 : 1)));
    this.input.value = this.history[this.historyAt] ?? '';
  }
}
