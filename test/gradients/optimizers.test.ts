/**
 * A few training steps of the generated module against tf.train's optimizers applied to
 * tf.variables that start from the same weights: Adam (Kingma & Ba, as tf.train.adam), plain SGD,
 * momentum with and without Nesterov, and RMSprop with and without momentum. What tf.train lacks
 * is written here in float64 from its published update (test/helpers/float64-optimizers.ts):
 * AdamW (Loshchilov & Hutter, with Keras's w −= lr·wd·w), and centered RMSprop by Keras's rule
 * (tf.train.rmsprop's centered denominator subtracts ε). Each step uses a new batch (of varying
 * size), so the optimizer state matters. After every step the loss must agree within 1e-5 and
 * every parameter within |ours − tf| ≤ 1e-4 · max(1, |tf|).
 *
 * Every backend runs every case: each has its own optimizer kernels (and its own forward and
 * backward kernels), and a bug in one backend's update would not show on another.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { backendNames } from '../../src/runtime/backend.js';
import { prepareTfjsBackend } from '../../src/runtime/kernels/tfjs/engine.js';
import { buildCase, expectClose, randomBatch, type NetCase, type PipelineName } from '../helpers/gradcheck.js';
import { DAG_CASES, POOL_CASES } from '../helpers/gradient-cases.js';
import { freshModel, MODEL_SEED, trainableShapes } from '../helpers/gradient-suite.js';
import { tfForward, tfLoss, useTfCpu } from '../helpers/tfjs-net.js';
import { adamw64, rmsprop64, type Stepper } from '../helpers/float64-optimizers.js';

const PARAM_TOL = { rtol: 1e-4, floor: 1 };
const LOSS_TOL = { rtol: 1e-5, floor: 1 };

interface Run {
  readonly name: string;
  readonly net: NetCase;
  readonly optimizer: string;
  readonly tfOptimizer: () => Stepper;
  /** the batch size of each step */
  readonly steps: readonly number[];
  readonly pipeline?: PipelineName;
  /** createModel's learningRate override */
  readonly learningRate?: number;
}

async function compareTraining(run: Run, backend: string): Promise<void> {
  const net = { ...run.net, optimizer: run.optimizer };
  const built = await buildCase(net, run.pipeline ?? 'fused');
  const model = built.module.createModel({ seed: MODEL_SEED, backend, ...(run.learningRate !== undefined ? { learningRate: run.learningRate } : {}) });
  model.setParameters(freshModel(built).getParameters()); // random biases, not zeros
  const shapes = trainableShapes(built);
  const start = model.getParameters();
  const vars = new Map([...shapes].map(([name, shape]) => [name, tf.variable(tf.tensor(start[name]!, shape), true)]));
  const optimizer = run.tfOptimizer();
  const [h, w, c] = net.input;
  try {
    run.steps.forEach((n, step) => {
      const { images, labels } = randomBatch(500 + step, n, net.input, net.classes);
      const ours = model.trainStep(images, labels, n);
      const x = tf.tensor4d(images, [n, h, w, c]);
      const t = tf.tensor2d(labels, [n, net.classes]);
      const cost = optimizer.minimize(
        () => tfLoss(net.loss ?? 'categorical_crossentropy', tfForward(net.layers, Object.fromEntries(vars), x).output, t),
        true,
        [...vars.values()],
      )!;
      expectClose(`loss of step ${step + 1}`, [ours], [cost.dataSync()[0]!], LOSS_TOL.rtol, LOSS_TOL.floor);
      tf.dispose([x, t, cost]);
      const params = model.getParameters();
      for (const [name, v] of vars) {
        expectClose(`${name} after step ${step + 1}`, params[name]!, v.dataSync(), PARAM_TOL.rtol, PARAM_TOL.floor);
      }
    });
    expect(model.step).toBe(run.steps.length);
    // the steps must have moved every parameter beyond the tolerance, or the comparison proves little
    const end = model.getParameters();
    let most = 0;
    for (const name of shapes.keys()) {
      let moved = 0;
      for (let i = 0; i < end[name]!.length; i++) moved = Math.max(moved, Math.abs(end[name]![i]! - start[name]![i]!));
      expect(moved, `${name} moved`).toBeGreaterThan(2 * PARAM_TOL.rtol);
      most = Math.max(most, moved);
    }
    expect(most).toBeGreaterThan(50 * PARAM_TOL.rtol);
  } finally {
    model.close();
    optimizer.dispose();
    tf.dispose([...vars.values()]);
  }
}

const poolNet = POOL_CASES.find((c) => c.name === 'avgpool2d same, pool 3, stride 2 (windows over both borders)')!;
const dagNet = DAG_CASES.find((c) => c.name.startsWith('inception'))!;

