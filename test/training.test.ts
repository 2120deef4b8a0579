/**
 * The first training run: the tutorial's LeNet-5, through its committed generated module, on
 * the first 2,000 MNIST training images for one epoch. The loss must fall and accuracy on 1,000
 * test images be far above chance (10%).
 */
import { describe, expect, it } from 'vitest';
import { createModel } from '../generated/lenet5.js';
import { Batcher, loadDataset } from '../src/runtime/data/dataset.js';
import { datasetFiles, type DatasetFiles } from '../src/runtime/data/datasets.js';

function accuracy(probs: Float32Array, classes: Uint8Array): number {
  let right = 0;
  classes.forEach((c, i) => {
    let best = 0;
    for (let k = 1; k < 10; k++) if (probs[i * 10 + k]! > probs[i * 10 + best]!) best = k;
    if (best === c) right++;
  });
  return right / classes.length;
}

describe('LeNet-5 on 2,000 MNIST images', () => {
  it('learns in one epoch', () => {
    const ds = loadDataset(datasetFiles('mnist', '.') as DatasetFiles, 10, { limit: 2000, testLimit: 1000 });
    const model = createModel({ seed: 1 });
    const before = accuracy(model.predict(ds.test.images), ds.test.classes);
    const batcher = new Batcher(ds.train, 128);
    const order = Uint32Array.from({ length: ds.train.count }, (_, i) => i);
    const losses: number[] = [];
    for (let s = 0; s < ds.train.count; s += 128) {
      const n = batcher.gather(order, s, Math.min(128, ds.train.count - s));
      losses.push(model.trainStep(batcher.images, batcher.labels, n));
    }
    const after = accuracy(model.predict(ds.test.images), ds.test.classes);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(losses.every(Number.isFinite)).toBe(true);
    expect(mean(losses.slice(-4))).toBeLessThan(0.75 * mean(losses.slice(0, 4)));
    expect(before).toBeLessThan(0.25);
    expect(after).toBeGreaterThan(0.6);
  });
});
