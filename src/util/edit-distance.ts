// Edit distance for "did you mean `x`?" hints: optimal string alignment (Damerau–Levenshtein with
// adjacent transpositions), so `atempts`, `attmepts` and `atttempts` all find `attempts`.

export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  if (a.length === 0) return b.length;
  if (b.length === 0) return a.length;
  // Three rolling rows: the transposition step looks two rows back.
  let prev2: number[] = [];
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, prev2[j - 2] + 1);
      row.push(best);
    }
    prev2 = prev;
    prev = row;
  }
  return prev[b.length];
}

/**
 * The closest candidate to `word`, or null when nothing is close enough to be a plausible typo:
 * at most one edit for short words, two for six letters or more, three for eleven or more, and
 * never more than half the word (so `a` does not suggest `b`).
 */
export function closest(word: string, candidates: Iterable<string>): string | null {
  const lower = word.toLowerCase();
  const limit = Math.min(lower.length < 6 ? 1 : lower.length < 11 ? 2 : 3, Math.floor(lower.length / 2));
  let best: string | null = null;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    // the distance is at least the difference in length: skip the O(n·m) work for hopeless names
    if (candidate === word || Math.abs(candidate.length - lower.length) > limit) continue;
    const d = editDistance(lower, candidate.toLowerCase());
    if (d <= limit && d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

/** `did you mean `x`?` or null, ready to use as a diagnostic's help. */
export function didYouMean(word: string, candidates: Iterable<string>): string | null {
  const match = closest(word, candidates);
  return match === null ? null : `did you mean \`${match}\`?`;
}
