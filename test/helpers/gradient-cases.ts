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

export const ALL_CASES: readonly NetCase[] = [
  ...CONV_CASES,
  ...POOL_CASES,
  ...DENSE_CASES,
  ...ACTIVATION_CASES,
  ...DAG_CASES,
  ...DROPOUT_CASES,
  ...LOSS_CASES,
  ...EDGE_CASES,
];
