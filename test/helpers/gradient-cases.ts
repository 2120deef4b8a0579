/**
 * The tiny networks of the gradient tests, by group. Each test file under test/gradients/ runs
 * one group; test/gradients/coverage.test.ts checks that together they reach every op of the
 * registry, fused and unfused.
 *
 * Inputs are small and often odd-sized, so 'same' padding is asymmetric and windows hang over
 * the border. Max pooling never sees ReLU zeros (ties would make its gradient ambiguous), and no
 * ReLU sees padding zeros (its kink at 0).
 */
import type { NetCase } from './gradcheck.js';
import { CONV_VARIANT_CASES } from './gradient-cases-conv.js';

/** conv2d with each activation, stride 1 and 2, 'valid', 'same' and int padding. */
export const CONV_CASES: readonly NetCase[] = [
  {
    name: 'conv2d tanh, valid',
    input: [6, 6, 2],
    classes: 3,
    layers: [
      { name: 'c1', op: 'conv2d', filters: 3, kernel: 3, activation: 'tanh' },
      { name: 'flat', op: 'flatten' },
      { name: 'out', op: 'dense', units: 3, activation: 'softmax' },
    ],
  },
  {
    name: 'conv2d scaled_tanh and tanh, same, stride 2, kernel [4, 3]',
    input: [7, 7, 2],
    classes: 3,
    layers: [
      // 7×7 → 4×4: 3 rows of padding (1 top, 2 bottom), 2 columns (1 left, 1 right)
      { name: 'c1', op: 'conv2d', filters: 2, kernel: [4, 3], stride: 2, padding: 'same', activation: 'scaled_tanh' },
      // 4×4 → 2×2: one row and column of padding, at the bottom and right
      { name: 'c2', op: 'conv2d', filters: 3, kernel: 3, stride: 2, padding: 'same', activation: 'tanh' },
      { name: 'flat', op: 'flatten' },
      { name: 'out', op: 'dense', units: 3, activation: 'softmax' },
    ],
  },
  {
    name: 'conv2d relu, padding 1',
    input: [5, 5, 2],
    classes: 4,
    layers: [
      { name: 'c1', op: 'conv2d', filters: 3, kernel: 3, padding: 1, activation: 'relu' },
      { name: 'flat', op: 'flatten' },
      { name: 'out', op: 'dense', units: 4, activation: 'softmax' },
    ],
  },
  {
    name: 'conv2d sigmoid, padding 2, stride 2',
    input: [6, 6, 1],
    classes: 3,
    layers: [
      { name: 'c0', op: 'conv2d', filters: 2, kernel: 2, activation: 'tanh' },
      { name: 'c1', op: 'conv2d', filters: 2, kernel: 3, stride: 2, padding: 2, activation: 'sigmoid' },
      { name: 'flat', op: 'flatten' },
      { name: 'out', op: 'dense', units: 3, activation: 'softmax' },
    ],
  },
  {
    name: 'conv2d linear (default and explicit), same, stride [2, 1]',
    input: [6, 5, 2],
    classes: 3,
    layers: [
      { name: 'c1', op: 'conv2d', filters: 3, kernel: 3, stride: [2, 1], padding: 'same' },
      { name: 'c2', op: 'conv2d', filters: 2, kernel: 2, activation: 'linear' },
      { name: 'flat', op: 'flatten' },
      { name: 'out', op: 'dense', units: 3, activation: 'softmax' },
    ],
  },
];

