/**
 * The three checks every tiny network gets, per pass pipeline, as vitest suites:
 *
 *  1. predict: the generated inference pass equals TensorFlow.js on the same weights;
 *  2. gradients: computeGradients' loss and the gradient of every parameter equal tf.valueAndGrads
 *     of the same loss (dropout layers: with netc's mask of that step, read back from the IR
 *     interpreter run with the step's seed);
 *  3. finite differences: central differences of the loss in float64 (the IR interpreter on the
 *     unfused lowered graph) against the interpreter's float64 gradients of the compiled training
 *     graph, and against the generated module's float32 gradients.
 *
 * Tolerances (|actual − expected| ≤ rtol · max(|expected|, floor)):
 *  - forward vs tfjs: rtol 1e-5, floor 1 (probabilities are at most 1);
 *  - loss vs tfjs: rtol 1e-5, floor 1;
 *  - gradients vs tfjs: rtol 1e-4, floor 1e-2 · (the largest |entry| of that gradient tensor) —
 *    both sides are float32, summed in different orders;
 *  - float64 interpreter gradients vs finite differences (ε = 1e-6): rtol 1e-6, floor 1e-3
 *    (so at least 1e-9 absolute: the rounding of the loss, ~1e-16, divided by 2ε);
 *  - float32 generated gradients vs finite differences: rtol 1e-3, floor 1e-2 · the tensor's largest.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { ELEMENTWISE, GRAD_FROM_INPUT } from '../../src/ir/ops/activation.js';
import { nodeMap, type Graph } from '../../src/ir/types.js';
import type { CompiledModel } from '../../src/runtime/index.js';
import {
  buildCase,
  expectClose,
  feedsFor,
  finiteDifferences,
  interpretGradients,
  maxAbs,
  randomBatch,
  rng,
  sampleIndices,
  type Built,
  type NetCase,
  type PipelineName,
  PIPELINES,
} from './gradcheck.js';
import { tfForward, tfLoss, tfPenalty, useTfCpu } from './tfjs-net.js';

export const TOL = {
  forward: { rtol: 1e-5, floor: 1 },
  loss: { rtol: 1e-5, floor: 1 },
  tfGrad: { rtol: 1e-4, floorFraction: 1e-2 },
  fd64: { rtol: 1e-6, floor: 1e-3 },
  fd32: { rtol: 1e-3, floorFraction: 1e-2 },
} as const;

export const MODEL_SEED = 11;

/** Every check runs on both backends: the fast one (the default) and the reference. */
export const BACKENDS = ['fast', 'reference'] as const;
export type Backend = (typeof BACKENDS)[number];

export interface SuiteOptions {
  readonly pipelines?: readonly PipelineName[];
  /** batches of the predict check (the module's inferBatch is 4, so 5 runs in two chunks) */
  readonly predictBatches?: readonly number[];
  /** batches of the gradient check against tfjs */
  readonly gradBatches?: readonly number[];
  /** the batch of the finite-difference check */
  readonly fdBatch?: number;
  /** entries checked by finite differences per parameter */
  readonly fdSamples?: number;
}

/**
 * A model with netc's initial weights (Glorot-uniform from MODEL_SEED) and, set by name through
 * setParameters, random biases in [-0.3, 0.3) — the initial zero biases would hide a forward pass
 * that forgot them.
 */
export function freshModel(built: Built, backend: Backend = 'fast'): CompiledModel {
  // One thread: the kernels' splitting over threads is tested in test/runtime/fast-kernels.
  const model = built.module.createModel({ seed: MODEL_SEED, backend, threads: 1 });
  const r = rng(29);
  const biases = built.module.info.parameters.filter((p) => p.name.endsWith('.b'));
  if (biases.length === 0) throw new Error('a network without biases');
  model.setParameters(Object.fromEntries(biases.map((p) => [p.name, new Float32Array(p.shape[0]!).map(() => 0.6 * r() - 0.3)])));
  // and batch normalization's γ, β and moving statistics, which start as an identity-like map
  const positive = /\.(gamma|moving_variance)$/;
  const norm = built.module.info.parameters.filter((p) => /\.(gamma|beta|moving_mean|moving_variance)$/.test(p.name));
  model.setParameters(Object.fromEntries(norm.map((p) => [p.name, new Float32Array(p.shape[0]!).map(() => (positive.test(p.name) ? 0.5 + r() : 0.6 * r() - 0.3))])));
  return model;
}

