/**
 * The reference kernels bound to one arena: what the reference backend runs, what the IR
 * interpreter computes with, and what the tfjs backend falls back on.
 */
import type { Arena, Kernels } from '../types.js';
import { activation, activationGrad, softmax, softmaxGrad } from './activation.js';
import { biasGrad, conv2d, conv2dGradFilter, conv2dGradInput } from './conv.js';
import { dense, denseGradInput, denseGradWeight } from './dense.js';
import { countCorrect, crossEntropy, crossEntropyGrad, mse, mseGrad, softmaxCrossEntropy, softmaxCrossEntropyGrad } from './losses.js';
import { adam, momentum, sgd } from './optimizers.js';
import { avgpool, avgpoolGrad, avgpoolGradActivation, maxpool, maxpoolGrad } from './pool.js';
import { add, affine, copy, copyChannels, dropout, dropoutGrad, mul, pad, padGrad, sliceChannels } from './tensor.js';
import { rbf, rbfGradInput, rbfMap, rbfMapGrad, subsample, subsampleGradCoef, subsampleGradInput } from './lenet98.js';

type Unbound<K> = { [P in keyof K]: K[P] extends (...a: infer A) => infer R ? (m: Arena, ...a: A) => R : never };

const KERNELS: Unbound<Kernels> = {
  conv2d, conv2dGradInput, conv2dGradFilter, biasGrad,
  dense, denseGradInput, denseGradWeight,
  activation, activationGrad, softmax, softmaxGrad,
  avgpool, avgpoolGrad, avgpoolGradActivation, maxpool, maxpoolGrad,
  add, copyChannels, sliceChannels, pad, padGrad, copy, dropout, dropoutGrad, affine, mul,
  subsample, subsampleGradInput, subsampleGradCoef, rbf, rbfGradInput, rbfMap, rbfMapGrad,
  crossEntropy, crossEntropyGrad, mse, mseGrad, softmaxCrossEntropy, softmaxCrossEntropyGrad, countCorrect,
  sgd, momentum, adam,
};

export function referenceKernels(m: Arena): Kernels {
  const bound = {} as Record<string, unknown>;
  for (const [name, fn] of Object.entries(KERNELS)) {
    bound[name] = (...args: number[]) => (fn as (m: Arena, ...a: number[]) => unknown)(m, ...args);
  }
  return bound as unknown as Kernels;
}
