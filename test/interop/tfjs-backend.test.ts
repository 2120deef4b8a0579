/**
 * `--backend tfjs`: the generated schedules of whole networks run through TensorFlow.js ops
 * (its pure-JavaScript backend here, where tfjs-node is not installed) and give what the
 * reference kernels give — the loss of every step, the gradients of the first, the parameters
 * after a few Adam, momentum or SGD steps, and the predictions. Also: which TensorFlow.js it
 * picks, and `netc train --backend tfjs` end to end.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareTfjsBackend, TFJS, TFJS_NODE, type TfjsEngine } from '../../src/runtime/kernels/tfjs/engine.js';
import type { CompiledModel } from '../../src/runtime/index.js';
import { runCli } from '../helpers/cli.js';
import { expectClose, maxAbs, randomBatch } from '../helpers/gradcheck.js';
import { compileAndImport, tinySpec } from '../helpers/modules.js';

/** Random images with pixels in [0, 1], as the data sets give them, and one-hot labels. */
function batchOf(seed: number, n: number, shape: [number, number, number], classes: number) {
  const b = randomBatch(seed, n, shape, classes);
  return { images: b.images.map((v) => (v + 1) / 2), labels: b.labels };
}

const notFound = (name: string) => Object.assign(new Error(`Cannot find package '${name}' imported from /somewhere`), { code: 'ERR_MODULE_NOT_FOUND' });

describe('choosing TensorFlow.js', () => {
  afterAll(async () => {
    await prepareTfjsBackend({ reload: true }); // leave the real engine loaded
  });

  it('uses tfjs-node when it imports', async () => {
    const e = (await prepareTfjsBackend({ reload: true, importer: async () => tf })) as TfjsEngine;
    expect(e.package).toBe(TFJS_NODE);
    expect(e.fallback).toBeUndefined();
  });

  it('falls back to @tensorflow/tfjs when tfjs-node is not installed, and says so', async () => {
    const importer = async (name: string) => (name === TFJS_NODE ? Promise.reject(notFound(name)) : tf);
    const e = (await prepareTfjsBackend({ reload: true, importer })) as TfjsEngine;
    expect(e.package).toBe(TFJS);
    expect(e.backend).toBe('cpu');
    expect(e.fallback).toBe('@tensorflow/tfjs-node is not installed');
  });

  it('falls back when tfjs-node is installed but its native library does not load', async () => {
    const broken = new Error('The specified module could not be found.\n/x/tfjs_binding.node');
    const importer = async (name: string) => (name === TFJS_NODE ? Promise.reject(broken) : tf);
    const e = (await prepareTfjsBackend({ reload: true, importer })) as TfjsEngine;
    expect(e.package).toBe(TFJS);
    expect(e.fallback).toBe('@tensorflow/tfjs-node did not load (The specified module could not be found.)');
  });

  it('says what to install when neither imports', async () => {
    const r = await prepareTfjsBackend({ reload: true, importer: async (name) => Promise.reject(notFound(name)) });
    expect(r).toEqual({
      problem:
        "the tfjs backend runs on TensorFlow.js, but @tensorflow/tfjs is not installed and @tensorflow/tfjs-node is not installed; install one of them beside netc ('npm install @tensorflow/tfjs', or '@tensorflow/tfjs-node' where its install can download libtensorflow), or use --backend fast",
    });
  });

  it('on this machine: tfjs-node if it is there, else the pure-JavaScript backend with the reason', async () => {
    const e = (await prepareTfjsBackend({ reload: true })) as TfjsEngine;
    if (e.package === TFJS_NODE) expect(e.backend).toBe('tensorflow');
    // not installed (as on a fresh clone), or installed without its native library
    else expect(e.fallback).toMatch(/^@tensorflow\/tfjs-node (is not installed|did not load \(.+\))$/);
  });
});

interface Net {
  readonly name: string;
  /** a spec file, or a tiny spec's YAML parts */
  readonly spec: () => string;
  readonly batch: number;
  readonly steps: number;
}

