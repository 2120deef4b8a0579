/**
 * What the compiler learns from a spec's IDX files (the image shape, the classes), from files
 * written byte by byte here: images with a channel dimension, a bad label at the very first
 * place, paths written in a base spec in another folder, and where a problem with a file that
 * no key names is reported.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dataFileLoc, datasetFacts } from '../../src/spec/dataset-facts.js';
import { loadSpec } from '../../src/spec/load.js';
import type { LoadedSpec } from '../../src/spec/types.js';

/** IDX bytes: 00 00 08 (unsigned bytes), the dimension count, the dimensions (big-endian), the data. */
function idx(dims: number[], data: number[]): Buffer {
  const head = Buffer.alloc(4 + 4 * dims.length);
  head[2] = 8;
  head[3] = dims.length;
  dims.forEach((d, i) => head.writeUInt32BE(d, 4 + 4 * i));
  return Buffer.concat([head, Buffer.from(data)]);
}
const pixels = (n: number) => Array.from({ length: n }, (_, i) => (i * 37) % 256);

/** A folder with the four files (a.idx to d.idx) and a spec naming them; returns the folder. */
function dataset(files: { trainImages: Buffer; trainLabels: Buffer; testImages: Buffer; testLabels: Buffer }, sub = ''): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'netc-facts-')), sub);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'a.idx'), files.trainImages);
  writeFileSync(join(dir, 'b.idx'), files.trainLabels);
  writeFileSync(join(dir, 'c.idx'), files.testImages);
  writeFileSync(join(dir, 'd.idx'), files.testLabels);
  return dir;
}

const SPEC = `netc: 1
name: facts
input: { shape: [2, 2, 3] }
layers:
  - { name: flat, op: flatten }
  - { name: out, op: dense, units: 3, activation: softmax }
train:
  dataset:
    idx: { train_images: a.idx, train_labels: b.idx, test_images: c.idx, test_labels: d.idx }
`;

function load(file: string): LoadedSpec {
  const r = loadSpec(file);
  expect(r.diagnostics).toEqual([]);
  return r.loaded!;
}

/** Four 2×2 images of 3 channels, labelled 0, 1, 2, 0. */
const GOOD = {
  trainImages: idx([4, 2, 2, 3], pixels(48)),
  trainLabels: idx([4], [0, 1, 2, 0]),
  testImages: idx([2, 2, 2, 3], pixels(24)),
  testLabels: idx([2], [2, 1]),
};

describe('datasetFacts', () => {
  it('images of count × height × width × channels', () => {
    const dir = dataset(GOOD);
    writeFileSync(join(dir, 'spec.yaml'), SPEC);
    const { spec, map } = load(join(dir, 'spec.yaml'));
    expect(datasetFacts(spec.train!.dataset, map, spec.input.shape)).toEqual({ label: join(dir, 'a.idx'), image: [2, 2, 3], classes: 3 });
  });

  it('images of five dimensions are not images', () => {
    const dir = dataset({ ...GOOD, trainImages: idx([4, 2, 2, 3, 1], pixels(48)) });
    writeFileSync(join(dir, 'spec.yaml'), SPEC);
    const { spec, map } = load(join(dir, 'spec.yaml'));
    const d = datasetFacts(spec.train!.dataset, map, spec.input.shape);
    expect(d).toMatchObject({
      code: 'NETC7001',
      message: `${join(dir, 'a.idx')}: holds 4×2×2×3×1 values of type u8; images need unsigned bytes, count × height × width (× channels)`,
    });
  });

  it('the first test label beyond the classes is found', () => {
    const dir = dataset({ ...GOOD, testLabels: idx([2], [3, 1]) });
    writeFileSync(join(dir, 'spec.yaml'), SPEC);
    const { spec, map } = load(join(dir, 'spec.yaml'));
    expect(datasetFacts(spec.train!.dataset, map, spec.input.shape)).toMatchObject({
      code: 'NETC7001',
      message: `${join(dir, 'd.idx')}: label 0 is 3, but the training labels have 3 classes (0 to 2)`,
      loc: { file: join(dir, 'spec.yaml'), line: 9, column: SPEC.split('\n')[8]!.indexOf('d.idx') + 1 },
    });
  });

  it('paths written in a base spec in another folder are relative to the base', () => {
    const dataDir = dataset(GOOD, 'base');
    writeFileSync(join(dataDir, 'base.yaml'), SPEC);
    const variant = join(dataDir, '..', 'variant.yaml');
    writeFileSync(variant, 'netc: 1\nname: variant\nextends: ./base/base.yaml\ntrain: { epochs: 1 }\n');
    const { spec, map } = load(variant);
    expect(datasetFacts(spec.train!.dataset, map, spec.input.shape)).toEqual({ label: join(dataDir, 'a.idx'), image: [2, 2, 3], classes: 3 });
  });
});

describe('dataFileLoc', () => {
  it('a file no key names is blamed on the dataset key', () => {
    const dir = dataset(GOOD);
    writeFileSync(join(dir, 'spec.yaml'), SPEC);
    const { map } = load(join(dir, 'spec.yaml'));
    const datasetValue = { file: join(dir, 'spec.yaml'), line: 9, column: 5 };
    expect(dataFileLoc(map, undefined, join(dir, 'a.idx'))).toMatchObject(datasetValue);
    const files = { trainImages: 'a', trainLabels: 'b', testImages: 'c', testLabels: 'd' };
    expect(dataFileLoc(map, files, 'elsewhere.idx')).toMatchObject(datasetValue);
    expect(dataFileLoc(map, files, 'c')).toMatchObject({ line: 9, column: SPEC.split('\n')[8]!.indexOf('c.idx') + 1 });
  });
});
