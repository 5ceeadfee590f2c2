/**
 * The fleet: every server of servers.csv with its status, CPU, RAM and disk
 * and their last minutes as small charts; one command to the selected
 * servers, outputs side by side, identical ones grouped.
 */
import type { FleetServer, Metrics, RunEnd, UiMessage } from '../messages.js';
import { Spark } from './charts.js';
import { $, el, formatBytes, formatMs } from './dom.js';
import type { Live } from './live.js';

interface Row {
  tr: HTMLTableRowElement;
  check: HTMLInputElement;
  name: HTMLElement;
  status: HTMLElement;
  figures: { value: HTMLElement; sub: HTMLElement; spark: Spark }[];
}

interface Answer extends RunEnd {
  key: string;
  stdout: string;
  stderr: string;
}

const FIGURES: { label: string; color: string; percent: (m: Metrics) => number | null; sub: (m: Metrics) => string }[] = [
  { label: 'CPU', color: '#2457c5', percent: (m) => m.cpuPercent, sub: () => '' },
  { label: 'RAM', color: '#8250df', percent: (m) => m.ramPercent, sub: (m) => `${formatBytes(m.ramUsedBytes)} of ${formatBytes(m.ramTotalBytes)}` },
  { label: 'Disk', color: '#1a7f37', percent: (m) => m.diskPercent, sub: (m) => `${formatBytes(m.diskUsedBytes)} of ${formatBytes(m.diskTotalBytes)}` },
];

export class Dashboard {
  private readonly rows = new Map<string, Row>();
  private names = new Map<string, string>();
  private run = 0;
  private answers: Answer[] = [];

  constructor(private readonly live: Live) {
    live.on((m) => this.onMessage(m));
    $('#fleet-form').addEventListener('submit', (e) => {
      e.preventDefault();
      this.runOnSelected();
    });
    $<HTMLInputElement>('#fleet-all').addEventListener('change', (e) => {
      for (const r of this.rows.values()) r.check.checked = (e.target as HTMLInputElement).checked;
    });
  }

  private onMessage(m: UiMessage): void {
    if (m.t === 'hello' && m.servers.length > 0) {
      $('#fleet-empty').hidden = true;
      $('#fleet').hidden = false;
      $('#fleet-form').hidden = false;
      this.names = new Map(m.servers.map((s) => [s.key, s.name]));
    } else if (m.t === 'fleet') {
      for (const s of m.servers) this.update(s);
    } else if (m.t === 'fleetResult' && m.run === this.run) {
      this.answers.push(m);
      this.renderAnswers();
    }
  }

  private row(s: FleetServer): Row {
    const known = this.rows.get(s.key);
    if (known) return known;
    const tr = el('tr');
    const check = el('input');
    check.type = 'checkbox';
    check.checked = true;
    check.setAttribute('aria-label', `Select ${s.name}`);
    const name = el('div');
    const status = el('span', 'badge');
    const cells: HTMLElement[] = [el('td'), el('td'), el('td')];
    cells[0]?.append(check);
    cells[1]?.append(name);
    cells[2]?.append(status);
    const figures = FIGURES.map((f) => {
      const td = el('td');
      const box = el('div', 'metric');
      const text = el('div', 'value');
      const value = el('strong', '', '–');
      const sub = el('span', 'sub');
      text.append(value, sub);
      box.append(text);
      td.append(box);
      cells.push(td);
      return { value, sub, spark: new Spark(box, f.color, `${f.label} of ${s.name}, last minutes`) };
    });
    tr.append(...cells);
    $('#fleet tbody').append(tr);
    const row = { tr, check, name, status, figures };
    this.rows.set(s.key, row);
    return row;
  }

  private update(s: FleetServer): void {
    const row = this.row(s);
    row.name.replaceChildren(el('strong', '', s.name), el('span', 'sub mono', ` ${s.key}`));
    if (s.hostname) row.name.append(el('span', 'sub', `${s.hostname} · ${s.version ?? ''}`));
    row.status.className = `badge ${s.state}`;
    row.status.textContent = s.state;
    row.status.title = s.message ?? '';
    if (s.message) row.name.append(el('span', 'sub down-why', s.message));
    const last = s.samples.at(-1);
    const times = s.samples.map((m) => m.at / 1000);
    FIGURES.forEach((f, i) => {
      const fig = row.figures[i];
      if (!fig) return;
      const p = last ? f.percent(last) : null;
      fig.value.textContent = p === null || s.state !== 'up' ? '–' : `${p.toFixed(1)} %`;
      fig.sub.textContent = last && s.state === 'up' ? f.sub(last) : '';
      fig.spark.set(times, s.samples.map((m) => f.percent(m)));
    });
  }

  private runOnSelected(): void {
    const command = $<HTMLInputElement>('#fleet-command').value.trim();
    const keys = [...this.rows.entries()].filter(([, r]) => r.check.checked).map(([k]) => k);
    if (command === '' || keys.length === 0) return;
    this.run++;
    this.answers = [];
    const box = $('#fleet-results');
    box.replaceChildren(el('p', 'hint', `running ${command} on ${keys.length} server${keys.length === 1 ? '' : 's'}…`));
    this.live.send({ t: 'fleetRun', run: this.run, command, keys });
  }

  /** Identical answers (output, errors and exit code) in one box, named by all their servers. */
  private renderAnswers(): void {
    const order = [...this.names.keys()];
    const byList = [...this.answers].sort((a, b) => order.indexOf(a.key) - order.indexOf(b.key));
    const groups = new Map<string, Answer[]>();
    for (const a of byList) {
      const key = JSON.stringify([a.stdout, a.stderr, a.exitCode, a.error ?? '']);
      groups.set(key, [...(groups.get(key) ?? []), a]);
    }
    const boxes = [...groups.values()].map((group) => {
      const first = group[0] as Answer;
      const box = el('div', 'group');
      const names = group.map((a) => this.names.get(a.key) ?? a.key).join(', ');
      const end = first.error ? first.error : `exit ${first.exitCode ?? '–'}`;
      box.append(el('h3', '', `${names} — ${end}${group.length > 1 ? ` · ${group.length} servers, same output` : ` · ${formatMs(first.durationMs)}`}`));
      const pre = el('pre');
      pre.append(first.stdout);
      if (first.stderr) pre.append(el('span', 'stderr', first.stderr));
      box.append(pre);
      return box;
    });
    $('#fleet-results').replaceChildren(...boxes);
  }
}