/** The step seed the module drew dropout masks from in its last computeGradients. */
export function stepSeedOf(model: CompiledModel): number {
  const seed = (model as unknown as { stepSeed?: unknown }).stepSeed;
  if (typeof seed !== 'number') throw new Error('the model has no numeric stepSeed');
  return seed;
}

/** Shapes of the trainable parameters, by name. */
export function trainableShapes(built: Built): Map<string, number[]> {
  return new Map(built.module.info.parameters.filter((p) => p.trainable).map((p) => [p.name, [...p.shape]]));
}

/**
 * netc's dropout multipliers of a step (0 where dropped, 1/(1 − rate) where kept), read from a
 * float64 interpreter run of the training graph: dropped where the output is 0 and the input is not.
 */
export function dropoutMasks(train: Graph, run: { get(id: string): Float64Array }, n: number): Map<string, { mask: Float64Array; shape: number[]; rate: number }> {
  const masks = new Map<string, { mask: Float64Array; shape: number[]; rate: number }>();
  for (const node of train.nodes) {
    if (node.op !== 'dropout') continue;
    const rate = node.attrs.rate as number;
    const out = run.get(node.id);
    const inp = run.get(node.inputs[0]!);
    const mask = new Float64Array(out.length);
    for (let i = 0; i < out.length; i++) {
      if (out[i] === 0) {
        if (inp[i] === 0) throw new Error(`dropout '${node.id}' [${i}]: input is exactly 0, cannot tell whether it was dropped`);
        mask[i] = 0;
      } else {
        const kept = inp[i]! / (1 - rate);
        if (Math.abs(out[i]! - kept) > 1e-12 * Math.max(1, Math.abs(kept))) {
          throw new Error(`dropout '${node.id}' [${i}]: ${out[i]} is neither 0 nor input/(1 − rate) = ${kept}`);
        }
        mask[i] = 1 / (1 - rate);
      }
    }
    const shape = node.type.shape.map((d) => (d === 'N' ? n : d));
    masks.set(node.id, { mask, shape, rate });
  }
  return masks;
}

/** The loss and every parameter's gradient by tf.valueAndGrads, from netc's current parameters. */
export function tfGradients(
  c: NetCase,
  built: Built,
  params: Readonly<Record<string, Float32Array>>,
  images: Float32Array,
  labels: Float32Array,
  n: number,
  masks?: ReadonlyMap<string, { mask: Float64Array; shape: number[] }>,
): { loss: number; gradients: Record<string, Float32Array>; output: Float32Array } {
  const shapes = trainableShapes(built);
  const names = [...shapes.keys()];
  let result: { loss: number; gradients: Record<string, Float32Array>; output: Float32Array } | undefined;
  tf.tidy(() => {
    const [h, w, ch] = c.input;
    const x = tf.tensor4d(images.subarray(0, n * h * w * ch), [n, h, w, ch]);
    const t = tf.tensor2d(labels.subarray(0, n * c.classes), [n, c.classes]);
    const dropout = Object.fromEntries([...(masks ?? new Map())].map(([id, m]) => [id, tf.tensor(Float32Array.from(m.mask), m.shape)]));
    let output: Float32Array | undefined;
    const f = (...ps: tf.Tensor[]) => {
      const record = Object.fromEntries(names.map((name, i) => [name, ps[i]!]));
      const y = tfForward(c.layers, record, x, { dropoutMasks: dropout, training: true }).output;
      output = y.dataSync() as Float32Array;
      return tf.add(tfLoss(c.loss ?? 'categorical_crossentropy', y, t, c.labelSmoothing), tfPenalty(c.layers, record)) as tf.Scalar;
    };
    const { value, grads } = tf.valueAndGrads(f)(names.map((name) => tf.tensor(params[name]!, shapes.get(name)!)));
    result = {
      loss: value.dataSync()[0]!,
      gradients: Object.fromEntries(names.map((name, i) => [name, Float32Array.from(grads[i]!.dataSync())])),
      output: output!,
    };
  });
  return result!;
}

