/**
 * CSV, both ways: a Commands CSV runs as a batch with `tcpcmd run`'s runner
 * (its problems shown with their line numbers before anything runs), with
 * live progress and a results table; its transcript downloads as CSV, JSON or
 * JUnit.
 */
import type { BatchAnswer, BatchRow, UiMessage } from '../messages.js';
import { $, el, formatMs, setDownloads } from './dom.js';
import type { Live } from './live.js';

export interface OpenServer {
  where: string;
  name: string;
  current: boolean;
}

export class CsvBatch {
  private batch: string | null = null;
  private listed = false;
  private readonly target = $<HTMLSelectElement>('#csv-target');

  constructor(live: Live, private readonly open: () => OpenServer[]) {
    live.on((m) => this.onMessage(m));
    $('#csv-form').addEventListener('submit', (e) => {
      e.preventDefault();
      void this.run();
    });
    this.refreshTargets();
  }

  /** "Run on": each open server (the current one first chosen), and every server of servers.csv. */
  refreshTargets(): void {
    const chosen = this.target.value;
    const options = this.open().map((s) => {
      const o = new Option(s.name === s.where ? s.where : `${s.name} (${s.where})`, s.where);
      if (s.current && chosen === '') o.selected = true;
      return o;
    });
    if (this.listed) options.push(new Option('every server of servers.csv', '*'));
    if (options.length === 0) options.push(new Option('connect to a server first', ''));
    this.target.replaceChildren(...options);
    if ([...this.target.options].some((o) => o.value === chosen)) this.target.value = chosen;
  }

  private onMessage(m: UiMessage): void {
    if (m.t === 'hello') {
      this.listed = m.servers.length > 0;
      this.refreshTargets();
    } else if (m.t === 'batchProgress' && m.batch === this.batch) {
      const bar = $<HTMLProgressElement>('#csv-progress');
      bar.max = Math.max(1, m.total);
      bar.value = m.done;
      $('#csv-progress-text').textContent = `${m.done} of ${m.total} rows · ${m.ok} ok · ${m.notOk} not ok`;
    } else if (m.t === 'batchRow' && m.batch === this.batch) {
      this.addRow(m.row);
    }
  }

  private async run(): Promise<void> {
    const file = $<HTMLInputElement>('#csv-file').files?.[0];
    const problems = $('#csv-problems');
    if (!file) return this.showProblems('Choose a Commands CSV first.', []);
    if (this.target.value === '') return this.showProblems('Connect to a server first, or start tcpcmd ui with --targets servers.csv.', []);
    problems.hidden = true;
    this.batch = crypto.randomUUID();
    $('#csv-results tbody').replaceChildren();
    $('#csv-results').hidden = true;
    setDownloads($('#batch-downloads'), null);
    $('#csv-progress-row').hidden = false;
    $<HTMLProgressElement>('#csv-progress').value = 0;
    $('#csv-progress-text').textContent = `checking ${file.name}…`;
    const query = new URLSearchParams({ batch: this.batch, name: file.name, target: this.target.value });
    const res = await fetch(`/api/batch?${query.toString()}`, { method: 'POST', body: file, headers: { 'Content-Type': 'text/csv' } });
    if (res.status === 413 || !res.headers.get('content-type')?.startsWith('application/json')) {
      $('#csv-progress-row').hidden = true;
      return this.showProblems(await res.text(), []);
    }
    const answer = (await res.json()) as BatchAnswer;
    if (!answer.ok) {
      $('#csv-progress-row').hidden = true;
      return this.showProblems(answer.message, answer.problems);
    }
    const c = answer.counts;
    const parts = Object.entries(c).filter(([, n]) => n > 0).map(([k, n]) => `${n} ${k}`);
    $('#csv-progress-text').textContent = `${answer.rows} rows in ${formatMs(answer.durationMs)}: ${parts.join(', ') || 'nothing ran'} · exit code ${answer.exitCode}`;
    setDownloads($('#batch-downloads'), answer.batch);
  }

  private showProblems(message: string, lines: { line: number | null; text: string }[]): void {
    const box = $('#csv-problems');
    box.replaceChildren(el('strong', '', message));
    if (lines.length > 0) {
      const list = el('ul');
      for (const p of lines) {
        const item = el('li');
        if (p.line !== null) item.append(el('span', 'line', `line ${p.line}`), ': ');
        item.append(p.line !== null ? p.text.replace(/^[^:]*:\d+:\s*/, '') : p.text);
        list.append(item);
      }
      box.append(list);
    }
    box.hidden = false;
  }

  private addRow(row: BatchRow): void {
    $('#csv-results').hidden = false;
    const tr = el('tr');
    const status = el('span', `badge ${row.status}`, row.status);
    const output = el('pre');
    output.append(row.stdout);
    if (row.stderr) output.append(el('span', 'stderr', row.stderr));
    if (row.error) output.append(el('span', 'stderr', row.error));
    const cells: (string | Node)[] = [String(row.seq), row.target, row.command, status, row.exit_code === null ? '–' : String(row.exit_code), formatMs(row.duration_ms), output];
    for (const [i, c] of cells.entries()) {
      const td = el('td', i === 2 || i === 1 ? 'mono' : '');
      td.append(c);
      tr.append(td);
    }
    $('#csv-results tbody').append(tr);
  }
}
