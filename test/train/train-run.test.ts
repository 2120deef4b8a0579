/**
 * A training run as `netc train` makes one (src/driver/train-run.ts), in-process: the validation
 * split held out of the training images, early stopping with the best epoch kept as best.netc,
 * and a resumed run that early stopping had ended. The truths are the data the test wrote and
 * evaluations the test makes itself from the checkpoints.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { newRun, resumeRun, train, type RunOverrides, type TrainRun } from '../../src/driver/train-run.js';
import { BEST_CHECKPOINT, CHECKPOINT, METRICS, SPEC, type Metrics } from '../../src/driver/run-folder.js';
import { writeRunReport } from '../../src/report/run-report.js';
import { readCheckpoint } from '../../src/runtime/checkpoint.js';
import { loadDataset, slice, type Dataset } from '../../src/runtime/data/dataset.js';
import { restoreTraining } from '../../src/runtime/training/resume.js';
import pngjs from 'pngjs';
import { pixelRange } from '../../src/report/digits.js';
import { Augmenter } from '../../src/runtime/data/augment.js';
import { epochOrder, evaluate } from '../../src/runtime/training/loop.js';
import { runCli } from '../helpers/cli.js';
import { specFile, writeIdxDataset } from '../helpers/modules.js';

const IMAGES = 40;

/** A small dense network on 40 random 4×4 images of 3 classes, with `train` lines added. */
function spec(trainLines: string): string {
  const file = specFile(`netc: 1
name: split
input: { shape: [4, 4, 1] }
layers:
  - { name: flat, op: flatten }
  - { name: h, op: dense, units: 8, activation: relu }
  - { name: out, op: dense, units: 3, activation: softmax }
train:
  dataset: { idx: { train_images: train-images.idx, train_labels: train-labels.idx, test_images: test-images.idx, test_labels: test-labels.idx } }
  optimizer: { name: adam, learning_rate: 0.01 }
  batch_size: 8
${trainLines}`);
  writeIdxDataset(join(file, '..'), [4, 4, 1], 3, IMAGES);
  return file;
}

const runsDir = () => mkdtempSync(join(resolve('test/.generated'), 'runs-'));
const options = (out: string): RunOverrides => ({ backend: 'fast', threads: 1, out, epochs: 5 });

async function prepared(file: string, o: RunOverrides): Promise<TrainRun> {
  const run = await newRun(file, o);
  if (!('module' in run)) throw new Error(run.diagnostics.map((d) => d.message).join('\n'));
  return run;
}