/** average and max pooling, 'valid' and 'same', overlapping windows and non-square ones. */
export const POOL_CASES: readonly NetCase[] = [
  {
    name: 'avgpool2d valid',
    input: [6, 6, 1],
    classes: 3,
    layers: [
      { name: 'c1', op: 'conv2d', filters: 2, kernel: 3, activation: 'tanh' },
      { name: 's2', op: 'avgpool2d', pool: 2 },
      { name: 'flat', op: 'flatten' },
      { name: 'out', op: 'dense', units: 3, activation: 'softmax' },
    ],
  },
  {
    name: 'avgpool2d same, pool 3, stride 2 (windows over both borders)',
    input: [7, 7, 1],
    classes: 3,
    layers: [
      { name: 'c1', op: 'conv2d', filters: 2, kernel: 3, padding: 'same', activation: 'sigmoid' },
      // 7×7 → 4×4 with one pixel of padding on every side: edge windows average 6 or 4 pixels
      { name: 's2', op: 'avgpool2d', pool: 3, stride: 2, padding: 'same' },
      { name: 'flat', op: 'flatten' },
      { name: 'out', op: 'dense', units: 3, activation: 'softmax' },
    ],
  },
  {
    name: 'avgpool2d valid, pool [3, 2], stride 1',
    input: [5, 5, 2],
    classes: 3,
    layers: [
      { name: 'c1', op: 'conv2d', filters: 2, kernel: 2, activation: 'scaled_tanh' },
      { name: 's2', op: 'avgpool2d', pool: [3, 2], stride: 1 },
      { name: 'flat', op: 'flatten' },
      { name: 'out', op: 'dense', units: 3, activation: 'softmax' },
    ],
  },
  {
    name: 'maxpool2d valid',
    input: [6, 6, 1],
    classes: 3,
    layers: [
      { name: 'c1', op: 'conv2d', filters: 2, kernel: 3, activation: 'tanh' },
      { name: 'm2', op: 'maxpool2d', pool: 2 },
      { name: 'flat', op: 'flatten' },
      { name: 'out', op: 'dense', units: 3, activation: 'softmax' },
    ],
  },
  {
    name: 'maxpool2d same, pool [3, 2], stride [2, 1]',
    input: [6, 5, 1],
    classes: 3,
    layers: [
      { name: 'c1', op: 'conv2d', filters: 3, kernel: 2, activation: 'scaled_tanh' },
      // 5×4 → 3×4: one row of padding above and below, one column on the right
      { name: 'm2', op: 'maxpool2d', pool: [3, 2], stride: [2, 1], padding: 'same' },
      { name: 'flat', op: 'flatten' },
      { name: 'out', op: 'dense', units: 3, activation: 'softmax' },
    ],
  },
];

/** dense with each activation, softmax included as a hidden layer. */
export const DENSE_CASES: readonly NetCase[] = [
  {
    name: 'dense tanh, scaled_tanh, relu, sigmoid, linear',
    input: [3, 3, 2],
    classes: 3,
    layers: [
      { name: 'flat', op: 'flatten' },
      { name: 'h1', op: 'dense', units: 6, activation: 'tanh' },
      { name: 'h2', op: 'dense', units: 5, activation: 'scaled_tanh' },
      { name: 'h3', op: 'dense', units: 6, activation: 'relu' },
      { name: 'h4', op: 'dense', units: 4, activation: 'sigmoid' },
      { name: 'h5', op: 'dense', units: 4, activation: 'linear' },
      { name: 'out', op: 'dense', units: 3, activation: 'softmax' },
    ],
  },
  {
    name: 'dense softmax as a hidden layer, dense without activation',
    input: [2, 3, 2],
    classes: 4,
    layers: [
      { name: 'flat', op: 'flatten' },
      { name: 'h1', op: 'dense', units: 5 },
      { name: 'h2', op: 'dense', units: 5, activation: 'softmax' },
      { name: 'out', op: 'dense', units: 4, activation: 'softmax' },
    ],
  },
];

/** standalone `activation` layers: where fusion folds them, and where it cannot. */
export const ACTIVATION_CASES: readonly NetCase[] = [
  {
    name: 'activation layers after conv2d and dense (fusible)',
    input: [5, 5, 2],
    classes: 3,
    layers: [
      { name: 'c1', op: 'conv2d', filters: 3, kernel: 3 },
      { name: 'a1', op: 'activation', fn: 'tanh' },
      { name: 'flat', op: 'flatten' },
      { name: 'd', op: 'dense', units: 5 },
      { name: 'a2', op: 'activation', fn: 'sigmoid' },
      { name: 'out', op: 'dense', units: 3 },
      { name: 'sm', op: 'activation', fn: 'softmax' },
    ],
    fusedGraphHas: { c1: 'conv2d(tanh)', d: 'dense(sigmoid)', out: 'dense' },
  },
  {
    name: 'activation layers after pooling, and softmax over channels (not fusible)',
    input: [6, 6, 2],
    classes: 3,
    layers: [
      { name: 'c1', op: 'conv2d', filters: 3, kernel: 3 },
      { name: 's', op: 'avgpool2d', pool: 2 },
      { name: 'a1', op: 'activation', fn: 'scaled_tanh' },
      { name: 'c2', op: 'conv2d', filters: 4, kernel: 1 },
      { name: 'a2', op: 'activation', fn: 'relu' },
      { name: 'a3', op: 'activation', fn: 'softmax' },
      { name: 'flat', op: 'flatten' },
      { name: 'out', op: 'dense', units: 3 },
      { name: 'sm', op: 'activation', fn: 'softmax' },
    ],
    fusedGraphHas: { c1: 'conv2d', a1: 'scaled_tanh', c2: 'conv2d(relu)', a3: 'softmax' },
  },
];