const RUNS: readonly Run[] = [
  {
    name: 'adam with beta1 0.7, beta2 0.9: 5 steps of batches 5, 3, 1, 5, 3',
    net: poolNet,
    optimizer: '{ name: adam, learning_rate: 0.01, beta1: 0.7, beta2: 0.9, epsilon: 1e-7 }',
    tfOptimizer: () => tf.train.adam(0.01, 0.7, 0.9, 1e-7),
    steps: [5, 3, 1, 5, 3],
  },
  {
    name: 'adam with its defaults on a DAG: 3 steps of batches 3, 5, 1',
    net: dagNet,
    optimizer: '{ name: adam, learning_rate: 0.005 }',
    tfOptimizer: () => tf.train.adam(0.005, 0.9, 0.999, 1e-7),
    steps: [3, 5, 1],
  },
  {
    name: 'adam, compiled without fusion: 3 steps',
    net: poolNet,
    optimizer: '{ name: adam, learning_rate: 0.01 }',
    tfOptimizer: () => tf.train.adam(0.01, 0.9, 0.999, 1e-7),
    steps: [5, 1, 3],
    pipeline: 'unfused',
  },
  {
    name: 'sgd: 3 steps',
    net: poolNet,
    optimizer: '{ name: sgd, learning_rate: 0.5 }',
    tfOptimizer: () => tf.train.sgd(0.5),
    steps: [5, 3, 1],
  },
  {
    name: 'sgd with the learning rate overridden by createModel: 3 steps',
    net: dagNet,
    optimizer: '{ name: sgd, learning_rate: 0.01 }',
    tfOptimizer: () => tf.train.sgd(0.3),
    steps: [3, 3, 5],
    learningRate: 0.3,
  },
  {
    name: 'momentum 0.8: 4 steps',
    net: poolNet,
    optimizer: '{ name: momentum, learning_rate: 0.1, momentum: 0.8 }',
    tfOptimizer: () => tf.train.momentum(0.1, 0.8, false),
    steps: [5, 3, 1, 5],
  },
  {
    name: 'rmsprop with its defaults: 4 steps',
    net: poolNet,
    optimizer: '{ name: rmsprop, learning_rate: 0.01 }',
    tfOptimizer: () => tf.train.rmsprop(0.01, 0.9, 0, 1e-7, false),
    steps: [5, 3, 1, 5],
  },
  {
    name: 'rmsprop with rho 0.8 and momentum 0.7 on a DAG: 4 steps',
    net: dagNet,
    optimizer: '{ name: rmsprop, learning_rate: 0.005, rho: 0.8, momentum: 0.7 }',
    tfOptimizer: () => tf.train.rmsprop(0.005, 0.8, 0.7, 1e-7, false),
    steps: [3, 5, 1, 3],
  },
  {
    name: "centered rmsprop with momentum 0.5, by Keras's rule in float64: 4 steps",
    net: poolNet,
    optimizer: '{ name: rmsprop, learning_rate: 0.005, momentum: 0.5, centered: true, epsilon: 1e-6 }',
    tfOptimizer: () => rmsprop64({ learningRate: 0.005, rho: 0.9, momentum: 0.5, epsilon: 1e-6, centered: true }),
    steps: [5, 3, 1, 5],
  },
  {
    name: 'adamw with its default betas, epsilon and weight decay, in float64: 4 steps',
    net: poolNet,
    optimizer: '{ name: adamw, learning_rate: 0.003 }',
    tfOptimizer: () => adamw64({ learningRate: 0.003, weightDecay: 0.004, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 }),
    steps: [5, 3, 1, 5],
  },
  {
    name: 'adamw with weight_decay 0.3 on a DAG, in float64: 4 steps',
    net: dagNet,
    optimizer: '{ name: adamw, learning_rate: 0.01, weight_decay: 0.3, beta1: 0.8 }',
    tfOptimizer: () => adamw64({ learningRate: 0.01, weightDecay: 0.3, beta1: 0.8, beta2: 0.999, epsilon: 1e-7 }),
    steps: [3, 5, 1, 3],
  },
  {
    name: 'adamw, compiled without fusion, with the learning rate overridden: 3 steps',
    net: poolNet,
    optimizer: '{ name: adamw, learning_rate: 0.01, weight_decay: 0.1 }',
    tfOptimizer: () => adamw64({ learningRate: 0.02, weightDecay: 0.1, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 }),
    steps: [5, 1, 3],
    pipeline: 'unfused',
    learningRate: 0.02,
  },
  {
    name: 'momentum 0.9 with Nesterov: 4 steps',
    net: dagNet,
    optimizer: '{ name: momentum, learning_rate: 0.1, momentum: 0.9, nesterov: true }',
    tfOptimizer: () => tf.train.momentum(0.1, 0.9, true),
    steps: [3, 5, 1, 3],
  },
];

// Every registered backend, tfjs included: its pure-JavaScript kernels are cheap at these sizes.
describe.each(backendNames())('optimizers against tf.train on the %s backend', (backend) => {
  beforeAll(async () => {
    await useTfCpu();
    if (backend === 'tfjs') expect(await prepareTfjsBackend()).toHaveProperty('tf');
  });

  for (const run of RUNS) it(run.name, () => compareTraining(run, backend));
});
