/**
 * The limits of `parseSource`, each exactly at the limit (accepted) and one past it (refused, with
 * the limit's own diagnostic at the place that passed it). Documents are built here, so the
 * count of what the limit counts is known by construction:
 *
 * - size: 1 MiB of UTF-8 bytes (not characters);
 * - values: 50,000, counted by the lexer before parsing: every key and every scalar (plain,
 *   quoted or block; a block scalar counts its header too), every list dash, flow bracket and
 *   alias. A document past it is refused at 1:1 without being parsed.
 * - nesting: 32 levels, of flow brackets (seen by the lexer, which points at the bracket that
 *   goes past) and of block collections (seen in the parsed tree, at the first value past it);
 * - aliases: 100 expansions.
 */
import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../src/diagnostics/diagnostics.js';
import { parseSource, SOURCE_LIMITS } from '../../src/spec/source.js';

const FILE = 'x.yaml';
const { maxBytes, maxNodes, maxDepth } = SOURCE_LIMITS;

const parse = (text: string) => parseSource(FILE, text);
const codes = (text: string) => parse(text).diagnostics.map((d) => d.code);
const brief = (d: Diagnostic) => ({ code: d.code, message: d.message, loc: d.loc });
const loc = (line: number, column: number, length: number) => ({ file: FILE, line, column, length });

const TOO_MANY = { code: 'NETC1009', message: 'the document holds more than 50,000 values; a spec needs a few hundred', loc: loc(1, 1, 0) };
const tooDeep = (line: number, column: number, length: number) => ({
  code: 'NETC1006',
  message: 'the document nests deeper than 32 levels; a spec needs at most a few',
  loc: loc(line, column, length),
});

it('the limits are the documented ones', () => {
  expect(SOURCE_LIMITS).toEqual({ maxBytes: 1048576, maxDepth: 32, maxAliasCount: 100, maxNodes: 50000 });
});

describe('size', () => {
  it('a text of exactly 1 MiB is parsed; one byte more is refused at 1:1', () => {
    const exact = '#' + 'x'.repeat(maxBytes - 2) + '\n';
    expect(Buffer.byteLength(exact)).toBe(maxBytes);
    expect(parse(exact).diagnostics).toEqual([]);
    expect(parse(exact + ' ').diagnostics.map(brief)).toEqual([
      { code: 'NETC1005', message: 'the file is 1,048,577 bytes; specs are limited to 1,048,576 bytes', loc: loc(1, 1, 0) },
    ]);
  });

  it('counts bytes, not characters: half a MiB of two-byte characters and one more', () => {
    const text = '#' + 'é'.repeat(maxBytes / 2);
    expect(text.length).toBeLessThan(maxBytes);
    expect(parse(text).diagnostics.map((d) => d.message)).toEqual(['the file is 1,048,577 bytes; specs are limited to 1,048,576 bytes']);
  });
});

/**
 * A block mapping whose lexer count is exactly `total`: a key `d` (1) holding `n` copies of
 * `item` (each counting `per`), then keys without values (`pN:`, 1 each) to make up the rest.
 */
function counted(total: number, item: (i: number) => string, per: number): string {
  const n = Math.floor((total - 1) / per);
  const pad = total - 1 - n * per;
  const body = Array.from({ length: n }, (_, i) => item(i)).join('');
  const rest = Array.from({ length: pad }, (_, i) => `p${i}:\n`).join('');
  return 'd:\n' + body + rest;
}

/**
 * Each kind of value, in a form whose parsed tree holds half as many nodes as the lexer counts
 * or fewer: had the lexer not counted it, the document would be parsed and accepted.
 */
const KINDS: { name: string; item: (i: number) => string; per: number }[] = [
  { name: 'plain keys and values', item: (i) => `k${i}: 0\n`, per: 2 },
  { name: 'single-quoted keys and values', item: (i) => `'k${i}': ''\n`, per: 2 },
  { name: 'double-quoted keys and values', item: (i) => `"k${i}": ""\n`, per: 2 },
  { name: 'list items', item: () => '- 0\n', per: 2 },
  { name: 'block scalars (the header and the text)', item: () => '- |\n  x\n', per: 3 },
  { name: 'empty flow lists', item: () => '- []\n', per: 2 },
  { name: 'empty flow mappings', item: () => '- {}\n', per: 2 },
];

