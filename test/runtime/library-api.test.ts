/**
 * The runtime API for programs (`netc/runtime`): fit gives the figures and parameters `netc
 * train` gives, evaluate what `netc eval` prints; checkpoints load from a path or bytes and
 * refuse what does not fit; batches feed what fit feeds; data sets load IDX files, image
 * folders and arrays, and say what is wrong with them.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createModel } from '../../generated/lenet5.js';
import { createModel as createWide } from '../../generated/lenet5-wide.js';
import { createModel as createMnistFast } from '../../generated/mnist-fast.js';
import { createModel as createDistorted } from '../../generated/lenet5-1998-distorted.js';
import { batches, checkpointBytes, CheckpointError, datasets, evaluate, fit, loadCheckpoint, saveCheckpoint } from '../../src/runtime/index.js';
import { readCheckpoint } from '../../src/runtime/checkpoint.js';
import { runCli } from '../helpers/cli.js';
import { mnistImages, writeMnistFolder } from '../helpers/image-folder.js';
import { compileAndImport, specFile, writeIdxDataset } from '../helpers/modules.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'netc-api-'));
/** metrics without the timings, which differ from run to run */
const figures = (epochs: readonly Record<string, number>[]) => epochs.map(({ seconds: _s, images_per_s: _r, ...rest }) => rest);

describe('fit and evaluate', () => {
  it('train as netc train does and evaluate as netc eval does: the same figures, the same bits', async () => {
    const run = tmp();
    const train = await runCli(['train', 'specs/lenet5.yaml', '--limit', '600', '--seed', '3', '--epochs', '2', '--out', run, '--no-progress']);
    expect(train.code).toBe(0);
    const evaluated = await runCli(['eval', run, '--json']);
    expect(evaluated.code).toBe(0);
    const cli = JSON.parse(evaluated.stdout) as { loss: number; accuracy: number; confusion: number[][] };
    const metrics = JSON.parse(readFileSync(join(run, 'metrics.json'), 'utf8')) as { epochs: Record<string, number>[] };

    const model = createModel({ seed: 3 });
    const data = await datasets.mnist({ limit: 600 });
    const end = await fit(model, data, { epochs: 2 });
    expect(end.kind).toBe('done');
    expect(figures(end.history as unknown as Record<string, number>[])).toEqual(figures(metrics.epochs));
    expect(model.getParameters()).toEqual({ ...readCheckpoint(join(run, 'checkpoint.netc')).params });
    expect(evaluate(model, data.test)).toEqual({ loss: cli.loss, accuracy: cli.accuracy });
    const { confusion } = evaluate(model, data.test, { confusion: true });
    expect(confusion).toEqual(cli.confusion);
    expect(confusion!.flat().reduce((a, b) => a + b, 0)).toBe(10_000);

    // the checkpoint netc train wrote, loaded into a new model, evaluates the same
    const loaded = createModel({ seed: 1 });
    const header = await loadCheckpoint(loaded, join(run, 'checkpoint.netc'));
    expect(header.progress.epoch).toBe(2);
    expect(loaded.step).toBe(model.step);
    expect(JSON.stringify(evaluate(loaded, data.test))).toBe(JSON.stringify({ loss: cli.loss, accuracy: cli.accuracy }));
  });

  it('stops after the current step when its signal is aborted', async () => {
    const model = createModel({ seed: 1 });
    const data = await datasets.mnist({ limit: 1000, testLimit: 100 });
    const stop = new AbortController();
    const end = await fit(model, data, { epochs: 3, signal: stop.signal, onStep: (r) => r.batch === 2 && stop.abort() });
    expect(end).toMatchObject({ kind: 'stopped', at: { epoch: 0, batch: 2 }, history: [] });
    expect(model.step).toBe(2);
  });

  it('feeds the batches a program gets from batches(): its own loop ends where fit ends', async () => {
    const data = await datasets.mnist({ limit: 500, testLimit: 10 });
    const fitted = createModel({ seed: 7 });
    await fit(fitted, data, { epochs: 1, batchSize: 64 });
    const own = createModel({ seed: 7 });
    const seen: number[] = [];
    for (const b of batches(data.train, { batchSize: 64, seed: 7, epoch: 0 })) {
      seen.push(b.n);
      own.trainStep(b.images, b.labels, b.n);
    }
    expect(seen).toEqual([64, 64, 64, 64, 64, 64, 64, 52]);
    expect(own.getParameters()).toEqual(fitted.getParameters());
  });
});