/** DAGs: add (two and three inputs), concat (images and flat features), pad, shared values. */
export const DAG_CASES: readonly NetCase[] = [
  {
    name: 'inception block: concat of three branches and a residual add',
    input: [6, 6, 2],
    classes: 3,
    layers: [
      { name: 'a', op: 'conv2d', filters: 2, kernel: 3, padding: 'same', activation: 'tanh', inputs: ['input'] },
      { name: 'b', op: 'conv2d', filters: 3, kernel: 1, activation: 'scaled_tanh', inputs: ['input'] },
      { name: 'e', op: 'maxpool2d', pool: 3, stride: 1, padding: 'same', inputs: ['input'] },
      { name: 'cat', op: 'concat', inputs: ['a', 'b', 'e'] },
      { name: 'c', op: 'conv2d', filters: 2, kernel: 3, padding: 1, inputs: ['cat'] },
      // 'a' is read twice (cat and s): its gradient is the sum of two contributions
      { name: 's', op: 'add', inputs: ['c', 'a'] },
      { name: 'r', op: 'activation', fn: 'relu' },
      { name: 'm', op: 'avgpool2d', pool: 2 },
      { name: 'flat', op: 'flatten' },
      { name: 'out', op: 'dense', units: 3, activation: 'softmax' },
    ],
    fusedGraphHas: { c: 'conv2d', r: 'relu' },
  },
  {
    name: 'pad, a skip connection that keeps a conv unfused, add of three',
    input: [5, 5, 2],
    classes: 3,
    layers: [
      { name: 'p', op: 'pad', padding: 1, inputs: ['input'] },
      { name: 'c', op: 'conv2d', filters: 3, kernel: 3 },
      { name: 't', op: 'activation', fn: 'tanh', inputs: ['c'] },
      { name: 'u', op: 'conv2d', filters: 3, kernel: 1, activation: 'scaled_tanh', inputs: ['input'] },
      { name: 's', op: 'add', inputs: ['t', 'c', 'u'] },
      { name: 'p2', op: 'pad', padding: 2 },
      { name: 'c2', op: 'conv2d', filters: 2, kernel: 3, stride: 2, activation: 'sigmoid' },
      { name: 'flat', op: 'flatten' },
      { name: 'out', op: 'dense', units: 3, activation: 'softmax' },
    ],
    // c is read by t and by s, so tanh must stay a node of its own
    fusedGraphHas: { c: 'conv2d', t: 'tanh', u: 'conv2d(scaled_tanh)' },
  },
  {
    name: 'concat of flat features, then a sigmoid layer',
    input: [4, 4, 2],
    classes: 3,
    layers: [
      { name: 'c', op: 'conv2d', filters: 2, kernel: 3, activation: 'relu', inputs: ['input'] },
      { name: 'f1', op: 'flatten' },
      { name: 'f0', op: 'flatten', inputs: ['input'] },
      { name: 'd0', op: 'dense', units: 4, activation: 'tanh' },
      { name: 'cat', op: 'concat', inputs: ['f1', 'd0'] },
      { name: 'sg', op: 'activation', fn: 'sigmoid' },
      { name: 'out', op: 'dense', units: 3, activation: 'softmax' },
    ],
    fusedGraphHas: { sg: 'sigmoid' },
  },
];

/** dropout on images and on features. */
export const DROPOUT_CASES: readonly NetCase[] = [
  {
    name: 'dropout on images and on features',
    input: [5, 5, 2],
    classes: 3,
    layers: [
      { name: 'c1', op: 'conv2d', filters: 3, kernel: 3, activation: 'tanh' },
      { name: 'd1', op: 'dropout', rate: 0.3 },
      { name: 'c2', op: 'conv2d', filters: 4, kernel: 2, activation: 'sigmoid' },
      { name: 'flat', op: 'flatten' },
      { name: 'h', op: 'dense', units: 8, activation: 'tanh' },
      { name: 'd2', op: 'dropout', rate: 0.5 },
      { name: 'out', op: 'dense', units: 3, activation: 'softmax' },
    ],
  },
];

