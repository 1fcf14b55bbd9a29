// "Did you mean" for commands, options, rule names, formats and config keys.

/** The closest of `candidates` to `input` within a few edits, for "did you mean". */
export function closest(input: string, candidates: readonly string[]): string | undefined {
  const limit = Math.max(2, Math.floor(input.length / 3));
  let best: { candidate: string; distance: number } | undefined;
  // A prefix is what a user types who remembers the start of a name: `warn` for `warning`.
  const prefixed = input.length >= 3 ? candidates.filter((c) => c.toLowerCase().startsWith(input.toLowerCase())) : [];
  if (prefixed.length === 1) return prefixed[0];
  for (const candidate of candidates) {
    const distance = editDistance(input.toLowerCase(), candidate.toLowerCase());
    if (distance <= limit && (!best || distance < best.distance)) best = { candidate, distance };
  }
  return best?.candidate;
}

/** ` (did you mean "x"?)`, or nothing. */
export function didYouMean(input: string, candidates: readonly string[], show: (s: string) => string = (s) => `"${s}"`): string {
  const match = closest(input, candidates);
  return match === undefined ? '' : ` (did you mean ${show(match)}?)`;
}

/** Levenshtein distance with transpositions counted as one edit (optimal string alignment). */
function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) value = Math.min(value, d[i - 2]![j - 2]! + 1);
      d[i]![j] = value;
    }
  }
  return d[a.length]![b.length]!;
}