describe("fit follows the spec's training setup unless told otherwise", () => {
  /** netc train's parameters after `args` (its run folder's checkpoint) */
  const trained = async (args: string[]) => {
    const run = tmp();
    const r = await runCli(['train', ...args, '--seed', '3', '--out', run, '--no-progress']);
    expect(r.code, r.stderr).toBe(0);
    return { ...readCheckpoint(join(run, 'checkpoint.netc')).params };
  };

  it("the spec's epochs and learning-rate schedule (mnist-fast: one epoch of one-cycle)", async () => {
    const cli = await trained(['specs/mnist-fast.yaml', '--limit', '640']);
    const data = await datasets.mnist({ limit: 640, testLimit: 10 });
    const model = createMnistFast({ seed: 3 });
    const end = await fit(model, data);
    expect(end.history).toHaveLength(1);
    expect(model.getParameters()).toEqual(cli);
    // the schedule made a difference: at the model's constant rate the weights end elsewhere
    const constant = createMnistFast({ seed: 3 });
    await fit(constant, data, { learningRateAt: false });
    expect(constant.getParameters()['out.w']).not.toEqual(cli['out.w']);
  });

  it("the spec's augmentation (lenet5-1998-distorted), which augment: false turns off", async () => {
    const cli = await trained(['specs/lenet5-1998-distorted.yaml', '--limit', '256', '--epochs', '1']);
    const data = await datasets.mnist({ limit: 256, testLimit: 10 });
    const model = createDistorted({ seed: 3 });
    await fit(model, data, { epochs: 1 });
    expect(model.getParameters()).toEqual(cli);
    const plain = createDistorted({ seed: 3 });
    await fit(plain, data, { epochs: 1, augment: false });
    expect(plain.getParameters()).not.toEqual(cli);
  });

  it("the spec's early stopping, which earlyStopping: false turns off", async () => {
    // a min_delta no epoch can beat: the second epoch does not improve, and patience 0 stops there
    const file = specFile(`netc: 1
name: stops
input: { shape: [4, 4, 1] }
layers:
  - { name: flat, op: flatten }
  - { name: out, op: dense, units: 2, activation: softmax }
train:
  dataset: { idx: { train_images: train-images.idx, train_labels: train-labels.idx, test_images: test-images.idx, test_labels: test-labels.idx } }
  batch_size: 4
  epochs: 5
  early_stopping: { monitor: val_loss, patience: 0, min_delta: 100 }
`);
    writeIdxDataset(join(file, '..'), [4, 4, 1], 2, 16);
    const { module } = await compileAndImport(file);
    expect(module.info.training).toEqual({ epochs: 5, earlyStopping: { monitor: 'val_loss', patience: 0, min_delta: 100 } });
    const data = datasets.fromArrays({
      train: { images: new Uint8Array(16 * 16).map((_, i) => (i * 37) % 256), labels: Uint8Array.from({ length: 16 }, (_, i) => i % 2) },
      test: { images: new Uint8Array(4 * 16).fill(9), labels: Uint8Array.from([0, 1, 0, 1]) },
      shape: [4, 4, 1],
      classes: 2,
    });
    const stopped = await fit(module.createModel({ seed: 1 }), data);
    expect(stopped).toMatchObject({ kind: 'early_stopped', epoch: 2, best: 1 });
    expect(stopped.history).toHaveLength(2);
    const all = await fit(module.createModel({ seed: 1 }), data, { earlyStopping: false });
    expect(all.kind).toBe('done');
    expect(all.history).toHaveLength(5);
  });
});

