/**
 * `exec --group`: each distinct output printed once, with the servers that
 * gave it, as `dshbak -c` does: configuration drift at a glance.
 */
export interface OutputGroup {
  names: string[];
  output: string;
}

export class OutputGroups {
  private readonly byServer = new Map<string, string>();

  add(name: string, data: string): void {
    this.byServer.set(name, (this.byServer.get(name) ?? '') + data);
  }

  /** The groups, largest first (the odd ones out come last); servers in the order given. */
  groups(names: readonly string[]): OutputGroup[] {
    const byOutput = new Map<string, string[]>();
    for (const name of names) {
      const output = this.byServer.get(name) ?? '';
      const list = byOutput.get(output);
      if (list) list.push(name);
      else byOutput.set(output, [name]);
    }
    return [...byOutput].map(([output, list]) => ({ output, names: list })).sort((a, b) => b.names.length - a.names.length);
  }
}

/** A group as dshbak prints it: a rule, the servers, a rule, the output. */
export function formatGroup(group: OutputGroup): string {
  const who = `${compressNames(group.names)}${group.names.length > 1 ? ` (${group.names.length})` : ''}`;
  const rule = '-'.repeat(Math.min(Math.max(who.length, 16), 72));
  const body = group.output === '' ? '(no output)\n' : group.output.endsWith('\n') ? group.output : `${group.output}\n`;
  return `${rule}\n${who}\n${rule}\n${body}`;
}

/**
 * Names with a common prefix and a number, in ranges, as pdsh's hostlists
 * write them: `web-1 web-2 web-3 web-7 db` -> `web-[1-3,7],db`.
 */
export function compressNames(names: readonly string[]): string {
  const byPrefix = new Map<string, number[]>();
  const order: (string | { prefix: string })[] = [];
  for (const name of names) {
    const m = /^(.*?)(\d+)$/.exec(name);
    // Numbers with leading zeros (web-01) keep their width: listed as they are.
    if (!m || (m[2] as string).length > 1 && (m[2] as string).startsWith('0')) {
      order.push(name);
      continue;
    }
    const prefix = m[1] as string;
    let list = byPrefix.get(prefix);
    if (!list) {
      byPrefix.set(prefix, (list = []));
      order.push({ prefix });
    }
    list.push(Number(m[2]));
  }
  return order
    .map((item) => {
      if (typeof item === 'string') return item;
      const numbers = [...new Set(byPrefix.get(item.prefix))].sort((a, b) => a - b);
      if (numbers.length === 1) return `${item.prefix}${numbers[0]}`;
      return `${item.prefix}[${ranges(numbers)}]`;
    })
    .join(',');
}

function ranges(sorted: number[]): string {
  const parts: string[] = [];
  let start = sorted[0] as number;
  let prev = start;
  for (const n of [...sorted.slice(1), Number.NaN]) {
    if (n === prev + 1) {
      prev = n;
      continue;
    }
    parts.push(start === prev ? String(start) : `${start}-${prev}`);
    start = prev = n;
  }
  return parts.join(',');
}
