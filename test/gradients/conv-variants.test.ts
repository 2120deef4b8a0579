/**
 * conv2d with dilated taps and without a bias, depthwise convolution, and global pooling, against
 * TensorFlow.js and float64 finite differences, fused and unfused (test/helpers/gradient-suite.ts).
 * TensorFlow.js cannot differentiate a dilated tf.conv2d, so the oracle computes one tap at a
 * time (convByTaps); the first test holds that to tf.conv2d's own dilated forward pass.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectClose } from '../helpers/gradcheck.js';
import { CONV_VARIANT_CASES } from '../helpers/gradient-cases-conv.js';
import { gradientSuite } from '../helpers/gradient-suite.js';
import { convByTaps, useTfCpu } from '../helpers/tfjs-net.js';

describe('the oracle: a convolution summed tap by tap', () => {
  beforeAll(useTfCpu);

  // (tf.conv2d takes strides or dilations above 1, not both)
  it.each([
    { h: 9, w: 8, k: [3, 3], s: [1, 1], d: [2, 2], padding: 'same' },
    { h: 10, w: 7, k: [2, 3], s: [1, 1], d: [3, 1], padding: 'valid' },
    { h: 9, w: 8, k: [3, 2], s: [2, 3], d: [1, 1], padding: 'same' },
    { h: 7, w: 9, k: [2, 2], s: [2, 1], d: [1, 1], padding: 'valid' },
  ] as const)('equals tf.conv2d with strides $s and dilations $d, kernel $k, $padding, on $h×$w', ({ h, w, k, s, d, padding }) => {
    const x = tf.randomUniform([2, h, w, 3], -1, 1, 'float32', 3) as tf.Tensor4D;
    const kernel = tf.randomUniform([k[0], k[1], 3, 4], -1, 1, 'float32', 4) as tf.Tensor4D;
    const ours = convByTaps(x, kernel, [s[0], s[1]], padding, [d[0], d[1]]);
    const theirs = tf.conv2d(x, kernel, [s[0], s[1]], padding, 'NHWC', [d[0], d[1]]);
    expect(ours.shape).toEqual(theirs.shape);
    expectClose('tap by tap vs tf.conv2d', ours.dataSync(), theirs.dataSync(), 1e-5, 1);
    tf.dispose([x, kernel, ours, theirs]);
  });
});

describe('conv2d dilated and without a bias, depthwise_conv2d, global pooling', () => {
  for (const c of CONV_VARIANT_CASES) gradientSuite(c);
});
