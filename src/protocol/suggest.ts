/** Edit distance with adjacent transpositions (optimal string alignment), for "did you mean". Inputs are short names. */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  const at = (i: number, j: number): number => d[i]?.[j] ?? 0;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, at(i - 2, j - 2) + 1);
      (d[i] as number[])[j] = best;
    }
  }
  return at(a.length, b.length);
}

/** The known name closest to `input`, if it is close enough to be a likely typo. */
export function closest(input: string, names: readonly string[]): string | undefined {
  // A word much longer than every name is no typo of one; and the distance table grows with its length.
  if (names.every((name) => input.length > name.length + 2)) return undefined;
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const name of names) {
    const d = name.startsWith(input) || input.startsWith(name) ? 1 : editDistance(input, name);
    if (d < bestDistance) {
      best = name;
      bestDistance = d;
    }
  }
  return bestDistance <= (input.length <= 3 ? 1 : 2) ? best : undefined;
}