describe(`values: ${maxNodes.toLocaleString('en-US')} are parsed, one more is refused before parsing`, () => {
  it('exactly at the limit: a flow list of 49,998 values under a key is parsed', () => {
    // 'd', '[' and the zeros: 50,000 for the lexer; the mapping, the list and the zeros, 50,000 nodes
    const r = parse('d: [' + Array(maxNodes - 2).fill('0').join(',') + ']\n');
    expect(r.diagnostics).toEqual([]);
    expect((r.value as { d: number[] }).d).toHaveLength(maxNodes - 2);
    // the last zero keeps its place too: "d: [" and 49,997 "0," before it
    expect(r.map.locate(['d', maxNodes - 3])).toEqual(loc(1, 5 + 2 * (maxNodes - 3), 1));
  });

  for (const { name, item, per } of KINDS) {
    it(`one past it, most of them ${name}`, () => {
      expect(parse(counted(maxNodes + 1, item, per)).diagnostics.map(brief)).toEqual([TOO_MANY]);
    });
  }

  it('one past it, most of them aliases', () => {
    // 'a' and 0 count 2; each '- *a' counts its dash and its alias
    expect(parse('a: &a 0\n' + counted(maxNodes - 1, () => '- *a\n', 2)).diagnostics.map(brief)).toEqual([TOO_MANY]);
  });

  it('past the limit by a value written after it: refused, not cut short and parsed', () => {
    const exact = counted(maxNodes, (i) => `k${i}: 0\n`, 2);
    expect(parse(exact + 'z: ' + '['.repeat(40) + ']'.repeat(40) + '\n').diagnostics.map(brief)).toEqual([TOO_MANY]);
  });

  it('comments, blank lines, spaces and commas are not values', () => {
    const text = '# a comment\n\n'.repeat(maxNodes / 2) + 'd: [ 1 ,  2 ,  3 ]\n';
    expect(parse(text)).toMatchObject({ diagnostics: [], value: { d: [1, 2, 3] } });
  });

  it('quoted values are counted before parsing: a megabyte of them is refused unparsed', () => {
    // parsing 300,000 quoted values takes seconds; the lexer stops counting at 50,001
    expect(parse('d: [' + '"",'.repeat(300_000) + '""]\n').diagnostics.map(brief)).toEqual([TOO_MANY]);
    expect(parse("d: [" + "'',".repeat(300_000) + "'']\n").diagnostics.map(brief)).toEqual([TOO_MANY]);
  });
});

describe(`flow nesting: ${maxDepth} levels are parsed, the bracket that opens one more is pointed at`, () => {
  const nest = (open: string, close: string, n: number) => open.repeat(n) + close.repeat(n);

  it('lists at the top level', () => {
    expect(parse(nest('[', ']', maxDepth)).diagnostics).toEqual([]);
    expect(parse(nest('[', ']', maxDepth + 1)).diagnostics.map(brief)).toEqual([tooDeep(1, 33, 1)]);
  });

  it('mappings at the top level', () => {
    const maps = (n: number) => '{a: '.repeat(n) + '0' + '}'.repeat(n);
    expect(parse(maps(maxDepth)).diagnostics).toEqual([]);
    // each '{a: ' is four characters: the 33rd '{' is at column 4 × 32 + 1
    expect(parse(maps(maxDepth + 1)).diagnostics.map(brief)).toEqual([tooDeep(1, 129, 1)]);
  });

  it('brackets apart, on a later line, after keys and values', () => {
    const text = 'netc: 1\nname: deep\nd: ' + '[ '.repeat(maxDepth + 1) + '] '.repeat(maxDepth + 1) + '\n';
    // line 3 is "d: [ [ [ ...": the 33rd '[' is at column 4 + 2 × 32
    expect(parse(text).diagnostics.map(brief)).toEqual([tooDeep(3, 68, 1)]);
  });

  it('closed brackets give their level back: 40 empty lists side by side are two levels deep', () => {
    expect(parse('[' + Array(40).fill('[]').join(', ') + ']').diagnostics).toEqual([]);
    expect(parse('[' + Array(40).fill('{}').join(', ') + ']').diagnostics).toEqual([]);
    expect(parse('[' + Array(40).fill('[[], {}]').join(', ') + ']').value).toHaveLength(40);
  });

  it('after a closed list, 32 more brackets inside the outer one are 33 levels', () => {
    // "[[], " is five characters; the 32 brackets start at column 6 and the last is at 37
    const text = '[[], ' + nest('[', ']', maxDepth) + ']';
    expect(parse(text).diagnostics.map(brief)).toEqual([tooDeep(1, 37, 1)]);
    expect(parse('[[], ' + nest('[', ']', maxDepth - 1) + ']').diagnostics).toEqual([]);
  });
});

