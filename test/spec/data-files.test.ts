/**
 * Each of a spec's four IDX files, broken one way at a time: the diagnostic names that file and
 * points at that file's own key (`train_labels:`, not `train_images:`), both when the spec is
 * checked (`analyze`, what `netc check` and `netc compile` run) and when its data is loaded for
 * training or evaluation (`loadSpecData`). The expected places are found in the spec's text.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../src/diagnostics/diagnostics.js';
import { analyze } from '../../src/driver/analyze.js';
import { loadSpecData } from '../../src/driver/data.js';

const KEYS = ['train_images', 'train_labels', 'test_images', 'test_labels'] as const;
type Key = (typeof KEYS)[number];
const FILE: Record<Key, string> = { train_images: 'a.idx', train_labels: 'b.idx', test_images: 'c.idx', test_labels: 'd.idx' };

const SPEC = `netc: 1
name: tiny
input: { shape: [2, 2, 1] }
layers:
  - { name: flat, op: flatten }
  - { name: out, op: dense, units: 3, activation: softmax }
train:
  dataset:
    idx:
${KEYS.map((k) => `      ${k}: ${FILE[k]}`).join('\n')}
`;

/** Where the spec writes a key's value, counted in the text: line and column from 1. */
function valueOf(key: string): { line: number; column: number } {
  const lines = SPEC.split('\n');
  const line = lines.findIndex((l) => l.includes(` ${key}: `));
  return { line: line + 1, column: lines[line]!.indexOf(` ${key}: `) + key.length + 4 };
}

/** IDX bytes: 00 00 08 (unsigned bytes), the dimension count, the dimensions, the data. */
function idx(dims: number[], data: number[]): Buffer {
  const head = Buffer.alloc(4 + 4 * dims.length);
  head[2] = 8;
  head[3] = dims.length;
  dims.forEach((d, i) => head.writeUInt32BE(d, 4 + 4 * i));
  return Buffer.concat([head, Buffer.from(data)]);
}
const images = (count: number, h = 2, w = 2) => idx([count, h, w], Array.from({ length: count * h * w }, (_, i) => (i * 31) % 256));
/** Four images labelled 0, 1, 2, 0: the three classes of the network. */
const GOOD: Record<Key, Buffer> = { train_images: images(4), train_labels: idx([4], [0, 1, 2, 0]), test_images: images(4), test_labels: idx([4], [2, 1, 0, 0]) };

/** A folder holding the spec and its four files, `bad` in place of the good ones (null: absent). */
function specWith(bad: Partial<Record<Key, Buffer | null>>): string {
  const dir = mkdtempSync(join(tmpdir(), 'netc-data-files-'));
  for (const k of KEYS) {
    const bytes = k in bad ? bad[k] : GOOD[k];
    if (bytes) writeFileSync(join(dir, FILE[k]), bytes);
  }
  writeFileSync(join(dir, 'spec.yaml'), SPEC);
  return join(dir, 'spec.yaml');
}

/** A diagnostic as its code, the key whose value it points at, its message and the keys its notes point at. */
function where(d: Diagnostic | undefined) {
  const keyAt = (loc: { line: number; column: number } | undefined) =>
    [...KEYS, 'units'].find((k) => valueOf(k).line === loc?.line && valueOf(k).column === loc.column) ?? `${loc?.line}:${loc?.column}`;
  return { code: d?.code, key: keyAt(d?.loc), message: d?.message, notes: (d?.related ?? []).map((r) => keyAt(r.loc)) };
}

/** What checking the spec gives: exactly one diagnostic. */
function checked(spec: string) {
  const a = analyze(spec);
  expect(a.diagnostics, a.diagnostics.map((d) => d.message).join('\n')).toHaveLength(1);
  return where(a.diagnostics[0]);
}

/** What loading its data for a module of three classes gives (the spec's own analysis may have failed). */
function loadedFor(spec: string) {
  const r = loadSpecData(analyze(spec).loaded!, 3);
  expect('code' in r, 'the data loaded').toBe(true);
  return where(r as Diagnostic);
}

const truncated = (b: Buffer) => b.subarray(0, b.length - 1);
const badMagic = (b: Buffer) => Buffer.concat([Buffer.from([0x1f, 0x00, 8, b[3]!]), b.subarray(4)]);

it('the good files check and load', () => {
  const spec = specWith({});
  expect(analyze(spec).diagnostics).toEqual([]);
  const data = loadSpecData(analyze(spec).loaded!, 3);
  expect('code' in data ? data.message : [data.train.count, data.test.count]).toEqual([4, 4]);
});