const convHead = [
  { name: 'c1', op: 'conv2d', filters: 2, kernel: 3, activation: 'tanh' },
  { name: 'flat', op: 'flatten' },
] as const;

/** the losses: cross-entropy (fused and not) and mse on softmax, sigmoid and linear outputs. */
export const LOSS_CASES: readonly NetCase[] = [
  {
    name: 'categorical_crossentropy of a softmax',
    input: [5, 5, 1],
    classes: 4,
    layers: [...convHead, { name: 'out', op: 'dense', units: 4, activation: 'softmax' }],
  },
  {
    name: 'mse of a softmax',
    input: [5, 5, 1],
    classes: 4,
    loss: 'mse',
    layers: [...convHead, { name: 'out', op: 'dense', units: 4, activation: 'softmax' }],
  },
  {
    name: 'mse of a sigmoid',
    input: [5, 5, 1],
    classes: 3,
    loss: 'mse',
    layers: [...convHead, { name: 'out', op: 'dense', units: 3, activation: 'sigmoid' }],
  },
  {
    name: 'mse of a linear output',
    input: [5, 5, 1],
    classes: 3,
    loss: 'mse',
    layers: [...convHead, { name: 'out', op: 'dense', units: 3 }],
  },
];

/** corners: pixels no window reaches, a value added to or joined with itself, batch_size 1. */
export const EDGE_CASES: readonly NetCase[] = [
  {
    name: 'stride 2 and pooling that leave the last row and column unread',
    input: [7, 7, 2],
    classes: 3,
    layers: [
      { name: 'c0', op: 'conv2d', filters: 2, kernel: 2, activation: 'tanh' },
      // 6×6 → 2×2: row and column 5 are read by no window, so their gradient must be 0
      { name: 'c1', op: 'conv2d', filters: 3, kernel: 3, stride: 2, activation: 'scaled_tanh', inputs: ['c0'] },
      { name: 'm', op: 'maxpool2d', pool: 2, stride: 3, inputs: ['c0'] },
      { name: 'v', op: 'avgpool2d', pool: [2, 1], stride: [3, 4], inputs: ['c0'] },
      { name: 'f1', op: 'flatten', inputs: ['c1'] },
      { name: 'f2', op: 'flatten', inputs: ['m'] },
      { name: 'f3', op: 'flatten', inputs: ['v'] },
      { name: 'cat', op: 'concat', inputs: ['f1', 'f2', 'f3'] },
      { name: 'out', op: 'dense', units: 3, activation: 'softmax' },
    ],
  },
  {
    name: 'a layer added to itself and joined with itself, a linear activation layer',
    input: [4, 4, 2],
    classes: 3,
    layers: [
      { name: 'a', op: 'conv2d', filters: 2, kernel: 3, padding: 'same', activation: 'tanh' },
      { name: 'twice', op: 'add', inputs: ['a', 'a'] },
      { name: 'same', op: 'activation', fn: 'linear' },
      { name: 'both', op: 'concat', inputs: ['same', 'a', 'same'] },
      { name: 'flat', op: 'flatten' },
      { name: 'out', op: 'dense', units: 3, activation: 'softmax' },
    ],
  },
  {
    name: 'batch_size 1',
    input: [4, 4, 1],
    classes: 3,
    batchSize: 1,
    layers: [
      { name: 'c1', op: 'conv2d', filters: 2, kernel: 3, activation: 'relu', padding: 1 },
      { name: 's', op: 'avgpool2d', pool: 2, padding: 'same' },
      { name: 'flat', op: 'flatten' },
      { name: 'out', op: 'dense', units: 3, activation: 'softmax' },
    ],
  },
];

/**
 * batch normalization: folded at inference into the linear conv2d or dense before it (whose bias
 * then has no effect, so a zero gradient), or not (an activation between); its own activation
 * fused in training; on the input (no gradient through it); without γ or without β; given
 * momentum and epsilon. Dense batches are at least 3 (the gradient tests' default 1 makes every feature
 * its own mean).
 */
