/** Small DOM helpers: the page is plain DOM, no framework. */

export function $<T extends HTMLElement = HTMLElement>(selector: string, root: ParentNode = document): T {
  const found = root.querySelector<T>(selector);
  if (!found) throw new Error(`the page has no ${selector}`);
  return found;
}

/** An element with a class and text (text only: nothing from a server becomes markup). */
export function el<K extends keyof HTMLElementTagNameMap>(tag: K, className = '', text = ''): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text) node.textContent = text;
  return node;
}

export function formatMs(ms: number): string {
  return ms < 1000 ? `${ms} ms` : ms < 60_000 ? `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s` : `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

export function formatBytes(n: number | null): string {
  if (n === null) return '–';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) {
    n /= 1024;
    i++;
  }
  return `${n.toFixed(i === 0 ? 0 : 1)} ${units[i]}`;
}

/** Points the CSV / JSON / JUnit links of a downloads line at a transcript. */
export function setDownloads(line: HTMLElement, transcript: string | null): void {
  line.hidden = transcript === null;
  for (const a of line.querySelectorAll<HTMLAnchorElement>('a[data-format]')) {
    if (transcript !== null) a.href = `/api/transcript/${transcript}?format=${a.dataset.format ?? 'csv'}`;
  }
}