/** The prediction of the tfjs network (dropout is the identity, batchnorm uses its moving statistics) for n images. */
export function tfPredict(c: NetCase, built: Built, params: Readonly<Record<string, Float32Array>>, images: Float32Array, n: number): Float32Array {
  const shapes = new Map(built.module.info.parameters.map((p) => [p.name, [...p.shape]]));
  return tf.tidy(() => {
    const [h, w, ch] = c.input;
    const x = tf.tensor4d(images.subarray(0, n * h * w * ch), [n, h, w, ch]);
    const record = Object.fromEntries([...shapes].map(([name, shape]) => [name, tf.tensor(params[name]!, shape)]));
    return tfForward(c.layers, record, x).output;
  }).dataSync() as Float32Array;
}

/**
 * Every trainable parameter of the network has a gradient, and none of them is all zeros —
 * except those `zero` names, which must be zero at the precision of the largest gradient.
 */
export function expectEveryGradient(built: Built, gradients: Readonly<Record<string, ArrayLike<number>>>, zero: readonly string[] = []): void {
  const names = [...trainableShapes(built).keys()].sort();
  expect(Object.keys(gradients).sort()).toEqual(names);
  for (const name of names) {
    const m = maxAbs(gradients[name]!);
    if (zero.includes(name)) expect(m, `the gradient of '${name}', zero in exact arithmetic`).toBeLessThanOrEqual(1e-4 * largest(gradients));
    else if (!(m > 1e-7)) throw new Error(`the gradient of '${name}' is zero (max |g| = ${m}): the test would prove nothing`);
  }
}

/** The largest |entry| of any of the gradients. */
const largest = (gradients: Readonly<Record<string, ArrayLike<number>>>) => Math.max(...Object.values(gradients).map(maxAbs));

/**
 * The structural check: each pipeline fused what it should — conv2d and dense carry their
 * elementwise activation only with fuse-activations, cross-entropy of a softmax output becomes
 * softmax_cross_entropy only with fuse-softmax-cross-entropy.
 */
function expectFusion(c: NetCase, built: Built, pipeline: PipelineName): void {
  const passes: readonly string[] = PIPELINES[pipeline];
  const train = built.compiled.train;
  const byId = nodeMap(train);
  if (passes.includes('fuse-activations')) {
    for (const l of c.layers) {
      if ((l.op === 'conv2d' || l.op === 'dense') && l.activation && (ELEMENTWISE as readonly string[]).includes(l.activation)) {
        // gelu and swish stay apart in the training graph: their gradient reads the value before them
        const fused = GRAD_FROM_INPUT.includes(l.activation) ? undefined : l.activation;
        expect(byId.get(l.name)?.attrs.activation, `${l.name} fused with ${l.activation}`).toBe(fused);
      }
    }
    for (const [id, what] of Object.entries(c.fusedGraphHas ?? {})) {
      const n = byId.get(id);
      expect(n && (n.attrs.activation === undefined ? n.op : `${n.op}(${String(n.attrs.activation)})`), `node ${id}`).toBe(what);
    }
  } else {
    expect(train.nodes.filter((n) => n.attrs.activation !== undefined).map((n) => n.id)).toEqual([]);
  }
  const last = c.layers[c.layers.length - 1]!;
  const softmaxOut = (last.op === 'dense' && last.activation === 'softmax') || (last.op === 'activation' && last.fn === 'softmax');
  const ce = (c.loss ?? 'categorical_crossentropy') === 'categorical_crossentropy';
  expect(train.nodes.some((n) => n.op === 'softmax_cross_entropy')).toBe(ce && softmaxOut && passes.includes('fuse-softmax-cross-entropy'));
  expect(train.nodes.some((n) => n.op === 'categorical_crossentropy')).toBe(ce && !passes.includes('fuse-softmax-cross-entropy'));
}