describe(`block nesting: ${maxDepth} levels are parsed, the first value past them is pointed at`, () => {
  /** `a:` nested `levels` deep, two spaces a level, the innermost holding 0. */
  const chain = (key: string, levels: number, indent = 0) =>
    Array.from({ length: levels }, (_, i) => ' '.repeat(indent + 2 * i) + key + ':' + (i === levels - 1 ? ' 0' : '')).join('\n') + '\n';

  it('exactly at the limit, and one past it: the 0 of line 33', () => {
    expect(parse(chain('a', maxDepth)).diagnostics).toEqual([]);
    expect(parse(chain('a', maxDepth)).value).toBeDefined();
    // line 33 is 64 spaces and "a: 0": the 0 is at column 68
    expect(parse(chain('a', maxDepth + 1)).diagnostics.map(brief)).toEqual([tooDeep(33, 68, 1)]);
  });

  it('the first value past the limit, not a later one', () => {
    const text = chain('a', maxDepth + 3) + chain('b', maxDepth + 3);
    // the value of the 33rd 'a:' is the mapping that starts on line 34, at column 2 × 33 + 1
    expect(parse(text).diagnostics.map((d) => [d.code, d.loc!.line, d.loc!.column])).toEqual([['NETC1006', 34, 67]]);
  });

  it('lists of lists count as levels too', () => {
    const dashes = (n: number) => Array.from({ length: n }, (_, i) => ' '.repeat(2 * i) + '-').join('\n') + ' 0\n';
    expect(parse(dashes(maxDepth)).diagnostics).toEqual([]);
    expect(codes(dashes(maxDepth + 1))).toEqual(['NETC1006']);
  });
});

describe('aliases', () => {
  const uses = (n: number) => 'a: &a [1, 2]\nb: [' + Array(n).fill('*a').join(', ') + ']\n';

  it(`the anchored value and ${SOURCE_LIMITS.maxAliasCount - 1} copies are read; one more copy is the alias limit`, () => {
    // the yaml library counts the anchored value as the first of the ${SOURCE_LIMITS.maxAliasCount}
    expect(parse(uses(99)).value).toEqual({ a: [1, 2], b: Array(99).fill([1, 2]) });
    expect(parse(uses(100)).diagnostics.map(brief)).toEqual([
      {
        code: 'NETC1004',
        message: "YAML aliases expand to more than 100 nodes; a spec never needs this many: write the values out or use 'extends'",
        loc: loc(1, 1, uses(100).length),
      },
    ]);
  });

  it('an alias to an anchor never set is a syntax error at the alias, not an alias bomb', () => {
    expect(parse('a: &x 1\nb: *y\n').diagnostics.map(brief)).toEqual([
      { code: 'NETC1001', message: 'YAML syntax error: the alias *y names no anchor: set one with &y on a value above it, or write the value here', loc: loc(2, 4, 2) },
    ]);
  });

  it('of several aliases to anchors never set, the first is reported, inside flow collections too', () => {
    expect(parse('a: &x 1\nb: [*x, { c: *nope }]\nd: *other\n').diagnostics.map(brief)).toEqual([
      { code: 'NETC1001', message: 'YAML syntax error: the alias *nope names no anchor: set one with &nope on a value above it, or write the value here', loc: loc(2, 14, 5) },
    ]);
  });
});

