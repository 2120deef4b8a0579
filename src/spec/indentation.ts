/**
 * Indentation mistakes, found on the lines themselves. The yaml library reports one mistake as
 * several errors at the place where parsing gave up (an over-indented line 10 as "nested mappings
 * are not allowed in compact mappings" at the value on line 9), so when a file does not parse,
 * this looks for what a person would fix — a tab, a line indented under a key that already has
 * its value, a key that lines up with no mapping around it — and says which column to use.
 * It runs only on files the parser rejected, so a valid file never meets it.
 */

export interface IndentMistake {
  readonly kind: 'tab' | 'over' | 'unaligned';
  readonly line: number;
  readonly column: number;
  /** what to change, for the message */
  readonly fix: string;
}

interface Content {
  readonly line: number;
  readonly indent: number;
  /** the column (from 0) where a mapping inside this line starts: after '- ' for a list item */
  readonly inner: number;
  readonly key?: string;
  /** the line ends its node: a key with a value, a list item with a value */
  readonly complete: boolean;
}

/** The text of a line without its comment (a '#' after a space or at the start, outside quotes). */
export function stripComment(s: string): string {
  let quote: string | undefined;
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    if (quote) {
      if (ch === quote) quote = undefined;
    } else if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '#' && (i === 0 || s[i - 1] === ' ' || s[i - 1] === '\t')) return s.slice(0, i);
  }
  return s;
}

/** Open brackets minus closed ones, outside quotes. */
export function depthChange(s: string): number {
  let d = 0;
  let quote: string | undefined;
  for (const ch of s) {
    if (quote) {
      if (ch === quote) quote = undefined;
    } else if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '{' || ch === '[') d++;
    else if (ch === '}' || ch === ']') d--;
  }
  return d;
}

function describe(line: number, indent: number, body: string): Content {
  const item = /^-(\s+|$)/.exec(body);
  const rest = item ? body.slice(item[0].length) : body;
  const inner = item ? indent + item[0].length : indent;
  const pair = /^([A-Za-z_][\w.-]*|"[^"]*"|'[^']*')\s*:(\s+|$)(.*)$/.exec(rest);
  if (pair) {
    const value = pair[3]!.trim();
    return { line, indent, inner, key: pair[1]!, complete: value !== '' && !/^[|>]/.test(value) && !value.startsWith('&') };
  }
  return { line, indent, inner, complete: rest.trim() !== '' };
}

/** The first indentation mistakes of `text`: every tab-indented line counts as one mistake. */
export function indentMistakes(text: string): IndentMistake[] {
  const out: IndentMistake[] = [];
  const lines = text.split(/\r?\n/);
  let open: Content[] = []; // the lines whose children the next lines may be: indents increasing
  let flowDepth = 0;
  let blockScalarIndent: number | undefined;
  let tabs: { line: number; column: number; count: number } | undefined;
  lines.forEach((raw, k) => {
    const line = k + 1;
    const lead = /^[ \t]*/.exec(raw)![0];
    const body = stripComment(raw.slice(lead.length)).trimEnd();
    if (body === '' || body === '---' || body === '...') return;
    if (flowDepth > 0) {
      flowDepth = Math.max(0, flowDepth + depthChange(body));
      return;
    }
    if (lead.includes('\t')) {
      if (tabs) tabs.count++;
      else tabs = { line, column: lead.indexOf('\t') + 1, count: 1 };
      return;
    }
    const indent = lead.length;
    if (blockScalarIndent !== undefined && indent > blockScalarIndent) return;
    blockScalarIndent = undefined;
    const here = describe(line, indent, body);
    const prev = open[open.length - 1];
    // a key's siblings start where the key does; in a list item, after the '- '
    const keyColumn = (c: Content) => (c.key ? c.inner : c.indent);
    // (a line at a list item's inner column continues the item's mapping only if it has one: after
    // `- { name: f }` or `- text` the item is whole)
    if (prev && indent > prev.indent && (indent !== prev.inner || !prev.key) && prev.complete) {
      const where = prev.key ? `'${prev.key}' on line ${prev.line} already has its value` : `line ${prev.line} is a whole list item`;
      out.push({ kind: 'over', line, column: indent + 1, fix: `this line is indented more than the one above, but ${where}; indent it to column ${keyColumn(prev) + 1}, like line ${prev.line}` });
      return;
    }
    if (prev && indent < prev.indent && !open.some((c) => c.indent === indent || (c.key && c.inner === indent))) {
      const above = [...open].reverse().find((c) => keyColumn(c) > indent);
      const below = [...open].reverse().find((c) => keyColumn(c) < indent);
      const like = (c: Content) => `column ${keyColumn(c) + 1}, like line ${c.line}`;
      const options = above && below ? `${like(above)} (or ${like(below)})` : like((above ?? below)!);
      out.push({ kind: 'unaligned', line, column: indent + 1, fix: `this line starts at column ${indent + 1}, where no mapping or list around it starts; indent it to ${options}` });
      return;
    }
    open = open.filter((c) => c.indent < indent && c.inner <= indent);
    open.push(here);
    flowDepth = Math.max(0, depthChange(body));
    if (/:\s*[|>][+-]?\d*$/.test(body)) blockScalarIndent = indent;
  });
  if (tabs) {
    const more = tabs.count > 1 ? ` (and ${tabs.count - 1} more line${tabs.count > 2 ? 's' : ''})` : '';
    out.unshift({ kind: 'tab', line: tabs.line, column: tabs.column, fix: `a tab indents this line${more}; YAML indents with spaces only: replace each tab with spaces, 2 for each level` });
  }
  return out.sort((a, b) => a.line - b.line);
}
