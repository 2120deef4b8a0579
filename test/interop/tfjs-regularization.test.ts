/**
 * L2 kernel regularization, label smoothing and the new optimizers through TensorFlow.js files:
 *  - a netc export writes each `l2` as Keras's kernel_regularizer in the class TensorFlow.js
 *    registers (L1L2 with l1 0); tf.loadLayersModel reads it, and TensorFlow.js's own regularizers
 *    on the exported kernels give the penalty netc's training loss adds; the file imports back
 *    with the same l2s, label smoothing and optimizer;
 *  - a model TensorFlow.js built with tf.regularizers.l2 (L1L2) or that Keras saved (L2) imports
 *    with its l2, and Keras's CategoricalCrossentropy(label_smoothing) with its smoothing.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { analyze } from '../../src/driver/analyze.js';
import { exportTfjs } from '../../src/interop/tfjs-export.js';
import { importTfjs } from '../../src/interop/tfjs-import.js';
import { trainSection } from '../../src/interop/tfjs-train.js';
import { compileAndImport, specFile } from '../helpers/modules.js';
import { loadLayersModelFrom, saveLayersModelTo } from '../helpers/tfjs-files.js';
import { useTfCpu } from '../helpers/tfjs-net.js';

const tmp = (what: string) => mkdtempSync(join(tmpdir(), `netc-${what}-`));

const SPEC = `netc: 1
name: regularized
input: { shape: [28, 28, 1] }
layers:
  - { name: c1, op: conv2d, filters: 3, kernel: 5, stride: 2, activation: relu, l2: 0.0005 }
  - { name: flat, op: flatten }
  - { name: h, op: dense, units: 12, activation: tanh }
  - { name: out, op: dense, units: 10, activation: softmax, l2: 0.002 }
train:
  dataset: mnist
  optimizer: { name: adamw, weight_decay: 0.01 }
  label_smoothing: 0.1
`;

function importedYaml(json: string): string {
  const r = importTfjs(json, { weights: false }, 'test');
  if ('diagnostics' in r) throw new Error(r.diagnostics.map((d) => d.message).join('\n'));
  return r.yaml;
}

describe('L2 regularization and label smoothing in TensorFlow.js files', () => {
  beforeAll(useTfCpu);

  it("netc's export: TensorFlow.js loads each l2 and computes the penalty netc trains with; it imports back", async () => {
    const spec = specFile(SPEC);
    const { module } = await compileAndImport(spec);
    const model = module.createModel({ seed: 5, backend: 'reference' });
    const a = analyze(spec, { training: false });
    const r = exportTfjs({ loaded: a.loaded!, graph: a.graph!, params: model.getParameters(), netcVersion: 'test', paramsFrom: 'test' });
    if (Array.isArray(r)) throw new Error(r.map((d) => d.message).join('\n'));
    const dir = tmp('export-l2');
    writeFileSync(join(dir, 'model.json'), JSON.stringify(r.modelJson));
    for (const s of r.shards) writeFileSync(join(dir, s.name), s.bytes);

    const layers = (r.modelJson.modelTopology as unknown as { config: { layers: { name: string; config: Record<string, unknown> }[] } }).config.layers;
    const regularizer = (name: string) => layers.find((l) => l.name === name)!.config.kernel_regularizer;
    expect(regularizer('c1')).toEqual({ class_name: 'L1L2', config: { l1: 0, l2: 0.0005 } });
    expect(regularizer('h')).toBeNull();
    expect(regularizer('out')).toEqual({ class_name: 'L1L2', config: { l1: 0, l2: 0.002 } });

    const loaded = await loadLayersModelFrom(join(dir, 'model.json'));
    // TensorFlow.js's regularizers, on the kernels it loaded: Σ l2·Σw² over the regularized layers
    const theirs = tf.tidy(() =>
      loaded.layers.reduce((sum, l) => {
        const reg = (l as unknown as { kernelRegularizer?: { apply(x: tf.Tensor): tf.Scalar } }).kernelRegularizer;
        const kernel = l.getWeights()[0];
        return reg && kernel ? sum + reg.apply(kernel).dataSync()[0]! : sum;
      }, 0),
    );
    expect(theirs).toBeGreaterThan(0);
    expect(Math.abs(model.regularizationLoss() - theirs)).toBeLessThan(1e-6 * theirs);

    const yaml = importedYaml(join(dir, 'model.json'));
    expect(yaml).toContain('{ name: c1, op: conv2d, filters: 3, kernel: 5, stride: 2, activation: relu, l2: 0.0005 }');
    expect(yaml).toContain('{ name: h, op: dense, units: 12, activation: tanh }');
    expect(yaml).toContain('{ name: out, op: dense, units: 10, activation: softmax, l2: 0.002 }');
    expect(yaml).toMatch(/label_smoothing: 0\.1\n/);
    expect(yaml).toMatch(/optimizer:\n {4}name: adamw\n {4}weight_decay: 0\.01\n/);
    model.close();
  });

  it('a model TensorFlow.js built with tf.regularizers.l2 imports with its l2s', async () => {
    const model = tf.sequential({
      layers: [
        tf.layers.conv2d({ inputShape: [8, 8, 1], filters: 2, kernelSize: 3, activation: 'relu', kernelRegularizer: tf.regularizers.l2({ l2: 0.003 }) }),
        tf.layers.flatten(),
        tf.layers.dense({ units: 4, activation: 'softmax', kernelRegularizer: tf.regularizers.l1l2({ l1: 0, l2: 0.25 }) }),
      ],
    });
    const yaml = importedYaml(await saveLayersModelTo(model, tmp('tf-l2')));
    expect(yaml).toMatch(/op: conv2d, filters: 2, kernel: 3, activation: relu, l2: 0\.003 \}/);
    expect(yaml).toMatch(/op: dense, units: 4, activation: softmax, l2: 0\.25 \}/);
  });

  it("Keras's L2 and CategoricalCrossentropy(label_smoothing), as Keras saves them", async () => {
    const model = tf.sequential({ layers: [tf.layers.flatten({ inputShape: [28, 28, 1] }), tf.layers.dense({ units: 10, activation: 'softmax' })] });
    const json = await saveLayersModelTo(model, tmp('keras-l2'));
    const doc = JSON.parse(readFileSync(json, 'utf8'));
    const dense = doc.modelTopology.config.layers.find((l: { class_name: string }) => l.class_name === 'Dense');
    dense.config.kernel_regularizer = { module: 'keras.regularizers', class_name: 'L2', config: { l2: 0.0005 }, registered_name: null };
    doc.modelTopology = {
      model_config: doc.modelTopology,
      training_config: {
        loss: { class_name: 'CategoricalCrossentropy', config: { from_logits: false, label_smoothing: 0.2, axis: -1 } },
        optimizer_config: { class_name: 'RMSprop', config: { learning_rate: 0.002, rho: 0.9, momentum: 0, epsilon: 1e-7, centered: false } },
      },
    };
    writeFileSync(json, JSON.stringify(doc));
    const yaml = importedYaml(json);
    expect(yaml).toMatch(/op: dense, units: 10, activation: softmax, l2: 0\.0005 \}/);
    expect(yaml).toContain('train:\n  dataset: mnist\n  loss: categorical_crossentropy\n  label_smoothing: 0.2\n  optimizer:\n    name: rmsprop\n    learning_rate: 0.002\n');
  });

  it('a loss on logits is not netc’s cross-entropy: its smoothing is not taken', () => {
    const tc = { loss: { class_name: 'CategoricalCrossentropy', config: { from_logits: true, label_smoothing: 0.1 } } };
    expect(trainSection({ trainingConfig: tc }, undefined, 'mnist', undefined)).toEqual({ dataset: 'mnist', loss: 'mse', optimizer: { name: 'adam', learning_rate: 0.001 } });
  });
});