describe('a training run', () => {
  it('holds the last validation_split of the training images out, validates on them, and tests on the test set at the end', async () => {
    const out = join(runsDir(), 'run');
    const run = await prepared(spec('  validation_split: 0.25\n'), options(out));
    let seen: Dataset | undefined;
    const end = await train(run, { onStart: ({ data }) => (seen = data) });
    expect(end.kind).toBe('done');
    // as Keras: the first ⌊40 · 0.75⌋ = 30 images train, the last 10 validate
    expect(seen!.train.count).toBe(30);
    expect(seen!.validation!.count).toBe(10);
    const pixel = (i: number) => ((i * 37) % 256) / 255; // writeIdxDataset's pixels, image after image
    expect(seen!.train.images[30 * 16 - 1]).toBeCloseTo(pixel(30 * 16 - 1), 6);
    expect(seen!.validation!.images[0]).toBeCloseTo(pixel(30 * 16), 6);
    expect(Array.from(seen!.validation!.classes)).toEqual(Array.from({ length: 10 }, (_, k) => (30 + k) % 3));

    const metrics = JSON.parse(readFileSync(join(out, METRICS), 'utf8')) as Metrics;
    expect(metrics.validation).toEqual({ split: 0.25, images: 10 });
    // the last epoch's val_* are the held-out images' figures, as a model restored from the checkpoint gives them
    const c = readCheckpoint(join(out, CHECKPOINT));
    const model = run.module.createModel({ backend: 'fast', threads: 1 });
    try {
      expect(restoreTraining(model, { ...c, progress: c.header.progress })).toBeUndefined();
      const dir = join(run.file, '..');
      const all = loadDataset({ trainImages: join(dir, 'train-images.idx'), trainLabels: join(dir, 'train-labels.idx'), testImages: join(dir, 'test-images.idx'), testLabels: join(dir, 'test-labels.idx') }, 3);
      const val = evaluate(model, slice(all.train, 30, 40), 'categorical_crossentropy');
      const last = metrics.epochs[4]!;
      expect(last.val_loss).toBeCloseTo(val.loss, 6);
      expect(last.val_accuracy).toBe(val.accuracy);
      const test = evaluate(model, seen!.test, 'categorical_crossentropy');
      expect(metrics.test).toEqual({ loss: expect.closeTo(test.loss, 6), accuracy: test.accuracy });
      if (end.kind === 'done') expect(end.test.accuracy).toBe(test.accuracy);
    } finally {
      model.close();
    }
  });

  it('refuses a validation_split that leaves nothing to train on, at its line', async () => {
    const file = spec('  validation_split: 0.5\n');
    const run = await prepared(file, { ...options(join(runsDir(), 'run')), limit: 1 });
    const end = await train(run);
    expect(end.kind).toBe('failed');
    if (end.kind !== 'failed') return;
    expect(end.diagnostics.map((d) => [d.code, d.loc?.line, d.loc?.column])).toEqual([['NETC7010', 12, 21]]);
    expect(end.diagnostics[0]!.message).toBe('validation_split 0.5 of 1 training images leaves none to train on; lower it, or train on more images');
  });

  it('stops early once the watched figure has not improved for `patience` epochs, keeping the best epoch as best.netc', async () => {
    // no change of the training loss is an improvement of at least 1000: epoch 1 is the best, 2 and 3 wait, 3 stops
    const out = join(runsDir(), 'run');
    const run = await prepared(spec('  early_stopping: { monitor: loss, patience: 2, min_delta: 1000 }\n'), options(out));
    const verdicts: unknown[] = [];
    let report = '';
    const end = await train(run, {
      onEpoch: (m, v) => verdicts.push([m.epoch, v]),
      afterTraining: async ({ model, data, metrics }) => {
        report = readFileSync(await writeRunReport({ dir: out, metrics, specFile: join(out, SPEC), model, data }), 'utf8');
      },
    });
    expect(end.kind === 'done' && end.early).toEqual({ epoch: 3, best: 1 });
    expect(verdicts).toEqual([
      [1, { improved: true, waited: 0, stop: false }],
      [2, { improved: false, waited: 1, stop: false }],
      [3, { improved: false, waited: 2, stop: true }],
    ]);
    const metrics = JSON.parse(readFileSync(join(out, METRICS), 'utf8')) as Metrics;
    expect(metrics.epochs.map((e) => e.epoch)).toEqual([1, 2, 3]);
    expect(metrics.early_stopping).toEqual({ monitor: 'loss', patience: 2, min_delta: 1000, best_epoch: 1, best: metrics.epochs[0]!.train_loss, stopped_after: 3 });
    const best = readCheckpoint(join(out, BEST_CHECKPOINT));
    const last = readCheckpoint(join(out, CHECKPOINT));
    expect(best.header.progress).toMatchObject({ epoch: 1, batch: 0, step: 5 });
    expect(last.header.progress).toMatchObject({ epoch: 3, batch: 0, step: 15 });
    expect(best.params['out.w']).not.toEqual(last.params['out.w']);
    expect(report).toContain('Early stopping watched loss (patience 2, min_delta 1000) and stopped training after epoch 3; the best epoch was 1');
    expect(report).toContain('>1 (best)</td>');
    // the run is over, though it had 5 epochs: resuming it trains nothing
    expect(await resumeRun(out, { threads: 1 })).toEqual({ finished: { epochs: 5, early: 3 } });
  });

  it('without early stopping writes no best.netc, and early stopping with the default patience stops at the first epoch without improvement', async () => {
    const plain = join(runsDir(), 'run');
    await train(await prepared(spec(''), { ...options(plain), epochs: 1 }));
    expect(existsSync(join(plain, CHECKPOINT))).toBe(true);
    expect(existsSync(join(plain, BEST_CHECKPOINT))).toBe(false);
    const out = join(runsDir(), 'run');
    const end = await train(await prepared(spec('  validation_split: 0.2\n  early_stopping: { min_delta: 1000 }\n'), options(out)));
    expect(end.kind === 'done' && end.early).toEqual({ epoch: 2, best: 1 });
  });

  it('with augment, a run stopped mid-epoch and resumed ends with the bits of the uninterrupted run, and other bits than without augment', async () => {
    const file = spec('  augment: { shift: 1, rotate: 15, scale: 0.1 }\n');
    const whole = join(runsDir(), 'run');
    await train(await prepared(file, { ...options(whole), epochs: 2 }));
    const parts = join(runsDir(), 'run');
    let steps = 0;
    const first = await train(await prepared(file, { ...options(parts), epochs: 2 }), { onStep: () => steps++, shouldStop: () => steps >= 7 });
    expect(first).toMatchObject({ kind: 'stopped', at: { epoch: 1, batch: 2 } });
    const resumed = await resumeRun(parts, { threads: 1 });
    if (!('module' in resumed)) throw new Error('not resumable');
    expect((await train(resumed)).kind).toBe('done');
    const a = readCheckpoint(join(whole, CHECKPOINT));
    const b = readCheckpoint(join(parts, CHECKPOINT));
    for (const name of Object.keys(a.params)) expect(b.params[name], name).toEqual(a.params[name]);
    const plain = join(runsDir(), 'run');
    await train(await prepared(spec(''), { ...options(plain), epochs: 2 }));
    expect(readCheckpoint(join(plain, CHECKPOINT)).params['h.w']).not.toEqual(a.params['h.w']);
  });

  it('netc train --show-augment N draws the first N images of epoch 1 as it distorts them, into augment.png', async () => {
    const file = spec('  augment: { shift: 1, rotate: 30 }\n');
    const out = join(runsDir(), 'run');
    const r = await runCli(['train', file, '--epochs', '1', '--show-augment', '5', '--out', out, '--no-progress', '--threads', '1']);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain(`the first 5 training images as the first epoch distorts them: ${join(out, 'augment.png')}`);
    const png = pngjs.PNG.sync.read(readFileSync(join(out, 'augment.png')));
    // 3 columns and 2 rows of 4×4 images drawn 2× with 2-pixel gaps
    expect([png.width, png.height]).toEqual([3 * 10 + 2, 2 * 10 + 2]);
    // the third image of the grid is the third of epoch 1's order, distorted with its own key
    const run = await prepared(file, options(join(runsDir(), 'run')));
    const dir = join(run.file, '..');
    const all = loadDataset({ trainImages: join(dir, 'train-images.idx'), trainLabels: join(dir, 'train-labels.idx'), testImages: join(dir, 'test-images.idx'), testLabels: join(dir, 'test-labels.idx') }, 3);
    const i = epochOrder(IMAGES, 0, 0)[2]!;
    const a = new Augmenter({ shift: 1, rotate: 30 }, [4, 4, 1], 0);
    const image = new Float32Array(16);
    a.distort(all.train.images, i * 16, image, 0, a.key(0, i));
    const range = pixelRange(all.train);
    for (let y = 0; y < 4; y++) {
      for (let x = 0; x < 4; x++) {
        const byte = Math.max(0, Math.min(255, Math.round((255 * (image[y * 4 + x]! - range.lo)) / (range.hi - range.lo))));
        expect(png.data[((2 + 2 * y) * png.width + 2 + 2 * 10 + 2 * x) * 4], `pixel ${x}, ${y}`).toBe(byte);
      }
    }
  });
});
