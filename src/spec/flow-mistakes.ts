/**
 * Mistakes in one-line flow collections — `- { name: c3, op: conv2d, filters: 16 }`, `pool: [2, 2]`
 * — found on the lines themselves, as a person would fix them: a missing comma between two pairs,
 * a `{` or `[` left open at the end of its line, a closing bracket of the wrong kind or with
 * nothing to close, a `}` whose `{` was left out. The yaml library reports each as an error
 * about block collections or indentation, often at the next line; this says what to type where.
 *
 * Each mistake comes with an edit that repairs it, so that a file with only such mistakes can
 * be repaired, parsed and checked further (source.ts): one run reports the layer whose comma is
 * missing and the wrong units three layers below. Like indentation.ts it runs only on files
 * the parser rejected. A flow collection that goes on over several lines is left to the parser.
 */
import { depthChange, stripComment } from './indentation.js';

export interface FlowMistake {
  readonly line: number;
  /** 1-based */
  readonly column: number;
  readonly length: number;
  /** what to change, for the message */
  readonly fix: string;
  /** the repair: at 0-based `at` in the line, remove `remove` characters and insert `insert` */
  readonly edit: { readonly at: number; readonly remove: number; readonly insert: string };
}

const CLOSER: Record<string, string> = { '{': '}', '[': ']' };
const KIND: Record<string, string> = { '{': 'mapping', '[': 'list' };
/** a key of a flow mapping: a plain word or a quoted string before `:` */
const KEY_BEFORE = /(?:[A-Za-z_][\w.-]*|"[^"]*"|'[^']*')\s*$/;

interface Frame {
  readonly open: string;
  readonly at: number;
  /** where the current entry (after the opener or a comma) starts */
  entry: number;
  /** the keys seen in the current entry (a mapping's second key means a missing comma) */
  keys: number;
}

/** The one-line flow mistakes of `text`, at most one per line, in line order. */
export function flowMistakes(text: string): FlowMistake[] {
  const out: FlowMistake[] = [];
  const lines = text.split(/\r?\n/);
  let carried = 0; // brackets left open by a flow collection that spans lines: the parser's business
  let blockScalarIndent: number | undefined;
  for (let k = 0; k < lines.length; k++) {
    const raw = lines[k]!;
    const indent = /^ */.exec(raw)![0].length;
    const body = stripComment(raw).trimEnd();
    if (body.trim() === '') continue;
    if (blockScalarIndent !== undefined && indent > blockScalarIndent) continue;
    blockScalarIndent = /:\s*[|>][+-]?\d*$/.test(body) ? indent : undefined;
    if (carried > 0) {
      carried = Math.max(0, carried + depthChange(body));
      continue;
    }
    // `name: broken: twice`: a plain value with ': ' in it reads as a second key
    const glued = /^(\s*(?:-\s+)?[A-Za-z_][\w.-]*:\s+)([^\s'"{[|>&*!#][^]*?:\s[^]*)$/.exec(body);
    if (glued && !/[}\]]$/.test(body)) {
      const at = glued[1]!.length;
      const value = glued[2]!;
      out.push({ line: k + 1, column: at + 1, length: value.length, fix: `the ': ' in this value reads as the start of another key: quote the value, "${value.replace(/"/g, '\\"')}"`, edit: { at, remove: value.length, insert: JSON.stringify(value) } });
      continue;
    }
    const scan = scanLine(body);
    const line = k + 1;
    if (scan.mistake) {
      out.push({ line, ...scan.mistake });
      continue;
    }
    if (scan.stack.length === 0 && !scan.quote) continue;
    // Left open: it goes on over the next lines if they are indented deeper, as YAML requires;
    // a next line at this line's indent or less (the next item, the next key) means it was
    // meant to close here.
    const next = lines.slice(k + 1).find((l) => stripComment(l).trim() !== '');
    const nextIndent = next === undefined ? -1 : /^ */.exec(next)![0].length;
    if (next !== undefined && nextIndent > indent) {
      carried = scan.stack.length;
      continue;
    }
    if (scan.quote) {
      const { ch, at } = scan.quote;
      out.push({ line, column: at + 1, length: 1, fix: `the string opened with ${ch === '"' ? "'\"'" : `"'"`} at column ${at + 1} is not closed on its line: add ${ch === '"' ? "'\"'" : `"'"`} where it ends`, edit: { at: body.length, remove: 0, insert: ch } });
      continue;
    }
    const inner = scan.stack[scan.stack.length - 1]!;
    const closers = scan.stack.map((f) => CLOSER[f.open]!).reverse().join('');
    out.push({
      line,
      column: inner.at + 1,
      length: 1,
      fix: `the ${q(inner.open)} at column ${inner.at + 1} is not closed on its line: add ${q(closers)} at the end of line ${line}`,
      edit: { at: body.length, remove: 0, insert: closers },
    });
  }
  return out;
}

interface LineScan {
  /** the collections still open at the end of the line */
  readonly stack: Frame[];
  /** a quoted string still open at the end of the line */
  readonly quote?: { readonly ch: string; readonly at: number };
  readonly mistake?: Omit<FlowMistake, 'line'>;
}