export const BATCHNORM_CASES: readonly NetCase[] = [
  {
    name: 'batchnorm after a linear conv2d, then relu: folded at inference',
    input: [6, 6, 2],
    classes: 3,
    layers: [
      { name: 'c1', op: 'conv2d', filters: 3, kernel: 3 },
      { name: 'bn1', op: 'batchnorm' },
      { name: 'r1', op: 'activation', fn: 'relu' },
      { name: 'flat', op: 'flatten' },
      { name: 'out', op: 'dense', units: 3, activation: 'softmax' },
    ],
    fusedGraphHas: { c1: 'conv2d', bn1: 'batchnorm(relu)' },
    zeroGradients: ['c1.b'],
  },
  {
    name: 'batchnorm on the input (no gradient through it), and without β after a tanh dense layer',
    input: [5, 5, 2],
    classes: 3,
    layers: [
      { name: 'bn0', op: 'batchnorm', momentum: 0.9, epsilon: 0.01 },
      { name: 'c1', op: 'conv2d', filters: 2, kernel: 3, padding: 'same', activation: 'tanh' },
      { name: 's', op: 'avgpool2d', pool: 2 },
      { name: 'flat', op: 'flatten' },
      // tanh rather than sigmoid: the batchnorm divides by the spread of its outputs over the
      // batch, and sigmoid's are narrow enough to magnify the fast kernels' 2e-7 past tolerance
      { name: 'd', op: 'dense', units: 5, activation: 'tanh' },
      { name: 'bn2', op: 'batchnorm', center: false },
      { name: 'out', op: 'dense', units: 3, activation: 'softmax' },
    ],
  },
  {
    name: 'batchnorm without γ after a linear dense layer, then sigmoid: folded at inference',
    input: [3, 3, 2],
    classes: 3,
    layers: [
      { name: 'flat', op: 'flatten' },
      { name: 'd', op: 'dense', units: 6 },
      { name: 'bn', op: 'batchnorm', scale: false },
      { name: 'a', op: 'activation', fn: 'sigmoid' },
      { name: 'out', op: 'dense', units: 3, activation: 'softmax' },
    ],
    fusedGraphHas: { d: 'dense', bn: 'batchnorm(sigmoid)' },
    zeroGradients: ['d.b'],
  },
];

/**
 * leaky_relu, elu, gelu, swish and softplus: on conv2d and dense and as layers; alpha given and
 * defaulted; gelu and swish (whose gradient reads their input) left apart in the training graph
 * and fused at inference; gradients fused into the average pooling after them, from y or from x.
 */
export const ACTIVATION_FN_CASES: readonly NetCase[] = [
  {
    name: 'conv2d leaky_relu (alpha 0.1), same, then elu (default alpha), stride 2',
    input: [7, 7, 2],
    classes: 3,
    layers: [
      { name: 'c1', op: 'conv2d', filters: 3, kernel: 3, padding: 'same', activation: 'leaky_relu', alpha: 0.1 },
      { name: 'c2', op: 'conv2d', filters: 3, kernel: 3, stride: 2, activation: 'elu' },
      { name: 'flat', op: 'flatten' },
      { name: 'out', op: 'dense', units: 3, activation: 'softmax' },
    ],
  },
  {
    name: 'conv2d gelu, swish and softplus',
    input: [6, 6, 2],
    classes: 3,
    layers: [
      { name: 'c1', op: 'conv2d', filters: 3, kernel: 2, activation: 'gelu' },
      { name: 'c2', op: 'conv2d', filters: 3, kernel: 2, activation: 'swish' },
      { name: 'c3', op: 'conv2d', filters: 2, kernel: 2, stride: 2, activation: 'softplus' },
      { name: 'flat', op: 'flatten' },
      { name: 'out', op: 'dense', units: 3, activation: 'softmax' },
    ],
    fusedGraphHas: { c1: 'conv2d', 'c1.gelu': 'gelu', c2: 'conv2d', 'c2.swish': 'swish', c3: 'conv2d(softplus)' },
  },
  {
    name: 'dense leaky_relu (default alpha), elu (alpha 0.5), gelu, swish, softplus',
    input: [3, 3, 2],
    classes: 3,
    layers: [
      { name: 'flat', op: 'flatten' },
      { name: 'h1', op: 'dense', units: 6, activation: 'leaky_relu' },
      { name: 'h2', op: 'dense', units: 5, activation: 'elu', alpha: 0.5 },
      { name: 'h3', op: 'dense', units: 6, activation: 'gelu' },
      { name: 'h4', op: 'dense', units: 5, activation: 'swish' },
      { name: 'h5', op: 'dense', units: 4, activation: 'softplus' },
      { name: 'out', op: 'dense', units: 3, activation: 'softmax' },
    ],
  },
  {
    name: 'activation layers gelu, leaky_relu (alpha 0.2) and swish after conv2d and dense',
    input: [5, 5, 2],
    classes: 3,
    layers: [
      { name: 'c1', op: 'conv2d', filters: 3, kernel: 3 },
      { name: 'a1', op: 'activation', fn: 'gelu' },
      { name: 'flat', op: 'flatten' },
      { name: 'd', op: 'dense', units: 5 },
      { name: 'a2', op: 'activation', fn: 'leaky_relu', alpha: 0.2 },
      { name: 'd2', op: 'dense', units: 4 },
      { name: 'a3', op: 'activation', fn: 'swish' },
      { name: 'out', op: 'dense', units: 3, activation: 'softmax' },
    ],
    fusedGraphHas: { c1: 'conv2d', a1: 'gelu', d: 'dense(leaky_relu)', d2: 'dense', a3: 'swish' },
  },
  {
    name: 'average pooling after gelu and after elu (alpha 0.7): their gradients fused into the pooling\'s; softplus, elu and leaky_relu layers after pooling',
    input: [7, 7, 2],
    classes: 3,
    layers: [
      { name: 'c1', op: 'conv2d', filters: 3, kernel: 2, activation: 'gelu' },
      { name: 's1', op: 'avgpool2d', pool: 2 },
      { name: 'a1', op: 'activation', fn: 'softplus' },
      { name: 'c2', op: 'conv2d', filters: 4, kernel: 1, activation: 'elu', alpha: 0.7 },
      { name: 's2', op: 'avgpool2d', pool: 3 },
      { name: 'a2', op: 'activation', fn: 'elu' },
      { name: 'a3', op: 'activation', fn: 'leaky_relu', alpha: 0.05 },
      { name: 'flat', op: 'flatten' },
      { name: 'out', op: 'dense', units: 3, activation: 'softmax' },
    ],
    fusedGraphHas: { 'c1.gelu': 'gelu', a1: 'softplus', c2: 'conv2d(elu)', a2: 'elu', a3: 'leaky_relu', 'grad.c1': 'avgpool2d_grad(gelu)', 'grad.c2.pre': 'avgpool2d_grad(elu)' },
  },
];

