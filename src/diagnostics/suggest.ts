/** "Did you mean …?": the nearest candidate by edit distance, when one is close enough. */
import { KERAS_NAMES, OTHER_FUNCTIONS } from './keras.js';

export function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j]!;
      prev[j] = Math.min(up + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length]!;
}

/**
 * The candidate nearest to `word`, or undefined when none is plausibly meant: a case-insensitive
 * match wins, then netc's name for a Keras name ('pool_size' → 'pool'); a name of another real
 * function ('selu', 'nadam') gets none; otherwise the smallest edit distance within a third of the
 * word's length (at least 2, but 1 for a word of two letters), or a candidate that starts with the
 * word ('conv' → 'conv2d') or that the word starts with ('flatten' → a layer named 'flat').
 */
export function suggest(word: string, candidates: Iterable<string>): string | undefined {
  const list = [...candidates];
  const lower = word.toLowerCase();
  const exact = list.find((c) => c.toLowerCase() === lower);
  if (exact) return exact;
  const keras = Object.hasOwn(KERAS_NAMES, lower) ? list.find((c) => c === KERAS_NAMES[lower]) : undefined;
  if (keras) return keras;
  if (OTHER_FUNCTIONS.has(lower)) return undefined;
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of list) {
    const d = editDistance(lower, c.toLowerCase());
    if (d < bestD) {
      best = c;
      bestD = d;
    }
  }
  const limit = word.length <= 2 ? 1 : Math.max(2, Math.floor(word.length / 3));
  if (best !== undefined && bestD <= limit) return best;
  // a shortened name ('conv' → 'conv2d'), or a longer one ('flatten' → 'flat')
  return list.find((c) => lower.length >= 3 && c.toLowerCase().startsWith(lower)) ?? list.find((c) => c.length >= 3 && lower.startsWith(c.toLowerCase()));
}
