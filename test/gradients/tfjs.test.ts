/**
 * netc's generated training modules against TensorFlow.js and float64 finite differences:
 * conv2d (every activation, stride 1 and 2, 'valid', 'same' and int padding), pooling and dense,
 * each compiled with netc's default passes (fused) and with none (unfused). The checks and their
 * tolerances are described in test/helpers/gradient-suite.ts.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectClose } from '../helpers/gradcheck.js';
import { CONV_CASES, DENSE_CASES, POOL_CASES } from '../helpers/gradient-cases.js';
import { gradientSuite } from '../helpers/gradient-suite.js';
import { avgPoolSame, useTfCpu } from '../helpers/tfjs-net.js';

describe('conv2d', () => {
  for (const c of CONV_CASES) gradientSuite(c);
});

describe('pooling', () => {
  for (const c of POOL_CASES) gradientSuite(c);
});

describe('dense', () => {
  for (const c of DENSE_CASES) gradientSuite(c, { gradBatches: [5, 1] });
});

describe('the TensorFlow.js reference itself', () => {
  beforeAll(useTfCpu);

  it("average pooling with 'same' padding built from tf.pad and a valid tf.avgPool equals tf.avgPool 'same' forward", () => {
    for (const [h, w, pool, stride] of [
      [7, 7, [3, 3], [2, 2]],
      [5, 4, [2, 3], [2, 1]],
      [6, 6, [3, 2], [1, 2]],
    ] as const) {
      const x = tf.randomUniform([2, h, w, 3], -1, 1, 'float32', 5) as tf.Tensor4D;
      const ours = avgPoolSame(x, [pool[0], pool[1]], [stride[0], stride[1]]);
      const theirs = tf.avgPool(x, [pool[0], pool[1]], [stride[0], stride[1]], 'same');
      expect(ours.shape).toEqual(theirs.shape);
      expectClose(`avgPoolSame ${h}×${w} pool ${pool.join('×')} stride ${stride.join('×')}`, ours.dataSync(), theirs.dataSync(), 1e-6, 1);
      tf.dispose([x, ours, theirs]);
    }
  });

  it("its gradient spreads each output over the real pixels of its window only", () => {
    // 3×3 input, 2×2 windows, stride 2, 'same': windows of 4, 2, 2 and 1 real pixels. (tfjs 4.22's
    // own AvgPoolGrad gives 0.25 everywhere here: it divides by the full window, which is why
    // tfForward does not differentiate tf.avgPool(…, 'same').)
    const x = tf.tensor4d([1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 3, 3, 1]);
    const g = tf.grad((v: tf.Tensor) => tf.sum(avgPoolSame(v as tf.Tensor4D, [2, 2], [2, 2])))(x);
    expectClose('d sum(avgpool) / dx', g.dataSync(), [0.25, 0.25, 0.5, 0.25, 0.25, 0.5, 0.5, 0.5, 1], 1e-7, 1);
    tf.dispose([x, g]);
  });
});
