/** Terminal output: colour when stdout is a terminal (and NO_COLOR is unset), numbers, tables. */

export interface Style {
  readonly red: (s: string) => string;
  readonly yellow: (s: string) => string;
  readonly green: (s: string) => string;
  readonly dim: (s: string) => string;
  readonly bold: (s: string) => string;
}

const wrap = (on: boolean, open: number, close: number) => (s: string) => (on ? `\x1b[${open}m${s}\x1b[${close}m` : s);

export function style(stream: NodeJS.WriteStream = process.stdout): Style {
  const on = Boolean(stream.isTTY) && !process.env.NO_COLOR && process.env.TERM !== 'dumb';
  return {
    red: wrap(on, 31, 39),
    yellow: wrap(on, 33, 39),
    green: wrap(on, 32, 39),
    dim: wrap(on, 2, 22),
    bold: wrap(on, 1, 22),
  };
}

/**
 * `44,426`. Whole numbers are grouped by hand: the first toLocaleString of a process loads ICU's
 * number formats, about 30 ms that `netc check` would otherwise spend on its first number.
 */
export const num = (n: number) => (Number.isSafeInteger(n) ? String(n).replace(/\B(?=(\d{3})+$)/g, ',') : n.toLocaleString('en-US'));

/** Left-aligned text columns, right-aligned numeric columns. */
export function table(header: readonly string[], rows: readonly (readonly string[])[], numeric: readonly boolean[]): string[] {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
  const fmt = (r: readonly string[]) =>
    r.map((cell, c) => (numeric[c] ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!))).join('  ').trimEnd();
  return [fmt(header), widths.map((w) => '─'.repeat(w)).join('  '), ...rows.map(fmt)];
}
