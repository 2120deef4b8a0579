/**
 * The kernel interface every backend implements. A kernel set is bound to one arena (a flat
 * array of floats); every tensor argument is an element offset into it, every shape a number.
 * Generated modules call these with constants; the IR interpreter calls them too.
 *
 * Layouts: images NHWC; conv weights [KH, KW, C, F]; dense weights [K, U]; row-major throughout.
 * Padding is explicit: PT/PL are the rows/columns of padding before the input.
 */

/** An arena: float32 for training, float64 for the interpreter's finite-difference checks. */
export type Arena = Float32Array | Float64Array;

/**
 * Activation codes shared by kernels and generated code. A kernel that takes `act` also takes
 * `alpha`: leaky_relu's slope below zero and elu's scale, which the other functions ignore (and
 * generated code leaves out for them).
 */
export const Act = { linear: 0, tanh: 1, scaled_tanh: 2, relu: 3, sigmoid: 4, leaky_relu: 5, elu: 6, gelu: 7, swish: 8, softplus: 9 } as const;

export interface Kernels {
  /** y = act(conv(x, w) + b): x [n,H,W,C], w [KH,KW,C,F], b [F] (−1: no bias), y [n,OH,OW,F] */
  conv2d(x: number, w: number, b: number, y: number, n: number, H: number, W: number, C: number, OH: number, OW: number, F: number, KH: number, KW: number, SH: number, SW: number, PT: number, PL: number, act: number, alpha?: number): void;
  /** dx [n,H,W,C] = the gradient of conv(x, w) with respect to x, given dz [n,OH,OW,F] */
  conv2dGradInput(dz: number, w: number, dx: number, n: number, H: number, W: number, C: number, OH: number, OW: number, F: number, KH: number, KW: number, SH: number, SW: number, PT: number, PL: number): void;
  /** dw [KH,KW,C,F] = the gradient with respect to w, given x and dz */
  conv2dGradFilter(x: number, dz: number, dw: number, n: number, H: number, W: number, C: number, OH: number, OW: number, F: number, KH: number, KW: number, SH: number, SW: number, PT: number, PL: number): void;
  /** db [F] = the sum of dz [rows, F] over rows */
  biasGrad(dz: number, db: number, rows: number, F: number): void;
  /** conv2d with its taps DH rows and DW columns apart (Keras's dilation_rate) */
  conv2dDilated(x: number, w: number, b: number, y: number, n: number, H: number, W: number, C: number, OH: number, OW: number, F: number, KH: number, KW: number, SH: number, SW: number, PT: number, PL: number, DH: number, DW: number, act: number, alpha?: number): void;
  conv2dDilatedGradInput(dz: number, w: number, dx: number, n: number, H: number, W: number, C: number, OH: number, OW: number, F: number, KH: number, KW: number, SH: number, SW: number, PT: number, PL: number, DH: number, DW: number): void;
  conv2dDilatedGradFilter(x: number, dz: number, dw: number, n: number, H: number, W: number, C: number, OH: number, OW: number, F: number, KH: number, KW: number, SH: number, SW: number, PT: number, PL: number, DH: number, DW: number): void;
  /**
   * y [n,OH,OW,C·M] = act(depthwise conv(x, w) + b): w [KH,KW,C,M], output channel c·M + m is input
   * channel c's m-th kernel; b [C·M] (−1: no bias)
   */
  depthwiseConv2d(x: number, w: number, b: number, y: number, n: number, H: number, W: number, C: number, OH: number, OW: number, M: number, KH: number, KW: number, SH: number, SW: number, PT: number, PL: number, act: number, alpha?: number): void;
  depthwiseConv2dGradInput(dz: number, w: number, dx: number, n: number, H: number, W: number, C: number, OH: number, OW: number, M: number, KH: number, KW: number, SH: number, SW: number, PT: number, PL: number): void;
  depthwiseConv2dGradFilter(x: number, dz: number, dw: number, n: number, H: number, W: number, C: number, OH: number, OW: number, M: number, KH: number, KW: number, SH: number, SW: number, PT: number, PL: number): void;

