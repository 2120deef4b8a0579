/**
 * `netc import-tfjs` on models that TensorFlow.js itself built and saved — a Sequential
 * Keras-style LeNet, a functional DAG, an MLP on 28×28 images — checked against TensorFlow.js's
 * own predictions: the imported spec, compiled by netc with the imported checkpoint, must
 * predict what model.predict does. Then what cannot be imported, each a diagnostic at its line
 * in model.json, and an imported checkpoint fine-tuned with `netc train --resume`.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadSpecData } from '../../src/driver/data.js';
import { analyze } from '../../src/driver/analyze.js';
import { restore } from '../../src/driver/from-checkpoint.js';
import { importTfjs } from '../../src/interop/tfjs-import.js';
import { readCheckpoint } from '../../src/runtime/checkpoint.js';
import { runCli } from '../helpers/cli.js';
import { randomBatch, rng } from '../helpers/gradcheck.js';
import { writeIdxDataset } from '../helpers/modules.js';
import { predictWith, saveLayersModelTo } from '../helpers/tfjs-files.js';
import { useTfCpu } from '../helpers/tfjs-net.js';

const tmp = (what: string) => mkdtempSync(join(tmpdir(), `netc-${what}-`));
const maxDiff = (a: Float32Array, b: Float32Array) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!)), 0);

/** Import with a checkpoint, then netc's prediction (the compiled spec and imported weights) next to TensorFlow.js's. */
async function importAndPredict(model: tf.LayersModel, images: Float32Array, extra: string[] = []) {
  const dir = tmp('import');
  const json = await saveLayersModelTo(model, join(dir, 'tfjs'));
  const r = await runCli(['import-tfjs', json, '-o', join(dir, 'spec.yaml'), '--checkpoint', join(dir, 'checkpoint.netc'), ...extra]);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  const restored = await restore(dir);
  if (Array.isArray(restored)) throw new Error(restored.map((d) => d.message).join('\n'));
  const shape = model.inputs[0]!.shape.slice(1) as number[];
  return { dir, stdout: r.stdout, yaml: readFileSync(join(dir, 'spec.yaml'), 'utf8'), ours: restored.model.predict(images), theirs: predictWith(model, images, shape) };
}

