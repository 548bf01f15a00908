/** closest suggests the candidate nearest to a misspelt word, if it is near enough to be a typo (case is ignored). */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(word.length / 3)) + 1;
  for (const candidate of candidates) {
    const d = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

/**
 * whatExists is the end of a "not declared" message: a did-you-mean when a declared name is
 * near, else the declared names (the first few), else that there are none.
 */
export function whatExists(word: string, declared: readonly string[], what: string): string {
  const near = closest(word, declared);
  if (near !== undefined) return ` (did you mean '${near}'?)`;
  if (declared.length === 0) return ` (no ${what} is declared)`;
  const sorted = [...declared].sort();
  const listed = sorted
    .slice(0, 5)
    .map((n) => `'${n}'`)
    .join(', ');
  return ` (declared: ${listed}${sorted.length > 5 ? ` and ${sorted.length - 5} more` : ''})`;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}