const NETS: Net[] = [
  { name: "the tutorial's LeNet-5 (tanh, average pooling, Adam)", spec: () => 'specs/lenet5.yaml', batch: 6, steps: 3 },
  { name: 'inception-mini (same padding, concat, add, max pooling)', spec: () => 'specs/inception-mini.yaml', batch: 3, steps: 2 },
  { name: "the 1998 paper's LeNet-5 (preprocessing, a connection table, subsampling, RBF units)", spec: () => 'specs/lenet5-1998.yaml', batch: 3, steps: 2 },
  {
    name: 'padding, strides, dropout, sigmoid and scaled tanh, mse, Nesterov momentum',
    spec: () =>
      tinySpec({
        input: [9, 9, 2],
        classes: 3,
        layers: [
          '  - { name: c1, op: conv2d, filters: 4, kernel: 3, stride: 2, padding: 1, activation: sigmoid }',
          '  - { name: p, op: pad, padding: 1 }',
          '  - { name: a1, op: avgpool2d, pool: 3, stride: 2, padding: same }',
          '  - { name: flat, op: flatten }',
          '  - { name: d1, op: dense, units: 8, activation: scaled_tanh }',
          '  - { name: drop, op: dropout, rate: 0.3 }',
          '  - { name: out, op: dense, units: 3, activation: softmax }',
        ].join('\n'),
        loss: 'mse',
        optimizer: '{ name: momentum, learning_rate: 0.1, momentum: 0.9, nesterov: true }',
        batchSize: 5,
      }),
    batch: 5,
    steps: 3,
  },
  {
    name: 'batch normalization, with and without β, its moving statistics updated in each step',
    spec: () =>
      tinySpec({
        input: [8, 8, 2],
        classes: 3,
        layers: [
          '  - { name: c1, op: conv2d, filters: 4, kernel: 3, activation: relu }',
          '  - { name: bn1, op: batchnorm, momentum: 0.9, center: false }',
          '  - { name: a1, op: avgpool2d, pool: 2 }',
          '  - { name: flat, op: flatten }',
          '  - { name: d1, op: dense, units: 6, activation: tanh }',
          '  - { name: bn2, op: batchnorm }',
          '  - { name: out, op: dense, units: 3, activation: softmax }',
        ].join('\n'),
        batchSize: 5,
      }),
    batch: 5,
    steps: 3,
  },
  {
    name: 'relu, max pooling over the border, SGD',
    spec: () =>
      tinySpec({
        input: [7, 7, 1],
        classes: 4,
        layers: [
          '  - { name: c1, op: conv2d, filters: 3, kernel: [2, 3], padding: same, activation: relu }',
          '  - { name: m1, op: maxpool2d, pool: 2, padding: same }',
          '  - { name: flat, op: flatten }',
          '  - { name: out, op: dense, units: 4, activation: softmax }',
        ].join('\n'),
        optimizer: '{ name: sgd, learning_rate: 0.5 }',
        batchSize: 4,
      }),
    batch: 4,
    steps: 3,
  },
];

describe('--backend tfjs against --backend reference, network by network', () => {
  beforeAll(async () => {
    const e = await prepareTfjsBackend();
    if ('problem' in e) throw new Error(e.problem);
  });

  it.each(NETS.map((n) => [n.name, n] as const))('%s', async (_name, net) => {
    const { module } = await compileAndImport(net.spec(), { inferBatch: 4 });
    const shape = module.info.inputShape as [number, number, number];
    const models = (['reference', 'tfjs'] as const).map((backend) => module.createModel({ seed: 5, backend, threads: 1 })) as [CompiledModel, CompiledModel];
    const [ref, viaTf] = models;
    expect(viaTf.backend.name).toBe('tfjs');

    for (let step = 0; step < net.steps; step++) {
      const { images, labels } = batchOf(100 + step, net.batch, shape, module.info.classes);
      const losses = models.map((m) => m.computeGradients(images, labels, net.batch));
      expectClose(`loss of step ${step}`, [losses[1]!], [losses[0]!], 1e-5, 1);
      expect(viaTf.lastCorrect).toBe(ref.lastCorrect);
      if (step === 0) {
        const [gr, gt] = models.map((m) => m.getGradients());
        for (const name of Object.keys(gr!)) expectClose(`gradient of ${name}`, gt![name]!, gr![name]!, 1e-4, 1e-2 * maxAbs(gr![name]!));
      }
      for (const m of models) m.applyUpdate();
    }
    const [pr, pt] = models.map((m) => m.getParameters());
    // float32 sums in another order: differences of a few ulps, which Adam's first steps can
    // turn into differences of a small fraction of the learning rate
    for (const name of Object.keys(pr!)) expectClose(`${name} after ${net.steps} steps`, pt![name]!, pr![name]!, 1e-4, 1e-2 * Math.max(maxAbs(pr![name]!), 0.01));
    const { images } = batchOf(7, 5, shape, module.info.classes);
    expectClose('predictions', viaTf.predict(images), ref.predict(images), 1e-5, 1);
    expect(tf.memory().numTensors).toBe(0);
  });
});

describe('netc train --backend tfjs', () => {
  it('trains, names the TensorFlow.js it used, and ends where the reference backend ends', async () => {
    const spec = tinySpec({
      input: [8, 8, 1],
      classes: 3,
      layers: ['  - { name: c1, op: conv2d, filters: 3, kernel: 3, activation: tanh }', '  - { name: s2, op: avgpool2d, pool: 2 }', '  - { name: flat, op: flatten }', '  - { name: out, op: dense, units: 3, activation: softmax }'].join('\n'),
      batchSize: 3,
    });
    const run = async (backend: string) => {
      const out = mkdtempSync(join(tmpdir(), `netc-tfjs-${backend}-`));
      const r = await runCli(['train', spec, '--epochs', '2', '--backend', backend, '--out', out, '--no-progress']);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      return { stdout: r.stdout, metrics: JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8')) };
    };
    const t = await run('tfjs');
    const r = await run('reference');
    expect(t.stdout).toMatch(
      /^training tiny \(\d+ parameters\) on IDX files: 8 images, 2 epochs of 3 batches of 3; tfjs backend \(TensorFlow\.js [\d.]+ through @tensorflow\/tfjs(-node| on its pure-JavaScript cpu backend, because @tensorflow\/tfjs-node (is not installed|did not load \(.*\)))\), 1 thread$/m,
    );
    expect(t.metrics.backend).toBe('tfjs');
    t.metrics.epochs.forEach((e: Record<string, number>, i: number) => {
      const want = r.metrics.epochs[i];
      expect(e.train_loss).toBeCloseTo(want.train_loss, 5);
      expect(e.val_loss).toBeCloseTo(want.val_loss, 5);
      expect(e.val_accuracy).toBe(want.val_accuracy);
    });
  });
});