export function gradientSuite(c: NetCase, options: SuiteOptions = {}): void {
  const pipelines = options.pipelines ?? (['fused', 'unfused'] as const);
  const predictBatches = options.predictBatches ?? [5, 3, 1];
  const gradBatches = options.gradBatches ?? [3, 1];
  const fdBatch = options.fdBatch ?? 3;
  const fdSamples = options.fdSamples ?? 10;
  const zero = c.zeroGradients ?? [];

  for (const pipeline of pipelines) {
    describe(`${c.name} [${pipeline}]`, () => {
      let built: Built;
      beforeAll(async () => {
        await useTfCpu();
        built = await buildCase(c, pipeline);
      });

      it('compiles with the expected fusion', () => expectFusion(c, built, pipeline));

      for (const backend of BACKENDS) {
        it(`[${backend}] predict equals tfjs (batches ${predictBatches.join(', ')})`, () => {
          const model = freshModel(built, backend);
          const params = model.getParameters();
          for (const n of predictBatches) {
            const { images } = randomBatch(100 + n, n, c.input, c.classes);
            const ours = model.predict(images, n);
            const truth = tfPredict(c, built, params, images, n);
            expect(ours.length).toBe(n * c.classes);
            expectClose(`predict, n=${n}`, ours, truth, TOL.forward.rtol, TOL.forward.floor);
          }
        });

        it(`[${backend}] loss and every gradient equal tf.valueAndGrads (batches ${gradBatches.join(', ')})`, () => {
          const model = freshModel(built, backend);
          const params = model.getParameters();
          for (const n of gradBatches) {
            const { images, labels } = randomBatch(200 + n, n, c.input, c.classes);
            const loss = model.computeGradients(images, labels, n);
            const ours = model.getGradients();
            expectEveryGradient(built, ours, zero);
            let masks: ReturnType<typeof dropoutMasks> | undefined;
            if (c.layers.some((l) => l.op === 'dropout')) {
              const feeds = feedsFor(built.compiled.train, images.subarray(0, n * size(c.input)), labels.subarray(0, n * c.classes), params);
              masks = dropoutMasks(built.compiled.train, interpretGradients(built.compiled.train, feeds, n, stepSeedOf(model)).run, n);
            }
            const truth = tfGradients(c, built, params, images, labels, n, masks);
            expectClose(`loss, n=${n}`, [loss], [truth.loss], TOL.loss.rtol, TOL.loss.floor);
            expect(model.lastCorrect, `lastCorrect, n=${n}`).toBe(correct(truth.output, labels, n, c.classes));
            for (const name of Object.keys(truth.gradients)) {
              const t = truth.gradients[name]!;
              const scale = zero.includes(name) ? largest(truth.gradients) : maxAbs(t);
              expectClose(`gradient of ${name}, n=${n}`, ours[name]!, t, TOL.tfGrad.rtol, TOL.tfGrad.floorFraction * scale);
            }
          }
        });

        it(`[${backend}] gradients agree with float64 finite differences (batch ${fdBatch})`, () => {
          const model = freshModel(built, backend);
          const params = model.getParameters();
          const { images, labels } = randomBatch(300 + fdBatch, fdBatch, c.input, c.classes);
          const loss32 = model.computeGradients(images, labels, fdBatch);
          const ours = model.getGradients();
          const seed = stepSeedOf(model);
          const train = built.compiled.train;
          const lowered = built.compiled.analysis.graph!;
          const feeds = feedsFor(lowered, images, labels, params);
          const f64 = interpretGradients(train, feeds, fdBatch, seed);
          expectClose('float32 loss vs float64 interpreter', [loss32], [f64.loss], TOL.loss.rtol, TOL.loss.floor);
          expectEveryGradient(built, f64.gradients, zero);
          let k = 0;
          for (const [name, g64] of Object.entries(f64.gradients)) {
            const idx = sampleIndices(g64, fdSamples, 17 + k++);
            const fd = finiteDifferences(lowered, feeds, name, idx, fdBatch, { seed });
            expectClose(`float64 gradient of ${name} vs finite differences`, idx.map((i) => g64[i]!), fd, TOL.fd64.rtol, TOL.fd64.floor);
            const scale = zero.includes(name) ? largest(f64.gradients) : maxAbs(g64);
            expectClose(`float32 gradient of ${name} vs finite differences`, idx.map((i) => ours[name]![i]!), fd, TOL.fd32.rtol, TOL.fd32.floorFraction * scale);
          }
        });
      }
    });
  }
}

const size = (s: readonly number[]) => s.reduce((a, d) => a * d, 1);

/** Examples whose largest output is at their label's class. */
function correct(output: Float32Array, labels: Float32Array, n: number, classes: number): number {
  const argmax = (v: ArrayLike<number>, o: number) => {
    let best = 0;
    for (let c = 1; c < classes; c++) if (v[o + c]! > v[o + best]!) best = c;
    return best;
  };
  let k = 0;
  for (let i = 0; i < n; i++) if (argmax(output, i * classes) === argmax(labels, i * classes)) k++;
  return k;
}
