/**
 * The reference kernels bound to one arena: what the reference backend runs, what the IR
 * interpreter computes with, and what the tfjs backend falls back on.
 */
import type { Arena, Kernels } from '../types.js';
import { activation, activationGrad, softmax, softmaxGrad } from './activation.js';
import { affineWarp } from './augment.js';
import {
  biasGrad,
  conv2d,
  conv2dDilated,
  conv2dDilatedGradFilter,
  conv2dDilatedGradInput,
  conv2dGradFilter,
  conv2dGradInput,
  depthwiseConv2d,
  depthwiseConv2dGradFilter,
  depthwiseConv2dGradInput,
} from './conv.js';
import { dense, denseGradInput, denseGradWeight } from './dense.js';
import { countCorrect, crossEntropy, crossEntropyGrad, l2Penalty, mse, mseGrad, softmaxCrossEntropy, softmaxCrossEntropyGrad } from './losses.js';
import { adam, momentum, rmsprop, sgd, weightDecay } from './optimizers.js';
import { avgpool, avgpoolGrad, avgpoolGradActivation, globalAvgpool, globalAvgpoolGrad, globalMaxpool, globalMaxpoolGrad, maxpool, maxpoolGrad } from './pool.js';
import { add, affine, copy, copyChannels, dropout, dropoutGrad, mul, pad, padGrad, sliceChannels } from './tensor.js';
import { rbf, rbfGradInput, rbfMap, rbfMapGrad, subsample, subsampleGradCoef, subsampleGradInput } from './lenet98.js';
import { batchnorm, batchnormFoldBias, batchnormFoldWeights, batchnormGradInput, batchnormGradScale, channelMean, channelVariance } from './normalization.js';

type Unbound<K> = { [P in keyof K]: K[P] extends (...a: infer A) => infer R ? (m: Arena, ...a: A) => R : never };

const KERNELS: Unbound<Kernels> = {
  conv2d, conv2dGradInput, conv2dGradFilter, biasGrad,
  conv2dDilated, conv2dDilatedGradInput, conv2dDilatedGradFilter, depthwiseConv2d, depthwiseConv2dGradInput, depthwiseConv2dGradFilter,
  dense, denseGradInput, denseGradWeight,
  activation, activationGrad, softmax, softmaxGrad,
  avgpool, avgpoolGrad, avgpoolGradActivation, maxpool, maxpoolGrad,
  globalAvgpool, globalAvgpoolGrad, globalMaxpool, globalMaxpoolGrad,
  add, copyChannels, sliceChannels, pad, padGrad, copy, dropout, dropoutGrad, affine, mul, affineWarp,
  subsample, subsampleGradInput, subsampleGradCoef, rbf, rbfGradInput, rbfMap, rbfMapGrad,
  channelMean, channelVariance, batchnorm, batchnormGradScale, batchnormGradInput, batchnormFoldWeights, batchnormFoldBias,
  crossEntropy, crossEntropyGrad, mse, mseGrad, softmaxCrossEntropy, softmaxCrossEntropyGrad, countCorrect, l2Penalty,
  sgd, momentum, adam, weightDecay, rmsprop,
};

export function referenceKernels(m: Arena): Kernels {
  const bound = {} as Record<string, unknown>;
  for (const [name, fn] of Object.entries(KERNELS)) {
    bound[name] = (...args: number[]) => (fn as (m: Arena, ...a: number[]) => unknown)(m, ...args);
  }
  return bound as unknown as Kernels;
}
