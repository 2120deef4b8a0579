// netc's fast kernels: WebAssembly SIMD, compiled from these AssemblyScript sources by
// `npm run build:kernels` (part of `npm ci`). Every kernel that splits work takes (t, T): this
// is thread t of T. JavaScript calls them on the main thread and in spin-waiting workers that
// share the module's memory (src/runtime/kernels/wasm/backend.ts).
export { setArena } from './common';
export { activation, activationGrad, add, copy, copyChannels, sliceChannels, pad, padGrad, dropout, sgd, momentum, adam } from './elementwise';
export { softmax, softmaxGrad, crossEntropy, crossEntropyGrad, mse, mseGrad, softmaxCrossEntropy, softmaxCrossEntropyGrad, countCorrect } from './losses';
export { conv2d, conv2dGradFilter, conv2dGradInput, biasGrad, padColumns, transposeWeights } from './conv';
export { gemm, gemmTN, transpose } from './gemm';
export { avgpool, avgpoolGrad, avgpoolGradActivation, maxpool, maxpoolGrad } from './pool';
export { subsample, subsampleGradInput, subsampleGradCoef, rbf, rbfGradInput, rbfMap, rbfMapGrad, affine, mul } from './lenet98';