describe.each(KEYS)('a bad %s file', (key) => {
  const file = FILE[key];
  it.each([
    ['missing', null, `${file}: does not exist`],
    ['truncated', truncated(GOOD[key]), `${file}: is truncated: its header promises`],
    ['of another format', badMagic(GOOD[key]), `${file}: is not an IDX file: its first bytes are 1f 00 08`],
  ])('%s: NETC7001 at its own key, when checked and when loaded', (_, bytes, message) => {
    const spec = specWith({ [key]: bytes });
    const want = { code: 'NETC7001', key, message: expect.stringContaining(message) };
    expect(checked(spec)).toMatchObject(want);
    // loading reads the files again, in an order of its own: the place must not depend on it
    expect(loadedFor(spec)).toMatchObject(want);
  });
});

interface Case {
  readonly bad: Partial<Record<Key, Buffer>>;
  readonly key: Key;
  readonly message: string;
  /** the keys the check's notes point at */
  readonly notes?: readonly Key[];
  /** what the check gives, when it is not NETC7001 at `key` */
  readonly check?: { code: string; key: string; message: string };
  /** what loading says, when it differs from the check */
  readonly load?: string;
}

const pixels = GOOD.train_images.subarray(16);
const CASES: Record<string, Case> = {
  'fewer training labels than images': { bad: { train_labels: idx([3], [0, 1, 2]) }, key: 'train_labels', notes: ['train_images'], message: 'b.idx: holds 3 labels for the 4 images of ' },
  'more test labels than images': { bad: { test_labels: idx([5], [0, 1, 2, 0, 1]) }, key: 'test_labels', notes: ['test_images'], message: 'd.idx: holds 5 labels for the 4 images of ' },
  'test images of another size': {
    bad: { test_images: images(4, 3, 2) },
    key: 'test_images',
    notes: ['train_images'],
    message: 'c.idx: holds 3×2×1 images, but the training images are 2×2×1',
  },
  'training images of two dimensions': { bad: { train_images: idx([4, 4], [...pixels]) }, key: 'train_images', message: 'a.idx: holds 4×4 values of type u8; images need unsigned bytes' },
  'training images of float32 values': {
    bad: { train_images: Buffer.concat([Buffer.from([0, 0, 0x0d, 3, 0, 0, 0, 4, 0, 0, 0, 2, 0, 0, 0, 2]), Buffer.alloc(64)]) },
    key: 'train_images',
    message: 'a.idx: holds 4×2×2 values of type f32; images need unsigned bytes',
  },
  'test images of five dimensions': { bad: { test_images: idx([4, 2, 2, 1, 1], [...pixels]) }, key: 'test_images', message: 'c.idx: holds 4×2×2×1×1 values of type u8; images need' },
  'training labels of two dimensions': { bad: { train_labels: idx([2, 2], [0, 1, 2, 0]) }, key: 'train_labels', message: 'b.idx: holds 2×2 values of type u8; labels need one dimension of unsigned bytes' },
  'test labels of signed bytes': {
    bad: { test_labels: Buffer.from([0, 0, 9, 1, 0, 0, 0, 4, 2, 1, 0, 0]) },
    key: 'test_labels',
    message: 'd.idx: holds 4 values of type i8; labels need one dimension of unsigned bytes',
  },
  'a test label beyond the classes': {
    bad: { test_labels: idx([4], [0, 1, 3, 0]) },
    key: 'test_labels',
    message: 'd.idx: label 2 is 3, but the training labels have 3 classes (0 to 2)',
    load: 'd.idx: label 2 is 3, but the network has 3 classes',
  },
  // the training labels give the classes when checked: the output layer is then the one at fault
  'a training label beyond the classes': {
    bad: { train_labels: idx([4], [0, 3, 2, 0]) },
    key: 'train_labels',
    check: { code: 'NETC5001', key: 'units', message: "/a.idx has 4 classes, so the loss needs [4]; make the last dense layer 'units: 4'" },
    message: 'b.idx: label 1 is 3, but the network has 3 classes',
  },
};

describe('files that disagree with each other or with the network', () => {
  it.each(Object.entries(CASES))('%s', (_, c) => {
    const spec = specWith(c.bad);
    const check = c.check ?? { code: 'NETC7001', key: c.key, message: c.message };
    expect(checked(spec)).toEqual({ ...check, message: expect.stringContaining(check.message), notes: c.notes ?? [] });
    expect(loadedFor(spec)).toMatchObject({ code: 'NETC7001', key: c.key, message: expect.stringContaining(c.load ?? c.message) });
  });
});