  /** y [n,U] = act(x [n,K] · w [K,U] + b [U]) */
  dense(x: number, w: number, b: number, y: number, n: number, K: number, U: number, act: number, alpha?: number): void;
  /** dx [n,K] = dz [n,U] · wᵀ */
  denseGradInput(dz: number, w: number, dx: number, n: number, K: number, U: number): void;
  /** dw [K,U] = xᵀ · dz */
  denseGradWeight(x: number, dz: number, dw: number, n: number, K: number, U: number): void;

  /** y = act(x), elementwise over `size` values */
  activation(x: number, y: number, size: number, act: number, alpha?: number): void;
  /**
   * dx = dy · act'(x), computed from `saved`: the activation's output y, from which most
   * functions' derivative follows (dtanh = 1 − y²), or its input x for gelu and swish, whose
   * derivative y does not determine
   */
  activationGrad(saved: number, dy: number, dx: number, size: number, act: number, alpha?: number): void;
  /** y = softmax of each row of x [rows, cols] */
  softmax(x: number, y: number, rows: number, cols: number): void;
  /** dx = y ⊙ (dy − Σ dy ⊙ y), per row */
  softmaxGrad(y: number, dy: number, dx: number, rows: number, cols: number): void;

  /** average of each window over real (unpadded) pixels */
  avgpool(x: number, y: number, n: number, H: number, W: number, C: number, OH: number, OW: number, PH: number, PW: number, SH: number, SW: number, PT: number, PL: number): void;
  avgpoolGrad(dy: number, dx: number, n: number, H: number, W: number, C: number, OH: number, OW: number, PH: number, PW: number, SH: number, SW: number, PT: number, PL: number): void;
  /** avgpoolGrad, then the gradient through the activation `act` before the pool, from its saved value (see activationGrad) */
  avgpoolGradActivation(dy: number, y: number, dx: number, n: number, H: number, W: number, C: number, OH: number, OW: number, PH: number, PW: number, SH: number, SW: number, PT: number, PL: number, act: number, alpha?: number): void;
  maxpool(x: number, y: number, n: number, H: number, W: number, C: number, OH: number, OW: number, PH: number, PW: number, SH: number, SW: number, PT: number, PL: number): void;
  /** routes each dy to the first maximum of its window in x */
  maxpoolGrad(x: number, dy: number, dx: number, n: number, H: number, W: number, C: number, OH: number, OW: number, PH: number, PW: number, SH: number, SW: number, PT: number, PL: number): void;
  /** y [n,C] = the mean of each channel of x [n,HW,C] over its HW pixels */
  globalAvgpool(x: number, y: number, n: number, HW: number, C: number): void;
  globalAvgpoolGrad(dy: number, dx: number, n: number, HW: number, C: number): void;
  /** y [n,C] = the maximum of each channel of x [n,HW,C] */
  globalMaxpool(x: number, y: number, n: number, HW: number, C: number): void;
  /** routes each dy to the first maximum of its channel in x */
  globalMaxpoolGrad(x: number, dy: number, dx: number, n: number, HW: number, C: number): void;

  /** y = a + b over `size` values (y may be a or b) */
  add(a: number, b: number, y: number, size: number): void;
  /** y[:, offset:offset+cIn] = x, for rows of cIn and cOut values */
  copyChannels(x: number, y: number, rows: number, cIn: number, cOut: number, offset: number): void;
  /** dx = dy[:, offset:offset+cIn] */
  sliceChannels(dy: number, dx: number, rows: number, cIn: number, cOut: number, offset: number): void;
  /** zeros around height and width */
  pad(x: number, y: number, n: number, H: number, W: number, C: number, PT: number, PB: number, PL: number, PR: number): void;
  /** the gradient of pad: dy cropped */
  padGrad(dy: number, dx: number, n: number, H: number, W: number, C: number, PT: number, PB: number, PL: number, PR: number): void;
  /** y = x over `size` values */
  copy(x: number, y: number, size: number): void;

  /** inverted dropout with a mask drawn from (seed, salt, index), so its gradient redraws it */
  dropout(x: number, y: number, size: number, rate: number, seed: number, salt: number): void;
  dropoutGrad(dy: number, dx: number, size: number, rate: number, seed: number, salt: number): void;