describe('netc import-tfjs on models TensorFlow.js built', () => {
  let mnist: Float32Array;
  beforeAll(async () => {
    await useTfCpu();
    const data = loadSpecData(analyze('specs/lenet5.yaml').loaded!, 10, { limit: 0, testLimit: 200 });
    if ('code' in data) throw new Error(data.message);
    mnist = data.test.images;
  });

  it('a Sequential LeNet in the Keras style: predictions equal within 1e-4', async () => {
    const model = tf.sequential({
      name: 'keras_lenet',
      layers: [
        tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 6, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }),
        tf.layers.maxPooling2d({ poolSize: 2 }),
        tf.layers.zeroPadding2d({ padding: 1 }),
        tf.layers.conv2d({ filters: 8, kernelSize: [3, 5], strides: 2, activation: 'tanh', kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }), biasInitializer: tf.initializers.randomNormal({ seed: 3, stddev: 0.1 }) }),
        tf.layers.averagePooling2d({ poolSize: 2, strides: 1, padding: 'same' }),
        tf.layers.flatten(),
        tf.layers.dropout({ rate: 0.3 }),
        tf.layers.dense({ units: 32, activation: 'sigmoid', kernelInitializer: tf.initializers.glorotUniform({ seed: 4 }) }),
        tf.layers.dense({ units: 10, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: 5 }) }),
      ],
    });
    const r = await importAndPredict(model, mnist);
    expect(maxDiff(r.ours, r.theirs)).toBeLessThan(1e-4);
    const names = model.layers.map((l) => l.name);
    expect(r.yaml.split('\n').slice(1).join('\n')).toBe(`netc: 1
name: keras_lenet
input: { shape: [28, 28, 1] }
layers:
  - { name: ${names[0]}, op: conv2d, filters: 6, kernel: 3, padding: same, activation: relu }
  - { name: ${names[1]}, op: maxpool2d, pool: 2 }
  - { name: ${names[3]}, op: conv2d, filters: 8, kernel: [3, 5], stride: 2, activation: tanh, padding: 1 }
  - { name: ${names[4]}, op: avgpool2d, pool: 2, stride: 1, padding: same }
  - { name: ${names[5]}, op: flatten }
  - { name: ${names[6]}, op: dropout, rate: 0.3 }
  - { name: ${names[7]}, op: dense, units: 32, activation: sigmoid }
  - { name: ${names[8]}, op: dense, units: 10, activation: softmax }
train:
  dataset: mnist
  loss: categorical_crossentropy
  optimizer:
    name: adam
    learning_rate: 0.001
`);
    expect(r.stdout).toMatch(/keras_lenet, 9 TensorFlow\.js layers as 8 netc layers, [\d,]+ parameters/);
    // the spec is one netc check accepts, and netc graph can draw
    expect((await runCli(['check', join(r.dir, 'spec.yaml')])).code).toBe(0);
  });

  it('a functional DAG (Add, Concatenate, ReLU, Softmax) of a shape no data set has', async () => {
    const input = tf.input({ shape: [12, 10, 3], name: 'image' });
    const a = tf.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', name: 'branch-a' }).apply(input) as tf.SymbolicTensor;
    const b = tf.layers.conv2d({ filters: 4, kernelSize: 1, activation: 'relu', name: 'branch.b' }).apply(input) as tf.SymbolicTensor;
    const sum = tf.layers.add({ name: 'sum' }).apply([a, b]) as tf.SymbolicTensor;
    const relu = tf.layers.reLU({ name: 'relu' }).apply(sum) as tf.SymbolicTensor;
    const both = tf.layers.concatenate({ name: 'input' }).apply([relu, a]) as tf.SymbolicTensor; // a layer named like netc's reserved input
    const pooled = tf.layers.maxPooling2d({ poolSize: 2, padding: 'same', name: 'pool' }).apply(both) as tf.SymbolicTensor;
    const flat = tf.layers.flatten({ name: 'flat' }).apply(pooled) as tf.SymbolicTensor;
    const logits = tf.layers.dense({ units: 5, name: 'logits', biasInitializer: 'ones' }).apply(flat) as tf.SymbolicTensor;
    const out = tf.layers.softmax({ name: 'probs' }).apply(logits) as tf.SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: out, name: 'dag' });
    const images = randomBatch(9, 6, [12, 10, 3], 5).images;
    const r = await importAndPredict(model, images);
    expect(maxDiff(r.ours, r.theirs)).toBeLessThan(1e-5);
    // names made netc names ('input' is reserved for the network's input); inputs only where not the layer before
    expect(r.yaml.slice(r.yaml.indexOf('layers:'))).toBe(`layers:
  - { name: branch_a, op: conv2d, filters: 4, kernel: 3, padding: same }
  - { name: branch_b, op: conv2d, filters: 4, kernel: 1, activation: relu, inputs: [input] }
  - { name: sum, op: add, inputs: [branch_a, branch_b] }
  - { name: relu, op: activation, fn: relu }
  - { name: input_2, op: concat, inputs: [relu, branch_a] }
  - { name: pool, op: maxpool2d, pool: 2, padding: same }
  - { name: flat, op: flatten }
  - { name: logits, op: dense, units: 5 }
  - { name: probs, op: activation, fn: softmax }
`);
    expect(r.yaml).not.toContain('train:');
    expect(r.stdout).toContain('no train section, so no data to train or evaluate on: name the data set with --dataset');
    const evaluated = await runCli(['eval', r.dir]);
    expect(evaluated.code).toBe(1);
    expect(evaluated.stderr).toMatch(/error NETC5004: this spec has no 'train' section, so it names no data set to evaluate on/);
  });

  it('an MLP on 28×28 images without a channel axis, with a Keras training config', async () => {
    const model = tf.sequential({
      layers: [tf.layers.flatten({ inputShape: [28, 28] }), tf.layers.dense({ units: 20, activation: 'relu' }), tf.layers.dense({ units: 10 }), tf.layers.activation({ activation: 'softmax' })],
    });
    const dir = tmp('keras');
    const json = await saveLayersModelTo(model, dir);
    const doc = JSON.parse(readFileSync(json, 'utf8'));
    // as Keras's converter writes it: the topology wrapped, a training config, ':0' on weight names
    doc.modelTopology = {
      model_config: doc.modelTopology,
      training_config: { loss: 'categorical_crossentropy', optimizer_config: { class_name: 'SGD', config: { learning_rate: 0.05, momentum: 0.9, nesterov: true } } },
    };
    for (const w of doc.weightsManifest[0].weights) w.name += ':0';
    writeFileSync(json, JSON.stringify(doc));
    const r = await runCli(['import-tfjs', json, '-o', join(dir, 'spec.yaml'), '--checkpoint', join(dir, 'checkpoint.netc'), '--name', 'mlp', '--dataset', 'fashion-mnist']);
    expect(r.stderr).toBe('');
    const yaml = readFileSync(join(dir, 'spec.yaml'), 'utf8');
    expect(yaml).toContain('input: { shape: [28, 28, 1] }');
    expect(yaml).toContain('train:\n  dataset: fashion-mnist\n  loss: categorical_crossentropy\n  optimizer:\n    name: momentum\n    learning_rate: 0.05\n    momentum: 0.9\n    nesterov: true\n');
    const restored = await restore(dir);
    if (Array.isArray(restored)) throw new Error(restored[0]!.message);
    expect(maxDiff(restored.model.predict(mnist), predictWith(model, mnist, [28, 28]))).toBeLessThan(1e-5);
  });

  it('an imported checkpoint fine-tunes with netc train --resume', async () => {
    const model = tf.sequential({ layers: [tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 2, kernelSize: 5, strides: 3, activation: 'tanh' }), tf.layers.flatten(), tf.layers.dense({ units: 10, activation: 'softmax' })] });
    const dir = tmp('finetune');
    const json = await saveLayersModelTo(model, join(dir, 'tfjs'));
    expect((await runCli(['import-tfjs', json, '-o', join(dir, 'spec.yaml'), '--checkpoint', join(dir, 'checkpoint.netc')])).code).toBe(0);
    const before = readCheckpoint(join(dir, 'checkpoint.netc')).params;
    // twenty images instead of MNIST's 60,000, so the test is quick
    writeIdxDataset(dir, [28, 28, 1], 10, 20);
    const idx = '{ idx: { train_images: train-images.idx, train_labels: train-labels.idx, test_images: test-images.idx, test_labels: test-labels.idx } }';
    writeFileSync(join(dir, 'spec.yaml'), readFileSync(join(dir, 'spec.yaml'), 'utf8').replace('dataset: mnist', `dataset: ${idx}`));
    const r = await runCli(['train', '--resume', dir, '--epochs', '2', '--no-progress']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^resuming /m);
    const after = readCheckpoint(join(dir, 'checkpoint.netc'));
    expect(after.header.progress.epoch).toBe(2);
    expect(Object.keys(after.params)).toEqual(Object.keys(before));
    expect(after.params).not.toEqual(before);
  });
});

