/**
 * Batch normalization as a layer with a state update, against TensorFlow.js's own
 * tf.layers.batchNormalization: applied in training mode to the same batches it leaves the
 * moving mean and variance that netc's training step leaves, and afterwards, in inference mode,
 * it predicts what netc predicts. The lowering of both graphs, the summary's figures (as Keras
 * counts them, by the tfjs layer's own weights) and the schema's refusals are checked too.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { summaryTable } from '../../src/cli/check.js';
import { analyze } from '../../src/driver/analyze.js';
import { lower } from '../../src/ir/lower.js';
import { printGraph } from '../../src/ir/print.js';
import { Random } from '../../src/runtime/random.js';
import { expectClose, maxAbs, randomBatch } from '../helpers/gradcheck.js';
import { compileAndImport, tinySpec } from '../helpers/modules.js';
import { useTfCpu } from '../helpers/tfjs-net.js';

const INPUT = [4, 5, 3] as const;
const CLASSES = 3;
const spec = tinySpec({
  input: INPUT,
  classes: CLASSES,
  layers: `  - { name: bn0, op: batchnorm, momentum: 0.8 }
  - { name: flat, op: flatten }
  - { name: bn1, op: batchnorm, momentum: 0.9, epsilon: 0.01 }
  - { name: out, op: dense, units: ${CLASSES}, activation: softmax }`,
  batchSize: 6,
});

/** γ and variances in [0.5, 1.5), β and means in [−0.5, 0.5): away from the initial 1s and 0s. */
function randomStatistics(names: readonly string[], channels: (name: string) => number): Record<string, Float32Array> {
  const rng = new Random(5);
  return Object.fromEntries(
    names.map((n) => [n, new Float32Array(channels(n)).map(() => (/(gamma|variance)$/.test(n) ? 0.5 : -0.5) + rng.next())]),
  );
}

