/**
 * The tfjs kernels: every kernel of a generated schedule that has a TensorFlow.js op runs as
 * one; the rest run as the reference kernels on the same arena — data movement (copies and
 * channel slices), dropout (its mask is netc's counter-based hash, so every backend drops the
 * same units), the accuracy count, and the 1998 paper's subsampling, RBF units and MAP loss.
 */
import { referenceKernels } from '../reference/index.js';
import type { Kernels } from '../types.js';
import { activationKernels } from './activation.js';
import { ArenaTensors } from './arena.js';
import { augmentKernels } from './augment.js';
import { convKernels } from './conv.js';
import { denseKernels } from './dense.js';
import type { Tf } from './engine.js';
import { lossKernels } from './losses.js';
import { normalizationKernels } from './normalization.js';
import { optimizerKernels } from './optimizers.js';
import { poolKernels } from './pool.js';
import { tensorKernels } from './tensor.js';

/** The kernels that run as TensorFlow.js ops; tests use the list to compare each with the reference. */
export const TF_KERNELS = [
  'conv2d', 'conv2dGradInput', 'conv2dGradFilter', 'biasGrad', 'dense', 'denseGradInput', 'denseGradWeight',
  'conv2dDilated', 'conv2dDilatedGradInput', 'conv2dDilatedGradFilter', 'depthwiseConv2d', 'depthwiseConv2dGradInput', 'depthwiseConv2dGradFilter',
  'globalAvgpool', 'globalAvgpoolGrad', 'globalMaxpool', 'globalMaxpoolGrad',
  'activation', 'activationGrad', 'softmax', 'softmaxGrad', 'avgpool', 'avgpoolGrad', 'avgpoolGradActivation', 'maxpool', 'maxpoolGrad',
  'add', 'pad', 'padGrad', 'affine', 'mul', 'affineWarp',
  'channelMean', 'channelVariance', 'batchnorm', 'batchnormGradScale', 'batchnormGradInput', 'batchnormFoldWeights', 'batchnormFoldBias',
  'crossEntropy', 'crossEntropyGrad', 'mse', 'mseGrad', 'softmaxCrossEntropy', 'softmaxCrossEntropyGrad', 'l2Penalty',
  'sgd', 'momentum', 'adam', 'weightDecay', 'rmsprop',
] as const satisfies readonly (keyof Kernels)[];

export function tfjsKernels(tf: Tf, arena: Float32Array): Kernels {
  const io = new ArenaTensors(tf, arena);
  return {
    ...referenceKernels(arena),
    ...convKernels(io),
    ...denseKernels(io),
    ...poolKernels(io),
    ...activationKernels(io),
    ...tensorKernels(io),
    ...augmentKernels(io),
    ...lossKernels(io),
    ...optimizerKernels(io),
    ...normalizationKernels(io),
  };
}
