/**
 * The live view of `tcpcmd top`: the alternate screen, redrawn after each
 * answer (at most every REDRAW_MS) and on resize; keys to sort, filter,
 * pause, select, and open `tcpcmd connect` on the selected server.
 */
import { spawn } from 'node:child_process';
import { emitKeypressEvents, type Key } from 'node:readline';
import { stripVTControlCharacters } from 'node:util';
import type { Fleet } from './fleet.js';
import type { ServerView } from './poller.js';
import { COLUMNS, type ColumnKey, type Sort, type Style, headerLine, layout, rowLine, sortViews, statusCounts } from './table.js';

const REDRAW_MS = 100;
const FALLBACK = { columns: 80, rows: 24 };

const ESC = '\x1b[';
const ALT_SCREEN_ON = `${ESC}?1049h${ESC}?25l`;
const ALT_SCREEN_OFF = `${ESC}?25h${ESC}?1049l`;

export interface LiveOptions {
  fleet: Fleet;
  intervalMs: number;
  style: Style;
  input: NodeJS.ReadStream;
  output: NodeJS.WriteStream;
  /** The command line that opens a REPL on a server (Enter), e.g. [node, tcpcmd, 'connect', ...flags]. */
  connectCommand(view: ServerView): { command: string; args: string[]; env: NodeJS.ProcessEnv };
}

/** Runs until `q` (or Ctrl+C); resolves then, with the terminal as it was. */
export async function runLive(options: LiveOptions): Promise<void> {
  const live = new LiveTop(options);
  await live.run();
}

class LiveTop {
  private sort: Sort = { column: undefined, reverse: false };
  private filter = '';
  /** Typing a filter: the text so far; undefined when not typing. */
  private typing: string | undefined;
  private paused = false;
  private selected = 0;
  /** The first row shown, when there are more rows than lines. */
  private scroll = 0;
  private redrawTimer: NodeJS.Timeout | undefined;
  private tick: NodeJS.Timeout | undefined;
  private away = false;
  private finish!: () => void;
  private readonly done = new Promise<void>((resolve) => (this.finish = resolve));
  private readonly onKey = (text: string | undefined, key: Key | undefined): void => this.key(text, key);
  private readonly onResize = (): void => this.draw();

  constructor(private readonly o: LiveOptions) {}

  async run(): Promise<void> {
    const { input, output } = this.o;
    emitKeypressEvents(input);
    this.enterScreen();
    input.on('keypress', this.onKey);
    output.on('resize', this.onResize);
    this.startPolling();
    try {
      await this.done;
    } finally {
      clearInterval(this.tick);
      clearTimeout(this.redrawTimer);
      input.off('keypress', this.onKey);
      output.off('resize', this.onResize);
      this.leaveScreen();
      input.pause();
    }
  }

  private enterScreen(): void {
    this.o.input.setRawMode?.(true);
    this.o.input.resume();
    this.o.output.write(ALT_SCREEN_ON);
    this.draw();
  }

  private leaveScreen(): void {
    this.o.output.write(ALT_SCREEN_OFF);
    this.o.input.setRawMode?.(false);
  }

  private startPolling(): void {
    const round = (): void => {
      if (this.paused || this.away) return this.scheduleDraw(); // the clock and the stale rows still move
      // Each answer redraws (coalesced); a server that does not answer holds only its own row.
      for (const p of this.o.fleet.pollers) void p.poll().then(() => this.scheduleDraw());
      this.scheduleDraw();
    };
    round();
    this.tick = setInterval(round, this.o.intervalMs);
  }

  private scheduleDraw(): void {
    if (this.redrawTimer || this.away) return;
    this.redrawTimer = setTimeout(() => {
      this.redrawTimer = undefined;
      this.draw();
    }, REDRAW_MS);
  }

  /** The rows as shown: filtered by name, sorted. */
  private rows(): ServerView[] {
    const needle = (this.typing ?? this.filter).toLowerCase();
    const views = this.o.fleet.views().filter((v) => needle === '' || v.target.name.toLowerCase().includes(needle) || v.target.key.includes(needle));
    return sortViews(views, this.sort);
  }