  /** loss[0] = −mean over rows of Σ t·log(clip(p)) */
  crossEntropy(p: number, t: number, loss: number, n: number, C: number): void;
  crossEntropyGrad(p: number, t: number, dp: number, n: number, C: number): void;
  /** loss[0] = mean over rows and classes of (p − t)² */
  mse(p: number, t: number, loss: number, n: number, C: number): void;
  mseGrad(p: number, t: number, dp: number, n: number, C: number): void;
  /** cross-entropy of softmax(z) in log-sum-exp form, from the logits z */
  softmaxCrossEntropy(z: number, t: number, loss: number, n: number, C: number): void;
  softmaxCrossEntropyGrad(z: number, t: number, dz: number, n: number, C: number): void;
  /** loss[0] = l2·Σ w² over `size` weights: an L2 penalty (Keras's kernel_regularizer) */
  l2Penalty(w: number, loss: number, size: number, l2: number): void;

  /** y = scale·x + shift over `size` values (preprocessing, and negation of penalties) */
  affine(x: number, y: number, size: number, scale: number, shift: number): void;
  /** y = a ⊙ b over `size` values (a mask on a weight gradient) */
  mul(a: number, b: number, y: number, size: number): void;
  /**
   * Data augmentation: y [n,H,W,C] = each image of x [n,H,W,C] sampled bilinearly at an affine
   * map of its pixel grid, zero (the background) where a neighbour falls outside. Image i's map
   * is warps[6i .. 6i+6) = (ax, bx, cx, ay, by, cy): destination pixel (x, y) reads source point
   * (ax·x + bx·y + cx, ay·x + by·y + cy). Work splits by image.
   */
  affineWarp(x: number, y: number, warps: number, n: number, H: number, W: number, C: number): void;

  /**
   * The 1998 paper's subsampling: y = act(coef[c] · Σ window + bias[c]) over non-overlapping
   * windows (no padding); coef and bias are per channel.
   */
  subsample(x: number, coef: number, bias: number, y: number, n: number, H: number, W: number, C: number, OH: number, OW: number, PH: number, PW: number, SH: number, SW: number, act: number, alpha?: number): void;
  /** dx = coef[c] · dz spread over each window (dz is the gradient before the activation) */
  subsampleGradInput(dz: number, coef: number, dx: number, n: number, H: number, W: number, C: number, OH: number, OW: number, PH: number, PW: number, SH: number, SW: number): void;
  /** dcoef[c] = Σ dz · (the window's sum) */
  subsampleGradCoef(x: number, dz: number, dcoef: number, n: number, H: number, W: number, C: number, OH: number, OW: number, PH: number, PW: number, SH: number, SW: number): void;
  /** Euclidean RBF units: y[i, u] = Σ_k (x[i, k] − w[u, k])², w [U, K] */
  rbf(x: number, w: number, y: number, n: number, K: number, U: number): void;
  /** dx[i, k] = Σ_u 2·dy[i, u]·(x[i, k] − w[u, k]) */
  rbfGradInput(x: number, w: number, dy: number, dx: number, n: number, K: number, U: number): void;
  /** the paper's MAP loss on RBF penalties y: mean of y[label] + log(e^−j + Σ e^−y) */
  rbfMap(y: number, t: number, loss: number, n: number, C: number, j: number): void;
  rbfMapGrad(y: number, t: number, dy: number, n: number, C: number, j: number): void;

  /** mean [C] = the mean of each column of x [rows, C] (batch normalization's batch statistics) */
  channelMean(x: number, mean: number, rows: number, C: number): void;
  /** variance [C] = the mean of (x − mean)² over each column of x [rows, C]: biased, as Keras */
  channelVariance(x: number, mean: number, variance: number, rows: number, C: number): void;
  /** y = act(γ·(x − mean)/√(variance + ε) + β) per column of x [rows, C]; γ or β at −1: absent (1 and 0) */
  batchnorm(x: number, mean: number, variance: number, gamma: number, beta: number, y: number, rows: number, C: number, epsilon: number, act: number): void;
  /** dscale [C] = Σ over rows of dz·(x − mean)/√(variance + ε) */
  batchnormGradScale(x: number, mean: number, variance: number, dz: number, dscale: number, rows: number, C: number, epsilon: number): void;
  /** dx = γ·r·(dz − dshift/rows − x̂·dscale/rows), r = 1/√(variance + ε), x̂ = (x − mean)·r; γ at −1: absent */
  batchnormGradInput(x: number, mean: number, variance: number, gamma: number, dz: number, dscale: number, dshift: number, dx: number, rows: number, C: number, epsilon: number): void;
  /** out [rows, C] = w · γ/√(variance + ε) per column: a batchnorm folded into the weights before it */
  batchnormFoldWeights(w: number, variance: number, gamma: number, out: number, rows: number, C: number, epsilon: number): void;
  /** out [C] = (b − mean)·γ/√(variance + ε) + β: a batchnorm folded into the bias before it; b at −1: a layer without bias (0) */
  batchnormFoldBias(b: number, mean: number, variance: number, gamma: number, beta: number, out: number, C: number, epsilon: number): void;

