/**
 * Keras's L2 kernel regularizer (`l2` on conv2d and dense) and label smoothing in the loss:
 *
 *  1. the gradient suite on REGULARIZATION_CASES, fused, unfused and with the loss fusion alone:
 *     predict, the loss and every gradient against tf.valueAndGrads of the data loss (on smoothed
 *     targets) plus Σ l2·Σw², and float64 finite differences of the whole loss;
 *  2. label smoothing against TensorFlow.js's own tf.losses.softmaxCrossEntropy(labels, logits,
 *     weights, ε) on every backend: the loss a training step returns (the loss training prints)
 *     and every gradient;
 *  3. the test loss (evaluate) is the training loss's definition on other images, as Keras's
 *     evaluate: smoothed cross-entropy plus the penalties;
 *  4. in the IR, the loss is the data loss plus one penalty per regularized kernel — never a bias.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { backendNames } from '../../src/runtime/backend.js';
import { prepareTfjsBackend } from '../../src/runtime/kernels/tfjs/engine.js';
import { evaluate } from '../../src/runtime/training/loop.js';
import { buildCase, expectClose, maxAbs, randomBatch, type Built } from '../helpers/gradcheck.js';
import { REGULARIZATION_CASES } from '../helpers/gradient-cases.js';
import { freshModel, gradientSuite, MODEL_SEED, trainableShapes } from '../helpers/gradient-suite.js';
import { tfForward, tfPenalty, useTfCpu, type LayerSpec } from '../helpers/tfjs-net.js';

describe('L2 penalties and label smoothing', () => {
  for (const c of REGULARIZATION_CASES) {
    const fusable = (c.loss ?? 'categorical_crossentropy') === 'categorical_crossentropy';
    gradientSuite(c, { pipelines: fusable ? ['fused', 'unfused', 'loss-only'] : ['fused', 'unfused'], gradBatches: [5, 2] });
  }
});

const net = REGULARIZATION_CASES[0]!; // l2 on conv2d and dense, label smoothing 0.1
const SMOOTHING = net.labelSmoothing!;

/** The same layers with the output's softmax left out: their output is the logits. */
const logitLayers: LayerSpec[] = net.layers.map((l, i) => (i === net.layers.length - 1 && l.op === 'dense' ? { ...l, activation: 'linear' } : l));

/**
 * tf.losses.softmaxCrossEntropy with labelSmoothing (the mean over the batch), plus the L2 of each
 * kernel. Run with tfjs's test mode off: its leak check counts the tensors the loss's custom
 * gradient keeps for the backward pass as leaked.
 */
function tfTruth(built: Built, params: Readonly<Record<string, Float32Array>>, images: Float32Array, labels: Float32Array, n: number, smoothing = SMOOTHING) {
  tf.env().set('IS_TEST', false);
  try {
    return tfTruthInTestMode(built, params, images, labels, n, smoothing);
  } finally {
    tf.env().set('IS_TEST', true);
  }
}

function tfTruthInTestMode(built: Built, params: Readonly<Record<string, Float32Array>>, images: Float32Array, labels: Float32Array, n: number, smoothing: number) {
  const shapes = trainableShapes(built);
  const names = [...shapes.keys()];
  return tf.tidy(() => {
    const [h, w, c] = net.input;
    const x = tf.tensor4d(images.subarray(0, n * h * w * c), [n, h, w, c]);
    const t = tf.tensor2d(labels.subarray(0, n * net.classes), [n, net.classes]);
    const f = (...ps: tf.Tensor[]) => {
      const record = Object.fromEntries(names.map((name, i) => [name, ps[i]!]));
      const logits = tfForward(logitLayers, record, x).output;
      return tf.add(tf.losses.softmaxCrossEntropy(t, logits, undefined, smoothing), tfPenalty(net.layers, record)) as tf.Scalar;
    };
    const { value, grads } = tf.valueAndGrads(f)(names.map((name) => tf.tensor(params[name]!, shapes.get(name)!)));
    return { loss: value.dataSync()[0]!, gradients: Object.fromEntries(names.map((name, i) => [name, Float32Array.from(grads[i]!.dataSync())])) };
  });
}

