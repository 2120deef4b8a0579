// netc's fast kernels: WebAssembly SIMD, compiled from these AssemblyScript sources by
// `npm run build:kernels` (part of `npm ci`). Every kernel that splits work takes (t, T): this
// is thread t of T. JavaScript calls them on the main thread and in spin-waiting workers that
// share the module's memory (src/runtime/kernels/wasm/threads.ts).
export { setArena } from './common';
export { activation, activationGrad, softmax, softmaxGrad } from './activation';
export { conv2d, conv2dGradFilter, conv2dGradInput, biasGrad, padColumns, transposeWeights } from './conv';
export { gemm, gemmTN, transpose } from './dense';
export { depthwiseConv2d, depthwiseConv2dGradInput, depthwiseConv2dGradFilter } from './conv-depthwise';
export { avgpool, avgpoolGrad, avgpoolGradActivation, maxpool, maxpoolGrad, globalAvgpool, globalAvgpoolGrad, globalMaxpool, globalMaxpoolGrad } from './pool';
export { add, copy, copyChannels, sliceChannels, pad, padGrad, dropout, affine, mul } from './tensor';
export { affineWarp } from './augment';
export { crossEntropy, crossEntropyGrad, mse, mseGrad, softmaxCrossEntropy, softmaxCrossEntropyGrad, countCorrect, l2Penalty } from './losses';
export { sgd, momentum, adam, weightDecay, rmsprop } from './optimizers';
export { subsample, subsampleGradInput, subsampleGradCoef, rbf, rbfGradInput, rbfMap, rbfMapGrad } from './lenet98';
export {
  channelMean, channelVariance, batchnormCoefficients, batchnorm, batchnormGradScale, batchnormGradCoefficients, batchnormGradInput,
  batchnormFoldWeights, batchnormFoldBias,
} from './normalization';
