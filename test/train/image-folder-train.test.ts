/**
 * Training on an images folder of MNIST digits (PNG files, one folder per digit) ends exactly
 * where training on IDX files of the same images in the same order ends: the decoded tensors are
 * the IDX bytes bit for bit, and so are the trained parameters, the accuracy and every figure.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readCheckpoint } from '../../src/runtime/checkpoint.js';
import { loadDataset } from '../../src/runtime/data/dataset.js';
import { loadImageFolder, planImageFolder } from '../../src/runtime/data/image-folder.js';
import { runCli } from '../helpers/cli.js';
import { mnistImages, writeMnistFolder, type MnistImages } from '../helpers/image-folder.js';

/** The bytes of a typed array: vitest's toEqual takes seconds on half a million floats. */
const bytes = (a: Float32Array | Uint8Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

const TRAIN = 600;
const TEST = 200;

/** An IDX file of unsigned bytes. */
function idx(path: string, dims: number[], data: Uint8Array): void {
  const header = Buffer.alloc(4 + 4 * dims.length);
  header.writeUInt32BE(0x0800 + dims.length, 0);
  dims.forEach((d, i) => header.writeUInt32BE(d, 4 + 4 * i));
  writeFileSync(path, Buffer.concat([header, data]));
}

/** The images of `files` (named by their MNIST index), in that order, as IDX images and labels. */
function idxInOrder(dir: string, name: string, files: readonly string[], from: MnistImages): void {
  const images = new Uint8Array(files.length * 784);
  const labels = new Uint8Array(files.length);
  files.forEach((f, k) => {
    const i = Number(basename(f, '.png'));
    images.set(from.pixels.subarray(i * 784, (i + 1) * 784), k * 784);
    labels[k] = from.labels[i]!;
  });
  idx(join(dir, `${name}-images`), [files.length, 28, 28], images);
  idx(join(dir, `${name}-labels`), [files.length], labels);
}

const spec = (dataset: string) => `netc: 1
name: small
input: { shape: [28, 28, 1] }
layers:
  - { name: c1, op: conv2d, filters: 6, kernel: 5, activation: tanh }
  - { name: s2, op: avgpool2d, pool: 2, stride: 2 }
  - { name: flat, op: flatten }
  - { name: out, op: dense, units: 10, activation: softmax }
train:
  dataset: ${dataset}
  batch_size: 50
  epochs: 2
  seed: 4
`;

describe('an images folder of MNIST PNGs', () => {
  const dir = mkdtempSync(join(tmpdir(), 'netc-folder-train-'));
  const train = mnistImages('train', TRAIN);
  const test = mnistImages('test', TEST);

  beforeAll(() => {
    writeMnistFolder(join(dir, 'train'), train);
    writeMnistFolder(join(dir, 'test'), test);
    // the IDX files hold the same images in the order the folder's data set keeps them
    const folder = loadImageFolder(planImageFolder(join(dir, 'train'), join(dir, 'test')), [28, 28, 1], 10);
    idxInOrder(dir, 'train', folder.files.train, train);
    idxInOrder(dir, 'test', folder.files.test, test);
    writeFileSync(join(dir, 'folder.yaml'), spec('{ images: ./train, test: ./test }'));
    writeFileSync(join(dir, 'idx.yaml'), spec('{ idx: { train_images: train-images, train_labels: train-labels, test_images: test-images, test_labels: test-labels } }'));
  });

  it('decodes to the IDX tensors bit for bit', () => {
    const folder = loadImageFolder(planImageFolder(join(dir, 'train'), join(dir, 'test')), [28, 28, 1], 10);
    expect(folder.decoded).toBe(0); // the cache beforeAll wrote
    const files = { trainImages: join(dir, 'train-images'), trainLabels: join(dir, 'train-labels'), testImages: join(dir, 'test-images'), testLabels: join(dir, 'test-labels') };
    const ref = loadDataset(files, 10);
    for (const split of ['train', 'test'] as const) {
      expect(folder[split].count).toBe(split === 'train' ? TRAIN : TEST);
      for (const k of ['images', 'labels', 'classes'] as const) expect(bytes(folder[split][k]).equals(bytes(ref[split][k])), `${split} ${k}`).toBe(true);
    }
  });

  it('trains to the same accuracy, figures and parameters as the IDX files', async () => {
    const runs = { folder: join(dir, 'run-folder'), idx: join(dir, 'run-idx') };
    for (const [name, out] of Object.entries(runs)) {
      const r = await runCli(['train', join(dir, `${name}.yaml`), '--out', out, '--no-progress']);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
    }
    const figures = (run: string) => {
      const m = JSON.parse(readFileSync(join(run, 'metrics.json'), 'utf8'));
      return { test: m.test, epochs: m.epochs.map(({ seconds: _s, images_per_s: _r, ...rest }: Record<string, number>) => rest) };
    };
    const folder = figures(runs.folder);
    expect(folder).toEqual(figures(runs.idx));
    expect(folder.test.accuracy).toBeGreaterThan(0.5); // it learned something: 2 epochs of 600 digits
    expect(readCheckpoint(join(runs.folder, 'checkpoint.netc')).params).toEqual(readCheckpoint(join(runs.idx, 'checkpoint.netc')).params);
  });
});