describe.each(backendNames())('label smoothing and L2 against tf.losses.softmaxCrossEntropy on the %s backend', (backend) => {
  let built: Built;
  beforeAll(async () => {
    await useTfCpu();
    if (backend === 'tfjs') expect(await prepareTfjsBackend()).toHaveProperty('tf');
    built = await buildCase(net, 'fused');
  });

  function model() {
    const m = built.module.createModel({ seed: MODEL_SEED, backend, threads: 1 });
    const fresh = freshModel(built, 'reference'); // random biases, set by name
    m.setParameters(fresh.getParameters());
    fresh.close();
    return m;
  }

  it('the loss a training step returns, and every gradient', () => {
    const m = model();
    try {
      for (const n of [5, 3]) {
        const { images, labels } = randomBatch(700 + n, n, net.input, net.classes);
        const params = m.getParameters();
        const loss = m.computeGradients(images, labels, n);
        const truth = tfTruth(built, params, images, labels, n);
        expectClose(`loss, n=${n}`, [loss], [truth.loss], 1e-5, 1);
        const ours = m.getGradients();
        for (const [name, g] of Object.entries(truth.gradients)) expectClose(`gradient of ${name}, n=${n}`, ours[name]!, g, 1e-4, 1e-2 * maxAbs(g));
        // both options matter here: without either, the loss would differ by 100 times the tolerance or more
        expect(m.regularizationLoss()).toBeGreaterThan(0.05);
        expect(Math.abs(loss - tfTruth(built, params, images, labels, n, 0).loss)).toBeGreaterThan(1e-3);
      }
    } finally {
      m.close();
    }
  });

  it("the test loss is the training loss's definition, as Keras's evaluate: smoothed targets and penalties", () => {
    const m = model();
    try {
      const n = 7; // two inference chunks of at most 4
      const { images, labels } = randomBatch(900, n, net.input, net.classes);
      const classes = Uint8Array.from({ length: n }, (_, i) => labels.subarray(i * net.classes, (i + 1) * net.classes).indexOf(1));
      const got = evaluate(m, { images, labels, classes, count: n }, 'categorical_crossentropy');
      expectClose('test loss', [got.loss], [tfTruth(built, m.getParameters(), images, labels, n).loss], 1e-5, 1);
    } finally {
      m.close();
    }
  });
});

describe('the regularized loss in the IR', () => {
  it('is the data loss plus l2·Σw² of each regularized kernel, and no bias', async () => {
    const built = await buildCase(net, 'fused');
    const train = built.compiled.train;
    const byId = new Map(train.nodes.map((n) => [n.id, n]));
    const loss = byId.get(train.outputs.loss!)!;
    expect(loss.op).toBe('add');
    expect(loss.inputs.map((i) => byId.get(i)!.op)).toEqual(['softmax_cross_entropy', 'l2_penalty', 'l2_penalty']);
    const penalties = train.nodes.filter((n) => n.op === 'l2_penalty').map((n) => [n.inputs[0], n.attrs.l2]);
    expect(penalties).toEqual([['c1.w', 0.05], ['out.w', 0.02]]);
    expect(byId.get(byId.get(loss.inputs[0]!)!.inputs[1]!)).toMatchObject({ op: 'affine', attrs: { scale: 1 - SMOOTHING, shift: SMOOTHING / net.classes } });
    // the inference graph predicts as before: no penalty, no loss
    expect(built.compiled.infer.nodes.some((n) => n.op === 'l2_penalty' || n.op === 'affine')).toBe(false);
    expect(built.module.info.parameters.filter((p) => p.l2 !== undefined).map((p) => [p.name, p.l2])).toEqual(penalties);
    expect(built.module.info.labelSmoothing).toBe(SMOOTHING);
  });
});
