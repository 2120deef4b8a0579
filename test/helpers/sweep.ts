/** A tiny sweep to run for real: a dense network on 40 random 4×4 images of 3 classes. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { specFile, writeIdxDataset } from './modules.js';

const BASE = `netc: 1
name: tiny
input: { shape: [4, 4, 1] }
layers:
  - { name: flat, op: flatten }
  - { name: h, op: dense, units: 8, activation: relu }
  - { name: out, op: dense, units: 3, activation: softmax }
train:
  dataset: { idx: { train_images: train-images.idx, train_labels: train-labels.idx, test_images: test-images.idx, test_labels: test-labels.idx } }
  optimizer: { name: adam, learning_rate: 0.01 }
  batch_size: 8
  epochs: 3
  seed: 1
`;

/** A base spec on 40 random images of 3 classes, and a sweep file beside it. */
export function tinySweep(sweep: string): string {
  const base = specFile(BASE);
  const dir = join(base, '..');
  writeIdxDataset(dir, [4, 4, 1], 3, 40);
  const file = join(dir, 'sweep.yaml');
  writeFileSync(file, `netc: 1\nname: tiny-sweep\nsweep:\n  base: ./spec.yaml\n${sweep}`);
  return file;
}