describe('batchnorm against tf.layers.batchNormalization', () => {
  beforeAll(useTfCpu);

  it('moves the moving statistics as the tfjs layer does in training, and predicts with them as it does in inference', async () => {
    const { module } = await compileAndImport(spec);
    const model = module.createModel({ seed: 3, backend: 'fast', threads: 1 });
    const params = model.getParameters();
    const norm = Object.keys(params).filter((n) => n.startsWith('bn'));
    expect(norm.sort()).toEqual(['bn0.beta', 'bn0.gamma', 'bn0.moving_mean', 'bn0.moving_variance', 'bn1.beta', 'bn1.gamma', 'bn1.moving_mean', 'bn1.moving_variance']);
    model.setParameters(randomStatistics(norm, (n) => params[n]!.length));
    const start = model.getParameters();

    const layer = (l: string, shape: number[], momentum: number, epsilon?: number) => {
      const bn = tf.layers.batchNormalization({ momentum, ...(epsilon ? { epsilon } : {}) });
      bn.build([null, ...shape]);
      bn.setWeights(['gamma', 'beta', 'moving_mean', 'moving_variance'].map((w) => tf.tensor(start[`${l}.${w}`]!)));
      return bn;
    };
    const [bn0, bn1] = [layer('bn0', [...INPUT], 0.8), layer('bn1', [INPUT[0] * INPUT[1] * INPUT[2]], 0.9, 0.01)];
    const forward = (x: tf.Tensor, training: boolean) => {
      const n = x.shape[0]!;
      return bn1.apply(tf.reshape(bn0.apply(x, { training }) as tf.Tensor, [n, -1]), { training }) as tf.Tensor;
    };

    // computeGradients runs the training step's forward pass and its updates, not the optimizer,
    // so γ and β stay where the tfjs layers have them
    for (const [i, n] of [6, 6, 4].entries()) {
      const { images, labels } = randomBatch(40 + i, n, INPUT, CLASSES);
      model.computeGradients(images, labels, n);
      tf.tidy(() => void forward(tf.tensor4d(images, [n, ...INPUT]), true));
    }
    const after = model.getParameters();
    for (const [l, bn] of [['bn0', bn0], ['bn1', bn1]] as const) {
      const [mean, variance] = bn.getWeights().slice(2).map((w) => w.dataSync() as Float32Array);
      for (const [stat, want] of [['moving_mean', mean!], ['moving_variance', variance!]] as const) {
        const got = after[`${l}.${stat}`]!;
        expect(maxAbs(got.map((v, j) => v - start[`${l}.${stat}`]![j]!)), `${l}.${stat} moved`).toBeGreaterThan(0.05);
        expectClose(`${l}.${stat}`, got, want, 1e-5, 1);
      }
    }

    const { images } = randomBatch(50, 7, INPUT, CLASSES);
    const ours = model.predict(images, 7);
    const theirs = tf.tidy(() => {
      const h = forward(tf.tensor4d(images, [7, ...INPUT]), false);
      return tf.softmax(tf.add(tf.matMul(h as tf.Tensor2D, tf.tensor2d(after['out.w']!, [h.shape[1]!, CLASSES])), tf.tensor1d(after['out.b']!))).dataSync() as Float32Array;
    });
    expectClose('predict', ours, theirs, 1e-5, 1);
    model.close();
  });

  it('counts 4·C parameters a layer, 2·C trainable (γ, β) and 2·C not (the moving statistics), as Keras does', () => {
    const s = analyze(spec).summary!;
    for (const [name, channels] of [['bn0', INPUT[2]], ['bn1', INPUT[0] * INPUT[1] * INPUT[2]]] as const) {
      const bn = tf.layers.batchNormalization({});
      bn.build([null, channels]);
      const count = (ws: tf.LayerVariable[]) => ws.reduce((a, w) => a + w.shape.reduce((p: number, d) => p * (d ?? 1), 1), 0);
      // the moving statistics are states the training step updates: Keras's non-trainable weights
      const nonTrainable = count(bn.nonTrainableWeights);
      expect(s.layers.find((l) => l.name === name)).toMatchObject({ params: count(bn.trainableWeights), fixed_params: nonTrainable, state_params: nonTrainable, macs: 0 });
      expect(count(bn.trainableWeights) + nonTrainable).toBe(4 * channels);
    }
    expect(s.state_params).toBe(2 * INPUT[2] + 2 * INPUT[0] * INPUT[1] * INPUT[2]);
  });
});

describe('the summary of specs/lenet5-bn.yaml', () => {
  it('shows what Keras shows for the same model: every value per layer, then the trainable and non-trainable totals', () => {
    const keras = tf.sequential({
      layers: [
        tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 6, kernelSize: 5 }),
        tf.layers.batchNormalization(),
        tf.layers.activation({ activation: 'tanh' }),
        tf.layers.averagePooling2d({ poolSize: 2 }),
        tf.layers.conv2d({ filters: 16, kernelSize: 5 }),
        tf.layers.batchNormalization(),
        tf.layers.activation({ activation: 'tanh' }),
        tf.layers.averagePooling2d({ poolSize: 2 }),
        tf.layers.flatten(),
        tf.layers.dense({ units: 120, activation: 'tanh' }),
        tf.layers.dense({ units: 84, activation: 'tanh' }),
        tf.layers.dense({ units: 10, activation: 'softmax' }),
      ],
    });
    const count = (ws: tf.LayerVariable[]) => ws.reduce((a, w) => a + w.shape.reduce((p: number, d) => p * (d ?? 1), 1), 0);
    const lines = summaryTable(analyze('specs/lenet5-bn.yaml').summary!);
    const n = (v: number) => v.toLocaleString('en-US');
    expect(lines.find((l) => l.startsWith('bn1 '))).toMatch(new RegExp(`\\s${keras.layers[1]!.countParams()}\\s+0$`));
    expect(lines.find((l) => l.startsWith('Total'))).toContain(` ${n(keras.countParams())} `);
    expect(lines.slice(-2)).toEqual([`Trainable params: ${n(count(keras.trainableWeights))}`, `Non-trainable params: ${n(count(keras.nonTrainableWeights))}`]);
  });
});

