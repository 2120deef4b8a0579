/**
 * The gradient tests' networks of dilated and bias-free conv2d, depthwise_conv2d and global
 * pooling (test/gradients/conv-variants.test.ts); gradient-cases.ts lists them among ALL_CASES.
 * Inputs are small and odd-sized, so 'same' padding is asymmetric and windows hang over the border.
 */
import type { NetCase } from './gradcheck.js';

/** conv2d with dilated taps and without a bias; depthwise convolution; global pooling. */
export const CONV_VARIANT_CASES: readonly NetCase[] = [
  {
    name: 'conv2d dilation 2 same without a bias, dilation [2, 1] valid',
    input: [9, 8, 2],
    classes: 3,
    layers: [
      // 'same' for a 5×5 span: 2 pixels of padding on every side
      { name: 'c1', op: 'conv2d', filters: 3, kernel: 3, dilation: 2, padding: 'same', use_bias: false, activation: 'tanh' },
      { name: 'c2', op: 'conv2d', filters: 2, kernel: [2, 3], dilation: [2, 1], activation: 'sigmoid' },
      { name: 'flat', op: 'flatten' },
      { name: 'out', op: 'dense', units: 3, activation: 'softmax' },
    ],
  },
  {
    name: 'conv2d dilation 3, padding 2, stride 2',
    input: [10, 10, 1],
    classes: 3,
    layers: [
      { name: 'c1', op: 'conv2d', filters: 2, kernel: 3, dilation: 3, padding: 2, stride: 2, activation: 'scaled_tanh' },
      { name: 'flat', op: 'flatten' },
      { name: 'out', op: 'dense', units: 3, activation: 'softmax' },
    ],
  },
  {
    name: 'depthwise_conv2d same with l2, then multiplier 2, kernel [2, 3], stride 2, without a bias',
    input: [7, 7, 3],
    classes: 3,
    layers: [
      { name: 'dw1', op: 'depthwise_conv2d', kernel: 3, padding: 'same', activation: 'tanh', l2: 0.05 },
      { name: 'dw2', op: 'depthwise_conv2d', kernel: [2, 3], depth_multiplier: 2, stride: 2, use_bias: false },
      { name: 'flat', op: 'flatten' },
      { name: 'out', op: 'dense', units: 3, activation: 'softmax' },
    ],
  },
  {
    name: 'depthwise_conv2d multiplier 3 with a sigmoid layer (fused), then a pointwise conv2d',
    input: [6, 5, 2],
    classes: 3,
    layers: [
      { name: 'dw', op: 'depthwise_conv2d', kernel: 2, depth_multiplier: 3 },
      { name: 'a', op: 'activation', fn: 'sigmoid' },
      { name: 'pw', op: 'conv2d', filters: 3, kernel: 1, activation: 'tanh' },
      { name: 'flat', op: 'flatten' },
      { name: 'out', op: 'dense', units: 3, activation: 'softmax' },
    ],
    fusedGraphHas: { dw: 'depthwise_conv2d(sigmoid)' },
  },
  {
    // fold-batchnorm has no bias to fold into here: the inference graph keeps the batchnorm
    name: 'conv2d without a bias before a batchnorm and relu',
    input: [6, 6, 2],
    classes: 3,
    layers: [
      { name: 'c1', op: 'conv2d', filters: 3, kernel: 3, use_bias: false },
      { name: 'bn1', op: 'batchnorm' },
      { name: 'r1', op: 'activation', fn: 'relu' },
      { name: 'flat', op: 'flatten' },
      { name: 'out', op: 'dense', units: 3, activation: 'softmax' },
    ],
    fusedGraphHas: { c1: 'conv2d', bn1: 'batchnorm(relu)' },
  },
  {
    name: 'global average pooling straight into the output layer',
    input: [6, 6, 2],
    classes: 3,
    layers: [
      { name: 'c1', op: 'conv2d', filters: 4, kernel: 3, activation: 'tanh' },
      { name: 'gap', op: 'global_avgpool2d' },
      { name: 'out', op: 'dense', units: 3, activation: 'softmax' },
    ],
  },
  {
    name: 'global average and max pooling of one conv, joined',
    input: [5, 6, 2],
    classes: 3,
    layers: [
      { name: 'c1', op: 'conv2d', filters: 3, kernel: 3, padding: 'same', activation: 'sigmoid' },
      { name: 'gap', op: 'global_avgpool2d', inputs: ['c1'] },
      { name: 'gmp', op: 'global_maxpool2d', inputs: ['c1'] },
      { name: 'cat', op: 'concat', inputs: ['gap', 'gmp'] },
      { name: 'out', op: 'dense', units: 3, activation: 'softmax' },
    ],
  },
];
