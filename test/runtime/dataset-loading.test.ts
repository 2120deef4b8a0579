/**
 * Loading a data set from IDX files written here byte by byte, and gathering batches from it,
 * against what the files hold: pixels scaled by 1/255 in file order, labels one-hot, limits
 * that keep the first examples, refusals of files that do not go together, and batches that
 * hold exactly the examples asked for, in the order asked for.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Batcher, loadDataset, loadImages, loadLabels } from '../../src/runtime/data/dataset.js';
import type { DatasetFiles } from '../../src/runtime/data/datasets.js';

/** An unsigned-byte IDX file: magic 0 0 0x08 rank, big-endian dimensions, the bytes. */
function idx(dims: number[], bytes: number[]): Buffer {
  const head = Buffer.alloc(4 + 4 * dims.length);
  head[2] = 0x08;
  head[3] = dims.length;
  dims.forEach((d, i) => head.writeUInt32BE(d, 4 + 4 * i));
  return Buffer.concat([head, Buffer.from(bytes)]);
}

function files(parts: { trainImages: Buffer; trainLabels: Buffer; testImages: Buffer; testLabels: Buffer }): DatasetFiles {
  const dir = mkdtempSync(join(tmpdir(), 'netc-dataset-'));
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(parts)) writeFileSync((out[k] = join(dir, k)), v);
  return out as unknown as DatasetFiles;
}

/** Three 2×2 training images whose pixels count up from 0, 255 at the corner of the third. */
const trainPixels = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 255];
const set = () =>
  files({
    trainImages: idx([3, 2, 2], trainPixels),
    trainLabels: idx([3], [2, 0, 1]),
    testImages: idx([2, 2, 2], [51, 102, 153, 204, 0, 0, 0, 0]),
    testLabels: idx([2], [1, 1]),
  });

describe('loadDataset', () => {
  it('scales pixels by 1/255 in file order, and makes labels one-hot', () => {
    const d = loadDataset(set(), 3);
    expect(d.imageShape).toEqual([2, 2, 1]);
    expect(d.numClasses).toBe(3);
    expect(d.train.count).toBe(3);
    expect(Array.from(d.train.images)).toEqual(trainPixels.map((p) => Math.fround(p / 255)));
    expect(d.train.images[11]).toBe(1);
    expect(Array.from(d.train.classes)).toEqual([2, 0, 1]);
    expect(Array.from(d.train.labels)).toEqual([0, 0, 1, 1, 0, 0, 0, 1, 0]);
    expect(Array.from(d.test.images.subarray(0, 4))).toEqual([0.2, 0.4, 0.6, 0.8].map(Math.fround));
    expect(Array.from(d.test.labels)).toEqual([0, 1, 0, 0, 1, 0]);
  });

  it('keeps the first examples when limited, and loads no training images for a limit of 0', () => {
    const d = loadDataset(set(), 3, { limit: 2, testLimit: 1 });
    expect([d.train.count, d.train.images.length, d.train.labels.length]).toEqual([2, 8, 6]);
    expect(Array.from(d.train.classes)).toEqual([2, 0]);
    expect([d.test.count, d.test.images.length, Array.from(d.test.classes)]).toEqual([1, 4, [1]]);
    const none = loadDataset(set(), 3, { limit: 0 });
    expect([none.train.count, none.train.images.length, none.test.count]).toEqual([0, 0, 2]);
    expect(none.imageShape).toEqual([2, 2, 1]);
    // a limit above the count keeps them all
    expect(loadDataset(set(), 3, { limit: 10 }).train.count).toBe(3);
  });

  it('reads images with channels: count × height × width × channels', () => {
    const f = files({
      trainImages: idx([1, 1, 2, 3], [0, 51, 102, 153, 204, 255]),
      trainLabels: idx([1], [0]),
      testImages: idx([1, 1, 2, 3], [0, 0, 0, 0, 0, 0]),
      testLabels: idx([1], [0]),
    });
    const d = loadDataset(f, 2);
    expect(d.imageShape).toEqual([1, 2, 3]);
    expect(Array.from(d.train.images)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1].map(Math.fround));
  });

  it('refuses test images of another shape than the training images', () => {
    const f = files({ ...partsOf(set()), testImages: idx([2, 1, 4], [0, 0, 0, 0, 0, 0, 0, 0]) });
    expect(() => loadDataset(f, 3)).toThrow(/holds 1×4×1 images, but the training images are 2×2×1/);
  });

  it('refuses as many labels as images only, and labels of a class the network lacks', () => {
    const parts = partsOf(set());
    expect(() => loadDataset(files({ ...parts, trainLabels: idx([2], [0, 1]) }), 3)).toThrow(/holds 2 labels for the 3 images/);
    expect(() => loadDataset(files({ ...parts, trainLabels: idx([3], [3, 0, 1]) }), 3)).toThrow(/label 0 is 3, but the network has 3 classes/);
    // the highest class is fine
    expect(Array.from(loadDataset(files({ ...parts, trainLabels: idx([3], [2, 2, 2]) }), 3).train.classes)).toEqual([2, 2, 2]);
  });

  it('refuses image files of fewer than three or more than four dimensions, and label files of more than one', () => {
    const f = partsOf(set());
    const dir = mkdtempSync(join(tmpdir(), 'netc-dataset-'));
    const path = (name: string, b: Buffer) => (writeFileSync(join(dir, name), b), join(dir, name));
    expect(() => loadImages(path('flat', idx([2, 4], [0, 0, 0, 0, 0, 0, 0, 0])))).toThrow(/images need unsigned bytes/);
    expect(() => loadImages(path('five', idx([1, 1, 1, 1, 2], [0, 0])))).toThrow(/images need unsigned bytes/);
    expect(loadImages(path('four', idx([1, 1, 1, 2], [0, 255]))).shape).toEqual([1, 1, 2]);
    expect(() => loadLabels(path('grid', idx([1, 2], [0, 0])), 3)).toThrow(/labels need one dimension/);
    expect(Array.from(loadLabels(path('labels', f.trainLabels), 3, 2))).toEqual([2, 0]);
  });
});

/** The file contents behind a set of paths, to build variants of it. */
function partsOf(f: DatasetFiles): { trainImages: Buffer; trainLabels: Buffer; testImages: Buffer; testLabels: Buffer } {
  const read = (p: string) => readFileSync(p);
  return { trainImages: read(f.trainImages), trainLabels: read(f.trainLabels), testImages: read(f.testImages), testLabels: read(f.testLabels) };
}

describe('Batcher', () => {
  it('gathers the examples asked for, in the order asked for, and only as many', () => {
    const d = loadDataset(set(), 3);
    const b = new Batcher(d.train, 2);
    expect([b.images.length, b.labels.length]).toEqual([8, 6]);
    const order = Uint32Array.of(1, 2, 0);
    expect(b.gather(order, 0, 2)).toBe(2);
    expect(Array.from(b.images)).toEqual([4, 5, 6, 7, 8, 9, 10, 255].map((p) => Math.fround(p / 255)));
    expect(Array.from(b.labels)).toEqual([1, 0, 0, 0, 1, 0]);
    // the last, partial batch overwrites the start of the buffers and leaves the rest
    expect(b.gather(order, 2, 1)).toBe(1);
    expect(Array.from(b.images.subarray(0, 4))).toEqual([0, 1, 2, 3].map((p) => Math.fround(p / 255)));
    expect(Array.from(b.labels.subarray(0, 3))).toEqual([0, 0, 1]);
    expect(Array.from(b.images.subarray(4))).toEqual([8, 9, 10, 255].map((p) => Math.fround(p / 255)));
  });
});