describe('batchnorm lowered', () => {
  const body = (training: boolean) => {
    const file = tinySpec({ input: [3, 3, 2], classes: 2, layers: `  - { name: bn, op: batchnorm, momentum: 0.9, center: false }\n  - { name: flat, op: flatten }\n  - { name: out, op: dense, units: 2, activation: softmax }` });
    const g = lower(analyze(file).loaded!, { training }).graph!;
    return printGraph(g).split('\n').filter((l) => l.includes('%bn')).map((l) => l.trim());
  };

  it('for training: batch statistics, the normalization, and each moving statistic moved towards them and assigned', () => {
    expect(body(true)).toEqual([
      '%bn.gamma: f32[2] = param() {init=ones}',
      '%bn.moving_mean: f32[2] = param() {init=zeros, role=state, trainable=false}',
      '%bn.moving_variance: f32[2] = param() {init=ones, role=state, trainable=false}',
      '%bn.mean: f32[2] = batch_mean(%input)',
      '%bn.variance: f32[2] = batch_variance(%input, %bn.mean)',
      '%bn: f32[N,3,3,2] = batchnorm(%input, %bn.mean, %bn.variance, %bn.gamma) {center=false, epsilon=0.001}',
      '%bn.moving_mean.decayed: f32[2] = affine(%bn.moving_mean) {scale=0.9, shift=0}',
      '%bn.moving_mean.batch: f32[2] = affine(%bn.mean) {scale=0.09999999999999998, shift=0}',
      '%bn.moving_mean.next: f32[2] = add(%bn.moving_mean.decayed, %bn.moving_mean.batch)',
      '%bn.moving_mean.update: f32[2] = assign(%bn.moving_mean, %bn.moving_mean.next)',
      '%bn.moving_variance.decayed: f32[2] = affine(%bn.moving_variance) {scale=0.9, shift=0}',
      '%bn.moving_variance.batch: f32[2] = affine(%bn.variance) {scale=0.09999999999999998, shift=0}',
      '%bn.moving_variance.next: f32[2] = add(%bn.moving_variance.decayed, %bn.moving_variance.batch)',
      '%bn.moving_variance.update: f32[2] = assign(%bn.moving_variance, %bn.moving_variance.next)',
      '%flat: f32[N,18] = flatten(%bn)',
      'update: %bn.moving_mean <- %bn.moving_mean.update',
      'update: %bn.moving_variance <- %bn.moving_variance.update',
    ]);
  });

  it('for inference: the moving statistics, declared at the same names, and no update', () => {
    expect(body(false)).toEqual([
      '%bn.gamma: f32[2] = param() {init=ones}',
      '%bn.moving_mean: f32[2] = param() {init=zeros, role=state, trainable=false}',
      '%bn.moving_variance: f32[2] = param() {init=ones, role=state, trainable=false}',
      '%bn: f32[N,3,3,2] = batchnorm(%input, %bn.moving_mean, %bn.moving_variance, %bn.gamma) {center=false, epsilon=0.001}',
      '%flat: f32[N,18] = flatten(%bn)',
    ]);
  });

  it('refuses a momentum or epsilon out of range and a center that is not a boolean, at their lines', () => {
    const file = tinySpec({ input: [3, 3, 2], classes: 2, layers: `  - { name: bn, op: batchnorm, momentum: 1.5 }\n  - { name: bn2, op: batchnorm, epsilon: 0 }\n  - { name: bn3, op: batchnorm, center: 1 }\n  - { name: flat, op: flatten }\n  - { name: out, op: dense, units: 2, activation: softmax }` });
    const a = analyze(file);
    expect(a.ok).toBe(false);
    const where = a.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.loc?.line}:${d.message.match(/'?(momentum|epsilon|center)'?/)?.[1]}`);
    expect(where).toEqual(['5:momentum', '6:epsilon', '7:center']);
  });
});
