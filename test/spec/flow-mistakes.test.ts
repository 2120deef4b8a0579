/**
 * Mistakes in one-line { } and [ ] collections: each is one diagnostic at the place to fix that
 * says what to type (not the parser's "block collections are not allowed within flow
 * collections" or an error on the next line), and the file is repaired and checked on, so a
 * later mistake is reported in the same run, at its own column even on the repaired line.
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze } from '../../src/driver/analyze.js';
import { flowMistakes } from '../../src/spec/flow-mistakes.js';
import { parseSource } from '../../src/spec/source.js';

const dir = mkdtempSync(join(tmpdir(), 'netc-flow-'));
const LENET = readFileSync('specs/lenet5.yaml', 'utf8');
const C3 = '  - { name: c3, op: conv2d, filters: 16, kernel: 5, activation: tanh }';
const C3_LINE = LENET.split('\n').indexOf(C3) + 1;
const F6 = 'units: 84';
const F6_LINE = LENET.split('\n').findIndex((l) => l.includes(F6)) + 1;

/** lenet5.yaml with c3's line replaced, and f6's units made negative: the later mistake every case must still report */
function check(c3: string) {
  const file = join(dir, `case-${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(file, LENET.replace(C3, c3).replace(F6, 'units: -84'));
  return analyze(file).diagnostics.map((d) => ({ code: d.code, message: d.message, line: d.loc?.line, column: d.loc?.column }));
}

const LATER = { code: 'NETC2006', message: "'units' of layer 'f6' must be ≥ 1 (it is -84)", line: F6_LINE, column: 35 };

describe('one-line flow collections', () => {
  it('a missing comma between two pairs: at the second key', () => {
    expect(check('  - { name: c3, op: conv2d, filters: 16 kernel: 5, activation: tanh }')).toEqual([
      { code: 'NETC1013', message: "YAML: a comma is missing before 'kernel': the pairs of a { } mapping are separated by commas", line: C3_LINE, column: 41 },
      LATER,
    ]);
  });

  it('a mapping left open: at its brace, saying what to add at the end of the line', () => {
    expect(check('  - { name: c3, op: conv2d, filters: 16, kernel: 5, activation: tanh')).toEqual([
      { code: 'NETC1013', message: `YAML: the '{' at column 5 is not closed on its line: add '}' at the end of line ${C3_LINE}`, line: C3_LINE, column: 5 },
      LATER,
    ]);
  });

  it('a comment after an open mapping: the brace goes before it', () => {
    expect(check('  - { name: c3, op: conv2d, filters: 16, kernel: 5, activation: tanh   # the second conv')).toEqual([
      { code: 'NETC1013', message: `YAML: the '{' at column 5 is not closed on its line: add '}' at the end of line ${C3_LINE}`, line: C3_LINE, column: 5 },
      LATER,
    ]);
  });

  it('the wrong closing bracket', () => {
    expect(check('  - { name: c3, op: conv2d, filters: 16, kernel: 5, activation: tanh ]')).toEqual([
      { code: 'NETC1013', message: "YAML: this ']' should be '}', to close the mapping opened at column 5", line: C3_LINE, column: 70 },
      LATER,
    ]);
  });

  it('a closing bracket too many', () => {
    expect(check('  - { name: c3, op: conv2d, filters: 16, kernel: 5, activation: tanh }}')).toEqual([
      { code: 'NETC1013', message: "YAML: this '}' closes nothing: remove it", line: C3_LINE, column: 71 },
      LATER,
    ]);
  });

  it("a layer's opening brace left out", () => {
    expect(check('  - name: c3, op: conv2d, filters: 16, kernel: 5, activation: tanh }')).toEqual([
      { code: 'NETC1013', message: "YAML: this layer's mapping ends with '}' at column 68 but does not start with '{': write '{ ' before its first key", line: C3_LINE, column: 5 },
      LATER,
    ]);
  });

  it('a list left open inside a mapping: where to close it, before the next key', () => {
    expect(check('  - { name: c3, op: conv2d, filters: 16, kernel: [5, 5, activation: tanh }')).toEqual([
      { code: 'NETC1013', message: "YAML: the '[' at column 50 is not closed: end the list with ']' at column 55", line: C3_LINE, column: 50 },
      LATER,
    ]);
  });

  it("a later mistake on the repaired line keeps its own column (the repair's characters are not counted)", () => {
    // '{ ' is inserted before 'name': kernel's value stays at column 50 of the file as written
    expect(check('  - name: c3, op: conv2d, filters: 16, kernel: 0, activation: tanh }')).toEqual([
      { code: 'NETC1013', message: "YAML: this layer's mapping ends with '}' at column 68 but does not start with '{': write '{ ' before its first key", line: C3_LINE, column: 5 },
      { code: 'NETC2006', message: "'kernel' of layer 'c3' must be ≥ 1 (it is 0)", line: C3_LINE, column: 48 },
      LATER,
    ]);
  });

  it("a key glued to its value ('filters:16') is one key to YAML: the message says to add the space", () => {
    expect(check('  - { name: c3, op: conv2d, filters:16, kernel: 5, activation: tanh }')).toEqual([
      { code: 'NETC1014', message: "YAML reads 'filters:16' as one key with no value: write 'filters: 16', with a space after the colon", line: C3_LINE, column: 29 },
      LATER,
    ]);
  });

  it('two mistakes on one line: the comma and the brace, both', () => {
    expect(check('  - { name: c3, op: conv2d, filters: 16 kernel: 5, activation: tanh')).toEqual([
      { code: 'NETC1013', message: `YAML: the '{' at column 5 is not closed on its line: add '}' at the end of line ${C3_LINE}`, line: C3_LINE, column: 5 },
      { code: 'NETC1013', message: "YAML: a comma is missing before 'kernel': the pairs of a { } mapping are separated by commas", line: C3_LINE, column: 41 },
      LATER,
    ]);
  });

  it('mistakes on two lines: both, and the rest checked', () => {
    const text = LENET.replace(C3, '  - { name: c3, op: conv2d, filters: 16 kernel: 5, activation: tanh }').replace('{ name: f5,', '{ name: f5').replace(F6, 'units: -84');
    const file = join(dir, 'two.yaml');
    writeFileSync(file, text);
    const f5 = text.split('\n').findIndex((l) => l.includes('name: f5')) + 1;
    expect(analyze(file).diagnostics.map((d) => [d.code, d.loc?.line, d.loc?.column])).toEqual([
      ['NETC1013', C3_LINE, 41],
      ['NETC1013', f5, 16],
      ['NETC2006', F6_LINE, 35],
    ]);
  });
});

describe('plain values', () => {
  it("a value with ': ' in it: quote it (a second key to YAML)", () => {
    const ds = parseSource('x.yaml', 'netc: 1\nname: m\ndescription: LeNet-5: the classic\n').diagnostics;
    expect(ds.map((d) => [d.code, d.message, d.loc?.line, d.loc?.column])).toEqual([
      ['NETC1013', 'YAML: the \': \' in this value reads as the start of another key: quote the value, "LeNet-5: the classic"', 3, 14],
    ]);
  });

  it('a quoted string left open: where it opens, and the file checked on', () => {
    const text = 'netc: 1\nname: m\ndescription: "the classic\ninput: { shape: [28, 28, 1] }\n';
    const parsed = parseSource('x.yaml', text);
    expect(parsed.diagnostics.map((d) => [d.code, d.loc?.line, d.loc?.column])).toEqual([['NETC1013', 3, 14]]);
    expect(parsed.value).toEqual({ netc: 1, name: 'm', description: 'the classic', input: { shape: [28, 28, 1] } });
  });
});

describe('what is left alone', () => {
  it('a flow mapping written over several lines, as YAML allows, is no mistake', () => {
    const text = 'netc: 1\nname: m\ninput: { shape: [28, 28, 1] }\nlayers:\n  - { name: c1, op: conv2d,\n      filters: 6, kernel: 5 }\n  - { name: flat, op: flatten }\n';
    expect(flowMistakes(text)).toEqual([]);
    expect(parseSource('x.yaml', text).diagnostics).toEqual([]);
  });

  it('brackets and colons inside quotes are text', () => {
    expect(flowMistakes('description: "a { b: c [ d"\nlayers:\n  - { name: "x: y", op: "}" }\n')).toEqual([]);
  });

  it('no shipped spec or warning fixture (files that parse) has a flow mistake', () => {
    const files = [...readdirSync('specs').filter((f) => f.endsWith('.yaml')).map((f) => join('specs', f))];
    const warnings = join('test', 'fixtures', 'warnings');
    files.push(...readdirSync(warnings).filter((f) => f.endsWith('.yaml')).map((f) => join(warnings, f)));
    expect(files.length).toBeGreaterThan(10);
    for (const f of files) expect(flowMistakes(readFileSync(f, 'utf8')), f).toEqual([]);
  });

  it('a mistake it cannot repair leaves the parser its say on the other lines', () => {
    // c3's comma is repaired, but the tab-free garbage on the next line is the parser's
    const text = LENET.replace(C3, '  - { name: c3, op: conv2d, filters: 16 kernel: 5, activation: tanh }\n  - : : ]');
    const ds = parseSource('x.yaml', text).diagnostics;
    expect(ds[0]).toMatchObject({ code: 'NETC1013', loc: { line: C3_LINE, column: 41 } });
    expect(ds.length).toBeGreaterThan(1);
    expect(parseSource('x.yaml', text).value).toBeUndefined();
  });
});