describe('what netc import-tfjs refuses', () => {
  beforeAll(useTfCpu);

  /** A saved model whose model.json is edited, pretty-printed so that diagnostics have lines. */
  async function saved(model: tf.LayersModel, edit: (doc: Record<string, any>) => void = () => {}): Promise<{ dir: string; json: string; text: () => string }> {
    const dir = tmp('refuse');
    const json = await saveLayersModelTo(model, dir);
    const doc = JSON.parse(readFileSync(json, 'utf8'));
    edit(doc);
    writeFileSync(json, JSON.stringify(doc, null, 2));
    return { dir, json, text: () => readFileSync(json, 'utf8') };
  }

  const lineOf = (text: string, needle: string, after = '') => {
    const lines = text.split('\n');
    const from = after ? lines.findIndex((l) => l.includes(after)) : 0;
    return from + lines.slice(from).findIndex((l) => l.includes(needle)) + 1;
  };

  it('gives a diagnostic at its line in model.json for each layer netc has no equivalent of', async () => {
    const model = tf.sequential({
      layers: [
        tf.layers.depthwiseConv2d({ inputShape: [28, 28, 1], kernelSize: 3, dilationRate: 2, name: 'dilated' }),
        tf.layers.layerNormalization({ name: 'ln' }),
        tf.layers.flatten({ name: 'flat' }),
        tf.layers.dense({ units: 8, activation: 'selu', name: 'selu' }),
        tf.layers.dense({ units: 10, useBias: false, name: 'nobias' }),
      ],
    });
    const m = await saved(model);
    const r = await runCli(['import-tfjs', m.json, '-o', join(m.dir, 'spec.yaml')]);
    expect(r.code).toBe(1);
    const text = m.text();
    const heads = r.stderr.split('\n').filter((l) => l.includes('error NETC'));
    expect(heads.map((h) => h.replace(/:\d+: error/, ': error'))).toEqual([
      `${m.json}:${lineOf(text, '"dilation_rate"', '"class_name": "DepthwiseConv2D"')}: error NETC8003: layer 'dilated' (DepthwiseConv2D) has no netc equivalent: netc's depthwise_conv2d has no dilation`,
      `${m.json}:${lineOf(text, '"LayerNormalization"')}: error NETC8003: layer 'ln' (LayerNormalization) has no netc equivalent: netc has no such layer; it imports Conv2D, Dense, AveragePooling2D, MaxPooling2D, DepthwiseConv2D, GlobalAveragePooling2D, GlobalMaxPooling2D, Flatten, Dropout, Activation, ReLU, LeakyReLU, ELU, Softmax, BatchNormalization, Add, Concatenate, ZeroPadding2D`,
      `${m.json}:${lineOf(text, '"activation": "selu"')}: error NETC8003: layer 'selu' (Dense) has no netc equivalent: netc has no 'selu' activation; it has linear, tanh, relu, sigmoid, softmax, elu, gelu, swish, softplus (and scaled_tanh, and leaky_relu as LeakyReLU)`,
      `${m.json}:${lineOf(text, '"use_bias": false')}: error NETC8003: layer 'nobias' (Dense) has no netc equivalent: netc's dense layer always has a bias`,
    ]);
    expect(r.stderr).toContain('"activation": "selu",\n'); // the line itself is shown
  });

  it('refuses files that are not Layers models, and weights it cannot read, naming the file', async () => {
    const model = tf.sequential({ layers: [tf.layers.flatten({ inputShape: [28, 28, 1] }), tf.layers.dense({ units: 10, activation: 'softmax', name: 'd' })] });
    const run = async (m: { dir: string; json: string }) => {
      const r = await runCli(['import-tfjs', m.json, '-o', join(m.dir, 'spec.yaml'), '--checkpoint', join(m.dir, 'c.netc')]);
      expect(r.code).toBe(1);
      return r.stderr.split('\n')[0]!;
    };
    const graphModel = await saved(model, (d) => (d.format = 'graph-model'));
    expect(await run(graphModel)).toMatch(/model\.json:\d+:\d+: error NETC8002: .*is a TensorFlow\.js graph model \(a converted SavedModel\); netc imports Layers models/);
    const quantized = await saved(model, (d) => Object.assign(d.weightsManifest[0].weights[0], { dtype: 'uint8', quantization: { dtype: 'uint8', min: 0, scale: 1 } }));
    expect(await run(quantized)).toMatch(/error NETC8002: .*stores 'd\/kernel' as quantized values; netc reads float32 weights/);
    const missing = await saved(model, (d) => (d.weightsManifest[0].paths = ['elsewhere.bin']));
    expect(await run(missing)).toMatch(/error NETC8002: .*names the weight file .*elsewhere\.bin, which does not exist/);
    const short = await saved(model);
    writeFileSync(join(short.dir, 'weights.bin'), readFileSync(join(short.dir, 'weights.bin')).subarray(0, 100));
    expect(await run(short)).toMatch(/error NETC8002: .*needs more bytes for 'd\/kernel' than its weight files hold \(100\); a shard is missing or truncated/);
    const notJson = await saved(model);
    writeFileSync(notJson.json, '{"modelTopology": ');
    expect(await run(notJson)).toMatch(/error NETC8002: .*model\.json: is not JSON/);
    const noInputShape = await saved(model, (d) => delete d.modelTopology.config.layers[0].config.batch_input_shape);
    expect(await run(noInputShape)).toMatch(/error NETC8002: .*gives no batch_input_shape, so the input shape is unknown/);
  });

  it('never throws on an edited model.json: 400 random edits give a spec or diagnostics', async () => {
    const model = tf.sequential({
      layers: [
        tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 2, kernelSize: 3, activation: 'relu' }),
        tf.layers.maxPooling2d({ poolSize: 2 }),
        tf.layers.flatten(),
        tf.layers.dense({ units: 10, activation: 'softmax' }),
      ],
    });
    const m = await saved(model);
    const original = JSON.parse(m.text());
    const random = rng(42);
    const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
    const values = [null, -1, 0, 2.5, 1e12, 'x', '__proto__', 'constructor', true, [], [null], {}, { class_name: 'Dense' }];
    let refused = 0;
    for (let i = 0; i < 400; i++) {
      const root = { doc: structuredClone(original) };
      // walk down from the top to a random value, and replace or delete it
      let parent: any = root;
      let key: string | number = 'doc';
      for (let depth = 0; depth < 8 && typeof parent[key] === 'object' && parent[key] !== null && random() < 0.85; depth++) {
        const keys: string[] = Object.keys(parent[key]);
        if (keys.length === 0) break;
        parent = parent[key];
        key = Array.isArray(parent) ? Math.floor(random() * parent.length) : pick(keys);
      }
      if (random() < 0.2 && !Array.isArray(parent)) delete parent[key];
      else parent[key] = structuredClone(pick(values));
      writeFileSync(m.json, JSON.stringify(root.doc, null, 1) ?? '');
      const r = importTfjs(m.json, { weights: true }, 'test');
      if ('diagnostics' in r) {
        refused++;
        expect(r.diagnostics.length).toBeGreaterThan(0);
        expect(r.diagnostics.every((d) => /^NETC800[23]$/.test(d.code))).toBe(true);
      }
    }
    expect(refused).toBeGreaterThan(100);
    expect(refused).toBeLessThan(400);
  });

  it('takes the command line to task: -o, --dataset', async () => {
    expect((await runCli(['import-tfjs', 'model.json'])).stderr).toMatch(/name the spec to write with -o spec\.yaml/);
    const r = await runCli(['import-tfjs', 'model.json', '-o', 'x.yaml', '--dataset', 'cifar10']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--dataset must be mnist or fashion-mnist, not 'cifar10'/);
  });
});
