/** The page: three views over one WebSocket to the `ui` process. */
import './style.css';
import { Commands } from './commands.js';
import { CsvBatch } from './csv.js';
import { Dashboard } from './dashboard.js';
import { $ } from './dom.js';
import { Live } from './live.js';

function showView(name: string): void {
  for (const b of document.querySelectorAll<HTMLButtonElement>('.view-button')) b.setAttribute('aria-pressed', String(b.dataset.view === name));
  for (const v of document.querySelectorAll<HTMLElement>('.view')) v.hidden = v.id !== `view-${name}`;
}

const link = $('#link');
const live = new Live((open) => {
  link.textContent = open ? 'ui online' : 'ui offline: restart `tcpcmd ui` and open its new URL';
  link.dataset.level = open ? 'ok' : 'error';
});
live.on((m) => {
  if (m.t === 'hello') link.textContent = `ui ${m.version}`;
});
for (const b of document.querySelectorAll<HTMLButtonElement>('.view-button')) b.addEventListener('click', () => showView(b.dataset.view ?? 'commands'));
// The CSV view's "Run on" follows the open tabs.
const views: { csv?: CsvBatch } = {};
const commands = new Commands(live, () => views.csv?.refreshTargets());
views.csv = new CsvBatch(live, () => commands.open);
new Dashboard(live);