function scanLine(body: string): LineScan {
  const stack: Frame[] = [];
  let quote: string | undefined;
  let quoteAt = 0;
  for (let i = 0; i < body.length; i++) {
    const ch = body[i]!;
    if (quote) {
      if (ch === '\\' && quote === '"') i++;
      else if (ch === quote) quote = undefined;
      continue;
    }
    const top = stack[stack.length - 1];
    if ((ch === '"' || ch === "'") && (i === 0 || /[\s,[{:]/.test(body[i - 1]!))) {
      quote = ch;
      quoteAt = i;
    }
    else if (ch === '{' || ch === '[') {
      stack.push({ open: ch, at: i, entry: i + 1, keys: 0 });
    } else if (ch === '}' || ch === ']') {
      if (!top) {
        if (ch === '}' && /^\s*-\s+[A-Za-z_][\w.-]*\s*:\s/.test(body) && !body.includes('{')) {
          const at = /^\s*-\s+/.exec(body)![0].length;
          return { stack, mistake: { column: at + 1, length: 1, fix: `this layer's mapping ends with '}' at column ${i + 1} but does not start with '{': write '{ ' before its first key`, edit: { at, remove: 0, insert: '{ ' } } };
        }
        return { stack, mistake: { column: i + 1, length: 1, fix: `this ${q(ch)} closes nothing: remove it`, edit: { at: i, remove: 1, insert: ' ' } } };
      }
      if (CLOSER[top.open] !== ch) {
        // `[2, 2, stride: 2 }`: the list was left open inside the mapping; `{ … ]`: the wrong bracket
        const outer = stack[stack.length - 2];
        if (outer && CLOSER[outer.open] === ch) {
          const content = body.slice(top.at + 1, i);
          const lastPair = [...content.matchAll(/,\s*(?:[A-Za-z_][\w.-]*|"[^"]*"|'[^']*')\s*:(?=\s|$)/g)].pop();
          const at = lastPair ? top.at + 1 + lastPair.index : i;
          return { stack, mistake: { column: top.at + 1, length: 1, fix: `the ${q(top.open)} at column ${top.at + 1} is not closed: end the ${KIND[top.open]} with ${q(CLOSER[top.open]!)} at column ${at + 1}`, edit: { at, remove: 0, insert: CLOSER[top.open]! } } };
        }
        return { stack, mistake: { column: i + 1, length: 1, fix: `this ${q(ch)} should be ${q(CLOSER[top.open]!)}, to close the ${KIND[top.open]} opened at column ${top.at + 1}`, edit: { at: i, remove: 1, insert: CLOSER[top.open]! } } };
      }
      stack.pop();
    } else if (top && ch === ',') {
      top.entry = i + 1;
      top.keys = 0;
    } else if (top?.open === '{' && ch === ':' && (i + 1 === body.length || /[\s,}\]]/.test(body[i + 1]!))) {
      const key = KEY_BEFORE.exec(body.slice(top.entry, i));
      if (key && ++top.keys === 2) {
        const start = top.entry + key.index;
        const gap = body.slice(0, start).search(/\s*$/);
        if (gap < start) {
          const name = key[0].trim();
          return { stack, mistake: { column: start + 1, length: name.length, fix: `a comma is missing before ${q(name)}: the pairs of a { } mapping are separated by commas`, edit: { at: gap, remove: 1, insert: ',' } } };
        }
      }
    }
  }
  return quote ? { stack, quote: { ch: quote, at: quoteAt } } : { stack };
}

/** `text` with the mistakes' edits made (at most one per line, as flowMistakes gives them). */
function repaired(text: string, mistakes: readonly FlowMistake[]): string {
  const lines = text.split('\n');
  for (const m of mistakes) {
    const l = lines[m.line - 1]!;
    const cr = l.endsWith('\r') ? '\r' : '';
    const body = cr ? l.slice(0, -1) : l;
    const { at, remove, insert } = m.edit;
    lines[m.line - 1] = body.slice(0, at) + insert + body.slice(at + remove) + cr;
  }
  return lines.join('\n');
}

/** Where column `column` (1-based) of `line` after one round of repairs was before it. */
function columnBefore(round: readonly FlowMistake[], line: number, column: number): number {
  const m = round.find((x) => x.line === line);
  if (!m) return column;
  const shift = m.edit.insert.length - m.edit.remove;
  return column - 1 >= m.edit.at + m.edit.insert.length ? column - shift : Math.min(column, m.edit.at + 1);
}

export interface FlowRepair {
  /** the text with every repair made */
  readonly text: string;
  /** every mistake, at its line and column in the text as written */
  readonly mistakes: readonly FlowMistake[];
  /** where a column of the repaired text was in the text as written */
  originalColumn(line: number, column: number): number;
}

/**
 * Find and repair flow mistakes round by round (a line can hold two: a missing comma, then the
 * brace at its end), at most `rounds` times.
 */
export function repairFlows(text: string, rounds = 4): FlowRepair {
  const done: FlowMistake[][] = [];
  let current = text;
  for (let r = 0; r < rounds; r++) {
    const found = flowMistakes(current);
    if (found.length === 0) break;
    done.push(found);
    current = repaired(current, found);
  }
  const back = (upTo: number, line: number, column: number) => done.slice(0, upTo).reduceRight((c, round) => columnBefore(round, line, c), column);
  const mistakes = done.flatMap((round, r) => round.map((m) => ({ ...m, column: back(r, m.line, m.column) })));
  return { text: current, mistakes: mistakes.sort((a, b) => a.line - b.line || a.column - b.column), originalColumn: (line, column) => back(done.length, line, column) };
}

const q = (s: string) => `'${s}'`;