describe('keys', () => {
  it('a list or a mapping as a key: the first of them, underlined', () => {
    expect(parse('a: 1\n[1, 2]: x\n{b: 1}: y\n').diagnostics.map(brief)).toEqual([
      { code: 'NETC1001', message: 'YAML syntax error: a key must be a name or a number, not a list, a mapping or an alias', loc: loc(2, 1, 6) },
    ]);
  });

  it('an empty key is a key like any other, and its place is its colon', () => {
    const r = parse('b: 2\n: 1\n');
    expect(r).toMatchObject({ diagnostics: [], value: { '': 1, b: 2 } });
    expect(r.map.get([''])?.key).toEqual(loc(2, 1, 1));
    const flow = parse('a: { b: 1, : 2 }\n');
    expect(flow.value).toEqual({ a: { b: 1, '': 2 } });
    expect(flow.map.get(['a', ''])?.key).toEqual(loc(1, 12, 1));
  });

  it('null and ~ as keys are the key the converted value has, the empty one', () => {
    expect(parse('null: 1\n').map.get([''])?.key).toEqual(loc(1, 1, 4));
    expect(parse('~: 1\n').map.get([''])?.key).toEqual(loc(1, 1, 1));
  });

  it('a key written twice, beside another syntax error: both reported, each as itself', () => {
    const r = parse('a: 1\na: 2\nb: [\n');
    expect(r.value).toBeUndefined();
    expect(r.diagnostics.map((d) => ({ ...brief(d), related: d.related }))).toEqual([
      {
        code: 'NETC1010',
        message: "the key 'a' is written twice in one mapping, and only one of the two could count; remove or rename one",
        loc: loc(2, 1, 1),
        related: [{ message: "the first 'a' is here", loc: loc(1, 1, 1) }],
      },
      // the list left open is a one-line mistake (test/spec/flow-mistakes.test.ts), at its bracket
      { code: 'NETC1013', message: "YAML: the '[' at column 4 is not closed on its line: add ']' at the end of line 3", loc: loc(3, 4, 1), related: undefined },
    ]);
  });

  it('a key over 1024 characters is refused (strict YAML), and its repeat is also a repeat', () => {
    const k = 'k'.repeat(1100);
    const long = 'YAML syntax error: The : indicator must be at most 1024 chars after the start of an implicit block mapping key';
    expect(parse(`${k}: 1\n`).diagnostics.map(brief)).toEqual([{ code: 'NETC1001', message: long, loc: loc(1, 1, 1100) }]);
    expect(parse(`${k}: 1\n${k}: 2\n`).diagnostics.map((d) => [d.code, d.loc!.line, d.message.slice(0, 30)])).toEqual([
      ['NETC1001', 1, long.slice(0, 30)],
      ['NETC1001', 2, long.slice(0, 30)],
      ['NETC1010', 2, `the key '${k}`.slice(0, 30)],
    ]);
  });

  it('repeats in several mappings, a key written three times, and keys equal only as text', () => {
    const r = parse('a: 1\nm:\n  x: 1\n  x: 2\n  x: 3\na: 2\n1: one\n"1": one again\n');
    expect(r.diagnostics.map((d) => [d.code, d.loc!.line, d.related![0]!.loc!.line, d.message.slice(0, 12)])).toEqual([
      ['NETC1010', 4, 3, "the key 'x' "],
      ['NETC1010', 5, 3, "the key 'x' "],
      ['NETC1010', 6, 1, "the key 'a' "],
    ]);
    // on one line, in the order they are written: the inner repeat comes first
    const flow = parse('{a: 1, b: {x: 1, x: 2}, a: 2}\n');
    expect(flow.diagnostics.map((d) => [d.loc!.column, d.related![0]!.loc!.column, d.message.slice(0, 12)])).toEqual([
      [18, 12, "the key 'x' "],
      [25, 2, "the key 'a' "],
    ]);
  });
});

describe('documents', () => {
  it('two documents: one diagnostic at the separator, and no value', () => {
    const r = parse('a: 1\n---\nb: 2\n');
    expect(r.value).toBeUndefined();
    expect(r.diagnostics.map(brief)).toEqual([
      {
        code: 'NETC1007',
        message: "a spec file holds one YAML document; remove the '---' separator and what follows it, or split the file",
        loc: loc(2, 1, 9),
      },
    ]);
  });

  it('a syntax error leaves no value and no positions', () => {
    const r = parse('a: 1\n\tb: 2\n');
    expect(r.value).toBeUndefined();
    // issue 16: a tab is named as the indentation mistake it is, with what to write instead
    expect(r.diagnostics.map(brief)).toEqual([
      { code: 'NETC1012', message: 'YAML indentation: a tab indents this line; YAML indents with spaces only: replace each tab with spaces, 2 for each level', loc: loc(2, 1, 1) },
    ]);
  });

  it('every value and key keeps its line and column', () => {
    const r = parse('netc: 1\nlayers:\n  - { name: c1, units: 10 }\n  - name: c2\n');
    expect(r.map.locate(['layers', 0, 'units'])).toEqual(loc(3, 24, 2));
    expect(r.map.locate(['layers', 0, 'units'], 'key')).toEqual(loc(3, 17, 5));
    expect(r.map.locate(['layers', 1, 'name'])).toEqual(loc(4, 11, 2));
    expect(r.map.locate(['layers', 1])).toEqual(loc(4, 5, 9));
  });
});