  private draw(): void {
    if (this.away) return;
    const { output, style } = this.o;
    const width = output.columns || FALLBACK.columns;
    const height = output.rows || FALLBACK.rows;
    const all = this.o.fleet.views();
    const rows = this.rows();
    this.selected = Math.max(0, Math.min(this.selected, rows.length - 1));
    const bodyHeight = Math.max(1, height - 4);
    if (this.selected < this.scroll) this.scroll = this.selected;
    if (this.selected >= this.scroll + bodyHeight) this.scroll = this.selected - bodyHeight + 1;
    this.scroll = Math.max(0, Math.min(this.scroll, Math.max(0, rows.length - bodyHeight)));

    const sortColumn = COLUMNS.find((c) => c.key === this.sort.column);
    const title = [
      `tcpcmd top: ${all.length} ${all.length === 1 ? 'server' : 'servers'} (${statusCounts(all)})`,
      `every ${this.o.intervalMs / 1000} s`,
      sortColumn ? `sort ${sortColumn.title}${this.sort.reverse ? ' reversed' : ''}` : '',
      this.filter !== '' && this.typing === undefined ? `filter "${this.filter}" (${rows.length})` : '',
      this.paused ? 'PAUSED' : '',
      new Date().toTimeString().slice(0, 8),
    ].filter((s) => s !== '').join(' | ');
    const l = layout(rows.length > 0 ? rows : all, width - 2);
    const lines = [clip(title, width), headerLine(l, style, '  ')];
    const visible = rows.slice(this.scroll, this.scroll + bodyHeight);
    visible.forEach((view, i) => {
      const chosen = this.scroll + i === this.selected;
      const line = rowLine(l, view, style, chosen ? '> ' : '  ');
      lines.push(chosen && style.color ? `${ESC}7m${line.padEnd(width - 1)}${ESC}27m` : line);
    });
    if (rows.length === 0) lines.push(this.filter !== '' || this.typing !== undefined ? '  no server matches the filter' : '  no servers');
    while (lines.length < height - 1) lines.push('');
    const footer = this.typing !== undefined
      ? `filter by name: ${this.typing}_   (Enter keeps it, Esc clears it)`
      : `q quit  Up/Down select  Enter connect  / filter  p pause  sort: ${COLUMNS.filter((c) => c.sortKey).map((c) => `${c.sortKey} ${c.title.toLowerCase().replace('%', '')}`).join(' ')}`;
    lines.push(clip(footer, width));
    // Home, each line cleared to its end, the rest of the screen cleared: no flicker, no leftovers after a resize.
    // A line never wraps: that would push the screen up.
    const fitted = lines.slice(0, height).map((line) => (stripVTControlCharacters(line).length > width ? clip(stripVTControlCharacters(line), width) : line));
    output.write(`${ESC}H${fitted.map((line) => `${line}${ESC}K`).join('\r\n')}${ESC}J`);
  }

  private key(text: string | undefined, key: Key | undefined): void {
    if (this.away) return;
    const name = key?.name;
    if (key?.ctrl && name === 'c') return this.finish();
    if (this.typing !== undefined) return this.filterKey(text, key);
    if (name === 'q' || name === 'escape' && this.filter === '') return this.finish();
    if (name === 'escape') this.filter = '';
    else if (name === 'up' || name === 'k') this.selected--;
    else if (name === 'down' || name === 'j') this.selected++;
    else if (name === 'pageup') this.selected -= 10;
    else if (name === 'pagedown') this.selected += 10;
    else if (name === 'home') this.selected = 0;
    else if (name === 'end') this.selected = Number.MAX_SAFE_INTEGER;
    else if (text === '/') this.typing = this.filter;
    else if (name === 'p' || name === 'space') this.togglePause();
    else if (name === 'return' || name === 'enter') return void this.openConnect();
    else {
      const column = COLUMNS.find((c) => c.sortKey !== undefined && c.sortKey === text?.toLowerCase());
      if (column) this.sortBy(column.key);
      else if (text === '<' || text === '>') this.cycleSort(text === '>' ? 1 : -1);
      else return;
    }
    this.draw();
  }

  private filterKey(text: string | undefined, key: Key | undefined): void {
    const name = key?.name;
    if (name === 'return' || name === 'enter') {
      this.filter = this.typing ?? '';
      this.typing = undefined;
    } else if (name === 'escape') {
      this.filter = '';
      this.typing = undefined;
    } else if (name === 'backspace') this.typing = (this.typing ?? '').slice(0, -1);
    else if (text !== undefined && text.length === 1 && text >= ' ' && !key?.ctrl && !key?.meta) this.typing += text;
    else return;
    this.selected = 0;
    this.draw();
  }

  private sortBy(column: ColumnKey): void {
    this.sort = this.sort.column === column ? { column, reverse: !this.sort.reverse } : { column, reverse: false };
  }

  private cycleSort(step: number): void {
    const sortable = COLUMNS.filter((c) => c.value).map((c) => c.key);
    const at = this.sort.column === undefined ? -1 : sortable.indexOf(this.sort.column);
    this.sort = { column: sortable[(at + step + sortable.length) % sortable.length], reverse: false };
  }

  private togglePause(): void {
    this.paused = !this.paused;
  }

  /** Leaves the screen for `tcpcmd connect` on the selected server, and comes back when it ends. */
  private async openConnect(): Promise<void> {
    const view = this.rows()[this.selected];
    if (!view) return;
    const { command, args, env } = this.o.connectCommand(view);
    this.away = true;
    this.leaveScreen();
    this.o.input.pause();
    this.o.output.write(`tcpcmd top: connecting to ${view.target.name} (${view.target.key}); leave the session (.exit or Ctrl+D) to come back\n`);
    // Ctrl+C is the REPL's now; a SIGINT that reaches us too must not end top.
    const ignore = (): void => undefined;
    process.on('SIGINT', ignore);
    await new Promise<void>((resolve) => {
      const child = spawn(command, args, { stdio: 'inherit', env });
      child.on('error', (err) => {
        this.o.output.write(`tcpcmd top: cannot start tcpcmd connect: ${err.message}\n`);
        resolve();
      });
      child.on('exit', () => resolve());
    });
    process.off('SIGINT', ignore);
    this.away = false;
    this.enterScreen();
  }
}

function clip(text: string, width: number): string {
  return text.length > width ? text.slice(0, Math.max(0, width - 1)) + '~' : text;
}