  /** the number of rows whose largest score is the labelled class */
  countCorrect(scores: number, t: number, n: number, C: number): number;

  sgd(p: number, g: number, size: number, lr: number): void;
  /** accum = momentum·accum + g; p −= lr·accum (or lr·(g + momentum·accum) for Nesterov) */
  momentum(p: number, g: number, accum: number, size: number, lr: number, momentum: number, nesterov: number): void;
  /** Adam as Kingma and Ba's Algorithm 1 (and tf.train.adam), step t counting from 1 */
  adam(p: number, g: number, m: number, v: number, size: number, lr: number, beta1: number, beta2: number, epsilon: number, t: number): void;
  /** decoupled weight decay (AdamW's, as Keras applies it before the step): p −= lr·decay·p */
  weightDecay(p: number, size: number, lr: number, decay: number): void;
  /**
   * RMSprop as Keras and tf.train.rmsprop: ms = rho·ms + (1 − rho)·g²; centered (mg ≥ 0):
   * mg = rho·mg + (1 − rho)·g and the denominator √(ms − mg² + ε), else √(ms + ε); with a momentum
   * buffer (mom ≥ 0) mom = momentum·mom + lr·g/denominator and p −= mom, else p −= lr·g/denominator.
   * mg and mom are −1 when the optimizer keeps no such buffer.
   */
  rmsprop(p: number, g: number, ms: number, mg: number, mom: number, size: number, lr: number, rho: number, momentum: number, epsilon: number): void;
}

export type KernelName = keyof Kernels;

type DilatedConv = Pick<Kernels, 'conv2dDilated' | 'conv2dDilatedGradInput' | 'conv2dDilatedGradFilter'>;

/** A backend's conv kernels from its dilated ones: the ordinary convolution has its taps 1 apart. */
export function convKernelsOf(d: DilatedConv): DilatedConv & Pick<Kernels, 'conv2d' | 'conv2dGradInput' | 'conv2dGradFilter'> {
  return {
    ...d,
    conv2d: (x, w, b, y, n, H, W, C, OH, OW, F, KH, KW, SH, SW, PT, PL, act, alpha) => d.conv2dDilated(x, w, b, y, n, H, W, C, OH, OW, F, KH, KW, SH, SW, PT, PL, 1, 1, act, alpha),
    conv2dGradInput: (dz, w, dx, n, H, W, C, OH, OW, F, KH, KW, SH, SW, PT, PL) => d.conv2dDilatedGradInput(dz, w, dx, n, H, W, C, OH, OW, F, KH, KW, SH, SW, PT, PL, 1, 1),
    conv2dGradFilter: (x, dz, dw, n, H, W, C, OH, OW, F, KH, KW, SH, SW, PT, PL) => d.conv2dDilatedGradFilter(x, dz, dw, n, H, W, C, OH, OW, F, KH, KW, SH, SW, PT, PL, 1, 1),
  };
}

/**
 * A backend: where a model's arena lives and which kernels run on it. Each one has its own folder
 * beside this file (reference/, wasm/, tfjs/) with a backend.ts; ../backend.ts lists them by name.
 */
export interface Backend {
  readonly name: string;
  /** one line for --help and for reports: what runs where */
  readonly description: string;
  allocate(request: AllocateRequest): Allocation;
}

export interface AllocateRequest {
  /** the arena's size in float32 elements */
  readonly floats: number;
  /**
   * room the kernels may use for transformed weights: at least the largest parameter four times
   * (twice for a transposed or padded copy; four for batch normalization's per-channel coefficients)
   */
  readonly scratchFloats: number;
  /** threads to compute on (the main one included) */
  readonly threads: number;
}

export interface Allocation {
  readonly arena: Float32Array;
  readonly kernels: Kernels;
  /** the threads actually used */
  readonly threads: number;
  /** release threads, if any */
  close(): void;
}
