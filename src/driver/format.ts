/** Formatting shared by the commands and the reports, so a figure reads the same everywhere. */

/** Seconds as m:ss, or h:mm:ss from an hour on. */
export function clock(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const m = Math.floor(s / 60);
  return m >= 60 ? `${Math.floor(m / 60)}:${String(m % 60).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}` : `${m}:${String(s % 60).padStart(2, '0')}`;
}

/** A fraction as a percentage with two decimals. */
export const percent = (x: number) => `${(100 * x).toFixed(2)}%`;

/** A count and its noun, singular for one: "1 epoch", "3 batches" (`many` when not noun + s). */
export const counted = (n: number, one: string, many = `${one}${/(s|sh|tch|x)$/.test(one) ? 'es' : 's'}`) =>
  `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
