/**
 * The summary's figures for dilated and bias-free conv2d, depthwise_conv2d and global pooling:
 * output shapes and parameters as TensorFlow.js Layers computes them for the same layers (its
 * computeOutputShape and countParams), multiply-adds as Keras-style counting gives them (one per
 * weight tap per output value; pooling none).
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { analyze } from '../../src/driver/analyze.js';
import { tinySpec } from '../helpers/modules.js';
import { useTfCpu } from '../helpers/tfjs-net.js';

const INPUT = [20, 18, 3] as const;

const spec = () =>
  tinySpec({
    input: INPUT,
    classes: 5,
    layers: [
      '  - { name: c1, op: conv2d, filters: 8, kernel: 3, padding: same, dilation: 2, use_bias: false, activation: relu }',
      '  - { name: c2, op: conv2d, filters: 6, kernel: [3, 2], dilation: [2, 3] }',
      '  - { name: dw, op: depthwise_conv2d, kernel: 3, depth_multiplier: 2, stride: 2, padding: same }',
      '  - { name: dw2, op: depthwise_conv2d, kernel: [2, 3], use_bias: false }',
      '  - { name: gap, op: global_avgpool2d }',
      '  - { name: out, op: dense, units: 5, activation: softmax }',
    ].join('\n'),
  });

/** The same network in TensorFlow.js Layers. */
function keras(): tf.layers.Layer[] {
  return [
    tf.layers.conv2d({ inputShape: [...INPUT], filters: 8, kernelSize: 3, padding: 'same', dilationRate: 2, useBias: false, activation: 'relu' }),
    tf.layers.conv2d({ filters: 6, kernelSize: [3, 2], dilationRate: [2, 3] }),
    tf.layers.depthwiseConv2d({ kernelSize: 3, depthMultiplier: 2, strides: 2, padding: 'same' }),
    tf.layers.depthwiseConv2d({ kernelSize: [2, 3], useBias: false }),
    tf.layers.globalAveragePooling2d({}),
    tf.layers.dense({ units: 5, activation: 'softmax' }),
  ];
}

describe('summary figures of dilated and bias-free conv2d, depthwise_conv2d, global pooling', () => {
  beforeAll(useTfCpu);

  it('shapes and parameters as TensorFlow.js Layers counts them, multiply-adds per weight tap', () => {
    const s = analyze(spec()).summary!;
    const model = tf.sequential({ layers: keras() });
    const shapes = model.layers.map((l) => (l.outputShape as number[]).slice(1));
    expect(s.layers.map((l) => l.shape)).toEqual(shapes);
    expect(s.layers.map((l) => l.params)).toEqual(model.layers.map((l) => l.countParams()));
    expect(s.params).toBe(model.countParams());
    // c1: 20×18×8 outputs of 3·3·3 taps; c2: 16×15×6 of 3·2·8; dw: 8×8×12 of 3·3; dw2: 7×6×12 of 2·3; out: 12·5
    expect(s.layers.map((l) => l.macs)).toEqual([20 * 18 * 8 * 27, 16 * 15 * 6 * 48, 8 * 8 * 12 * 9, 7 * 6 * 12 * 6, 0, 12 * 5]);
    model.dispose();
  });
});