describe('checkpoints', () => {
  it('save and load through a file or bytes, parameters, optimizer state and step', async () => {
    const model = createModel({ seed: 2 });
    await fit(model, await datasets.mnist({ limit: 256, testLimit: 10 }), { epochs: 1 });
    const file = join(tmp(), 'checkpoint.netc');
    saveCheckpoint(model, file, { epochs: 1 });
    const bytes = readFileSync(file);
    expect(readCheckpoint(file).header).toMatchObject({ model: 'lenet5', seed: 2, progress: { epoch: 1, step: 2 } });
    expect(Buffer.compare(Buffer.from(checkpointBytes(model, { epochs: 1 })), bytes)).toBe(0);
    for (const from of [file, new Uint8Array(bytes), bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length)]) {
      const copy = createModel({ seed: 9 });
      await loadCheckpoint(copy, from);
      expect(copy.getParameters()).toEqual(model.getParameters());
      expect(copy.getOptimizerState()).toEqual(model.getOptimizerState());
    }
  });

  it('saved with the spec, are what netc eval evaluates; without it, netc eval says what is missing', async () => {
    const model = createModel({ seed: 2 });
    const data = await datasets.mnist({ limit: 256, testLimit: 500 });
    await fit(model, data, { epochs: 1 });
    const dir = tmp();
    saveCheckpoint(model, join(dir, 'with.netc'), { epochs: 1, spec: readFileSync('specs/lenet5.yaml', 'utf8') });
    saveCheckpoint(model, join(dir, 'without.netc'));
    const r = await runCli(['eval', join(dir, 'with.netc'), '--json', '--limit', '500']);
    expect(r.code).toBe(0);
    const { loss, accuracy } = JSON.parse(r.stdout) as { loss: number; accuracy: number };
    expect({ loss, accuracy }).toEqual(evaluate(model, data.test));
    const refused = await runCli(['eval', join(dir, 'without.netc')]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("without.netc: holds no spec to compile the model from; a program saved it: pass the spec's YAML to saveCheckpoint(model, path, { spec })");
  });

  it('refuse a checkpoint of another network, a damaged one and a missing file, saying why', async () => {
    const file = join(tmp(), 'checkpoint.netc');
    saveCheckpoint(createModel({ seed: 1 }), file);
    const wide = createWide({ seed: 1 });
    await expect(loadCheckpoint(wide, file)).rejects.toThrow(CheckpointError);
    await expect(loadCheckpoint(wide, file)).rejects.toThrow(/checkpoint\.netc: does not fit the model lenet5-wide: .*; compile the spec the checkpoint was trained from/);
    const bytes = readFileSync(file);
    await expect(loadCheckpoint(createModel(), bytes.subarray(0, bytes.length - 10))).rejects.toThrow('the checkpoint bytes: is damaged or truncated');
    await expect(loadCheckpoint(createModel(), join(tmp(), 'none.netc'))).rejects.toThrow(/none\.netc: does not exist/);
  });
});

describe('datasets', () => {
  it('takes arrays a program holds: bytes scaled to [0, 1], labels one-hot, a validation split held out', () => {
    const images = Uint8Array.from({ length: 10 * 4 }, (_, i) => i % 256);
    const labels = [0, 1, 2, 0, 1, 2, 0, 1, 2, 0];
    const data = datasets.fromArrays({ train: { images, labels }, test: { images: new Float32Array(4), labels: [2] }, shape: [2, 2, 1], classes: 3 }, { validationSplit: 0.2 });
    expect(data.train.count).toBe(8);
    expect(data.validation!.count).toBe(2);
    expect(data.train.images[5]).toBeCloseTo(5 / 255, 7);
    expect(Array.from(data.validation!.labels)).toEqual([0, 0, 1, 1, 0, 0]); // the last two: classes 2 and 0
    expect(() => datasets.fromArrays({ train: { images, labels: [0, 1] }, test: { images, labels }, shape: [2, 2, 1], classes: 3 })).toThrow('train: 2 labels need 2 images of 2×2×1, 8 values; the images hold 40');
    expect(() => datasets.fromArrays({ train: { images, labels }, test: { images: new Float32Array(4), labels: [3] }, shape: [2, 2, 1], classes: 3 })).toThrow('test: label 0 is 3, not a class from 0 to 2');
  });

  it('reads IDX files and image folders as netc train does, and names the file at fault', async () => {
    const mnist = await datasets.mnist({ limit: 20, testLimit: 20 });
    expect(mnist).toMatchObject({ imageShape: [28, 28, 1], numClasses: 10, train: { count: 20 }, test: { count: 20 } });
    const missing = join(tmp(), 'train-images-idx3-ubyte');
    await expect(datasets.idx({ trainImages: missing, trainLabels: missing, testImages: missing, testLabels: missing }, { classes: 10 })).rejects.toThrow(`${missing}: does not exist`);

    const dir = tmp();
    writeMnistFolder(dir, mnistImages('train', 40));
    const folder = await datasets.imageFolder(dir, { shape: [28, 28, 1] });
    expect(folder.classNames).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    expect(folder.train.count + folder.test.count).toBe(40);
    // every decoded image is one of the PNG files' pixels, scaled as the IDX loader scales them
    const sums = (s: typeof folder.train) => Array.from({ length: s.count }, (_, i) => Math.round(s.images.subarray(i * 784, (i + 1) * 784).reduce((a, b) => a + b, 0) * 255));
    const original = mnistImages('train', 40).pixels;
    const want = Array.from({ length: 40 }, (_, i) => original.subarray(i * 784, (i + 1) * 784).reduce((a, b) => a + b, 0)).sort();
    expect([...sums(folder.train), ...sums(folder.test)].sort()).toEqual(want);
    await expect(datasets.imageFolder(join(dir, 'nothing'), { shape: [28, 28, 1] })).rejects.toThrow(`${join(dir, 'nothing')} does not exist`);
  });
});