/**
 * Keras's kernel_regularizer (`l2` on conv2d and dense: l2·Σw² joins the loss) and label
 * smoothing, alone and together, on cross-entropy (fused with its softmax by default) and mse.
 * The penalties are large enough to move the loss and the gradients well past the tolerances.
 */
export const REGULARIZATION_CASES: readonly NetCase[] = [
  {
    name: 'l2 on conv2d and dense, label smoothing 0.1',
    input: [5, 5, 2],
    classes: 4,
    labelSmoothing: 0.1,
    layers: [
      { name: 'c1', op: 'conv2d', filters: 3, kernel: 3, activation: 'tanh', l2: 0.05 },
      { name: 'flat', op: 'flatten' },
      { name: 'h', op: 'dense', units: 5, activation: 'sigmoid' },
      { name: 'out', op: 'dense', units: 4, activation: 'softmax', l2: 0.02 },
    ],
  },
  {
    name: 'l2 on a connected conv2d read twice, mse',
    input: [4, 4, 2],
    classes: 3,
    loss: 'mse',
    layers: [
      { name: 'c1', op: 'conv2d', filters: 2, kernel: 3, padding: 'same', activation: 'relu', l2: 0.1 },
      { name: 'twice', op: 'add', inputs: ['c1', 'c1'] },
      { name: 'flat', op: 'flatten' },
      { name: 'out', op: 'dense', units: 3, activation: 'sigmoid' },
    ],
  },
  {
    name: 'label smoothing 0.3 alone',
    input: [3, 3, 1],
    classes: 5,
    labelSmoothing: 0.3,
    layers: [
      { name: 'flat', op: 'flatten' },
      { name: 'out', op: 'dense', units: 5, activation: 'softmax' },
    ],
  },
];

export const ALL_CASES: readonly NetCase[] = [
  ...CONV_CASES,
  ...POOL_CASES,
  ...DENSE_CASES,
  ...ACTIVATION_CASES,
  ...DAG_CASES,
  ...DROPOUT_CASES,
  ...LOSS_CASES,
  ...EDGE_CASES,
  ...CONV_VARIANT_CASES,
  ...ACTIVATION_FN_CASES,
  ...BATCHNORM_CASES,
  ...REGULARIZATION_CASES,
];
