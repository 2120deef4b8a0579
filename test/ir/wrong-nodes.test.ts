/**
 * The shape rules of the newer ops (batch normalization and its gradient and folding ops,
 * depthwise convolution, global pooling, the L2 penalty, the activations) on nodes built wrong
 * on purpose, one fault at a time, as a faulty pass or lowering would build them. Lowering never
 * builds these, so only a test that builds them directly shows that each check is there.
 *
 * The truth is each op's documented contract, not its code: Keras's layouts (a depthwise kernel
 * is [kh, kw, C, M] with C·M biases; batch normalization has one mean, variance, γ and β per
 * channel of the last axis, γ and β present unless `scale`/`center` are false), and the IR's
 * convention that a batch of values has 'N' first and a parameter has not. Each refusal is
 * checked by its code and full message; each accepted node by the shape the contract gives.
 */
import { describe, expect, it } from 'vitest';
import { makeNode } from '../../src/ir/build.js';
import { isProblem } from '../../src/ir/registry.js';
import { f32, type Attrs, type Node, type Shape } from '../../src/ir/types.js';
import { verifyGraph } from '../../src/ir/verify.js';
import { LOC, make } from './ir-fixtures.js';

/** A value of any shape: a batch when it starts with 'N', a parameter otherwise. */
const value = (shape: Shape, id = `v${shape.join('x')}`): Node => ({ id, op: 'input', inputs: [], attrs: {}, type: f32(shape), layer: id, loc: LOC }) as Node;

/** The node's shape, or the problem's code, message and blamed attribute. */
function build(op: string, shapes: Shape[], attrs: Attrs): Shape | { code: string; message: string; attr?: string } {
  const r = makeNode(op, shapes.map((s, i) => value(s, `in${i}`)), attrs, { id: 'y', layer: 'L', loc: LOC });
  if (!isProblem(r)) return r.type.shape;
  const d = r.problem(LOC);
  return { code: d.code, message: d.message, ...(r.attr === undefined ? {} : { attr: r.attr }) };
}

const internal = (detail: string) => ({ code: 'NETC9002', message: `internal error: ${detail}; this is a bug in netc` });
const eps = { epsilon: 0.001 };

describe('batch statistics and batchnorm: one value per channel of a batch', () => {
  // x: a batch of 4×6 values, 6 channels (the last axis)
  const x: Shape = ['N', 4, 6];
  const c: Shape = [6];
  const perChannel = (name: string, values: number, attrs: Attrs, given: string) =>
    internal(`${name} needs a batch of channels and ${values} per-channel values (attributes ${JSON.stringify(attrs)}), given ${given}`);

  it('batch_mean and batch_variance give one value per channel, of an image or of features', () => {
    expect(build('batch_mean', [x], {})).toEqual([6]);
    expect(build('batch_mean', [['N', 3, 3, 2]], {})).toEqual([2]);
    expect(build('batch_mean', [['N', 5]], {})).toEqual([5]);
    expect(build('batch_variance', [x, c], {})).toEqual([6]);
  });

  it.each([
    { what: 'a value without a batch', op: 'batch_mean', shapes: [[4, 6]], given: '4×6' },
    { what: 'a batch without a channel axis', op: 'batch_mean', shapes: [['N']], given: 'N' },
    { what: 'a mean of another channel count', op: 'batch_variance', shapes: [x, [5]], given: 'N×4×6, 5' },
    { what: 'a mean of rank 2', op: 'batch_variance', shapes: [x, [6, 1]], given: 'N×4×6, 6×1' },
    { what: 'a mean that is a batch', op: 'batch_variance', shapes: [x, ['N', 6]], given: 'N×4×6, N×6' },
  ] as { what: string; op: string; shapes: Shape[]; given: string }[])('$op refuses $what', ({ op, shapes, given }) => {
    expect(build(op, shapes, {})).toEqual(perChannel(op, op === 'batch_mean' ? 0 : 1, {}, given));
  });

  it('batch_variance refuses a rank-1 batch even with a mean that matches its last axis', () => {
    // without the rank check, ['N'] would pass: its last axis is 'N', and so is the mean's
    expect(build('batch_variance', [['N'], ['N']], {})).toEqual(perChannel('batch_variance', 1, {}, 'N, N'));
  });

  it('batchnorm keeps the shape with mean, variance and as many of γ and β as its attributes say', () => {
    expect(build('batchnorm', [x, c, c, c, c], eps)).toEqual(x);
    expect(build('batchnorm', [['N', 6], c, c, c, c], eps)).toEqual(['N', 6]);
    expect(build('batchnorm', [x, c, c, c], { ...eps, scale: false })).toEqual(x);
    expect(build('batchnorm', [x, c, c, c], { ...eps, center: false })).toEqual(x);
    expect(build('batchnorm', [x, c, c], { ...eps, scale: false, center: false })).toEqual(x);
  });

  it.each([
    { what: 'γ and β with scale=false', shapes: [x, c, c, c, c], attrs: { ...eps, scale: false }, values: 3 },
    { what: 'γ and β with center=false', shapes: [x, c, c, c, c], attrs: { ...eps, center: false }, values: 3 },
    { what: 'only γ, but no attribute says β is absent', shapes: [x, c, c, c], attrs: eps, values: 4 },
    { what: 'γ with scale=false and center=false', shapes: [x, c, c, c], attrs: { ...eps, scale: false, center: false }, values: 2 },
    { what: 'a mean of 5 values', shapes: [x, [5], c, c, c], attrs: eps, values: 4 },
    { what: 'a variance of 5 values', shapes: [x, c, [5], c, c], attrs: eps, values: 4 },
    { what: 'a γ of 5 values', shapes: [x, c, c, [5], c], attrs: eps, values: 4 },
    { what: 'a β of 5 values', shapes: [x, c, c, c, [5]], attrs: eps, values: 4 },
    { what: 'a β of rank 2', shapes: [x, c, c, c, [6, 1]], attrs: eps, values: 4 },
    { what: 'an input without a batch', shapes: [[4, 6], c, c, c, c], attrs: eps, values: 4 },
  ] as { what: string; shapes: Shape[]; attrs: Attrs; values: number }[])('batchnorm refuses $what', ({ shapes, attrs, values }) => {
    const given = shapes.map((s) => s.join('×')).join(', ');
    expect(build('batchnorm', shapes, attrs)).toEqual(perChannel('batchnorm', values, attrs, given));
  });
});

describe("batchnorm's gradient ops: the gradient has the input's shape, the rest one value per channel", () => {
  const x: Shape = ['N', 3, 3, 4];
  const c: Shape = [4];
  const mismatch = (name: string) => internal(`${name}: the gradient does not have the shape of the input`);

  it('batchnorm_grad_scale gives one value per channel', () => {
    expect(build('batchnorm_grad_scale', [x, c, c, x], eps)).toEqual([4]);
    expect(build('batchnorm_grad_scale', [x, c, c, ['N', 3, 4, 3]], eps)).toEqual(mismatch('batchnorm_grad_scale'));
    expect(build('batchnorm_grad_scale', [x, c, [3], x], eps)).toEqual(
      internal(`batchnorm_grad_scale needs a batch of channels and 2 per-channel values (attributes ${JSON.stringify(eps)}), given N×3×3×4, 4, 3`),
    );
  });

  it("batchnorm_grad_input reads x, mean, variance, γ (unless scale=false), dz, Σdz·x̂ and Σdz, and gives x's shape", () => {
    expect(build('batchnorm_grad_input', [x, c, c, c, x, c, c], eps)).toEqual(x);
    expect(build('batchnorm_grad_input', [x, c, c, x, c, c], { ...eps, scale: false })).toEqual(x);
    // six inputs when γ is expected: the fourth is taken for γ and the gradient is missing
    expect(build('batchnorm_grad_input', [x, c, c, x, c, c], eps)).toEqual(mismatch('batchnorm_grad_input'));
    // seven inputs with scale=false: one too many
    expect(build('batchnorm_grad_input', [x, c, c, c, x, c, c], { ...eps, scale: false })).toEqual(mismatch('batchnorm_grad_input'));
    expect(build('batchnorm_grad_input', [x, c, c, c, ['N', 9, 4], c, c], eps)).toEqual(mismatch('batchnorm_grad_input'));
    // seven inputs with scale=false whose fourth has the input's shape: the count alone is wrong
    expect(build('batchnorm_grad_input', [x, c, c, x, c, c, c], { ...eps, scale: false })).toEqual(mismatch('batchnorm_grad_input'));
    for (const at of [1, 2, 3, 5, 6]) {
      const shapes: Shape[] = [x, c, c, c, x, c, c];
      shapes[at] = [5];
      const given = shapes.filter((_, i) => i !== 4).map((s) => s.join('×')).join(', ');
      expect(build('batchnorm_grad_input', shapes, eps), `input ${at}`).toEqual(
        internal(`batchnorm_grad_input needs a batch of channels and 5 per-channel values (attributes ${JSON.stringify(eps)}), given ${given}`),
      );
    }
  });
});

describe('folding a batchnorm into the layer before: weights and a bias per output channel', () => {
  const c: Shape = [6];
  const fold = (name: string, shapes: Shape[]) => internal(`${name} of ${shapes[0]!.join('×')} with ${shapes.slice(1).map((s) => s.join('×')).join(', ')}`);

  it("batchnorm_fold_weights keeps a conv2d's or a dense layer's weights' shape, with γ unless scale=false", () => {
    expect(build('batchnorm_fold_weights', [[3, 3, 2, 6], c, c], eps)).toEqual([3, 3, 2, 6]);
    expect(build('batchnorm_fold_weights', [[10, 6], c, c], eps)).toEqual([10, 6]);
    expect(build('batchnorm_fold_weights', [[10, 6], c], { ...eps, scale: false })).toEqual([10, 6]);
  });

  it.each([
    { what: 'weights with a batch', shapes: [['N', 6], c, c], attrs: eps },
    { what: 'no γ without scale=false', shapes: [[10, 6], c], attrs: eps },
    { what: 'a γ with scale=false', shapes: [[10, 6], c, c], attrs: { ...eps, scale: false } },
    { what: 'a variance of another channel count', shapes: [[10, 6], [5], c], attrs: eps },
    { what: 'a γ of rank 2', shapes: [[10, 6], c, [6, 1]], attrs: eps },
  ] as { what: string; shapes: Shape[]; attrs: Attrs }[])('batchnorm_fold_weights refuses $what', ({ shapes, attrs }) => {
    expect(build('batchnorm_fold_weights', shapes, attrs)).toEqual(fold('batchnorm_fold_weights', shapes));
  });

  it('batchnorm_fold_bias reads the bias (unless use_bias=false), mean, variance, γ and β as the attributes say', () => {
    expect(build('batchnorm_fold_bias', [c, c, c, c, c], eps)).toEqual(c);
    expect(build('batchnorm_fold_bias', [c, c, c, c], { ...eps, use_bias: false })).toEqual(c);
    expect(build('batchnorm_fold_bias', [c, c, c, c], { ...eps, center: false })).toEqual(c);
    expect(build('batchnorm_fold_bias', [c, c], { ...eps, use_bias: false, scale: false, center: false })).toEqual(c);
  });

  it.each([
    { what: 'a bias too few', shapes: [c, c, c, c], attrs: eps },
    { what: 'a bias with use_bias=false', shapes: [c, c, c, c, c], attrs: { ...eps, use_bias: false } },
    { what: 'a β with center=false', shapes: [c, c, c, c, c], attrs: { ...eps, center: false } },
    { what: 'a bias of another channel count', shapes: [[5], c, c, c, c], attrs: eps },
    { what: 'a β of another channel count', shapes: [c, c, c, c, [5]], attrs: eps },
    { what: 'a mean of rank 2', shapes: [c, [6, 1], c, c, c], attrs: eps },
    { what: 'a bias with a batch', shapes: [['N', 6], c, c, c, c], attrs: eps },
  ] as { what: string; shapes: Shape[]; attrs: Attrs }[])('batchnorm_fold_bias refuses $what', ({ shapes, attrs }) => {
    expect(build('batchnorm_fold_bias', shapes, attrs)).toEqual(fold('batchnorm_fold_bias', shapes));
  });
});

describe("depthwise_conv2d: Keras's [kh, kw, C, M] kernel and C·M biases", () => {
  // a 5×5 image of 2 channels, a 3×2 kernel, 3 kernels per channel: 6 output channels
  const x: Shape = ['N', 5, 5, 2];
  const attrs = { kernel: [3, 2], stride: [1, 1], padding: [0, 0, 0, 0], depth_multiplier: 3 };
  const misfit = (w: Shape) => internal(`depthwise_conv2d 'L' weights ${w.join('×')} do not fit input N×5×5×2`);

  it('gives (H − kh + 1)×(W − kw + 1)×C·M, with or without a bias', () => {
    expect(build('depthwise_conv2d', [x, [3, 2, 2, 3], [6]], attrs)).toEqual(['N', 3, 4, 6]);
    expect(build('depthwise_conv2d', [x, [3, 2, 2, 3]], { ...attrs, use_bias: false })).toEqual(['N', 3, 4, 6]);
  });

  it.each([
    { what: 'weights of rank 5', w: [3, 2, 2, 3, 1], b: [6] },
    { what: 'weights of rank 3', w: [3, 2, 6], b: [6] },
    { what: 'another kernel height', w: [2, 2, 2, 3], b: [6] },
    { what: 'another kernel width', w: [3, 3, 2, 3], b: [6] },
    { what: 'another input channel count', w: [3, 2, 1, 3], b: [6] },
    { what: 'another depth multiplier', w: [3, 2, 2, 2], b: [6] },
    { what: 'one bias per input channel, not per output channel', w: [3, 2, 2, 3], b: [2] },
    { what: 'one bias per kernel of a channel', w: [3, 2, 2, 3], b: [3] },
  ] as { what: string; w: Shape; b: Shape }[])('refuses $what', ({ w, b }) => {
    expect(build('depthwise_conv2d', [x, w, b], attrs)).toEqual(misfit(w));
  });

  it('refuses a node whose bias input is missing, of rank 2, or present with use_bias=false, instead of failing on it', () => {
    expect(build('depthwise_conv2d', [x, [3, 2, 2, 3]], attrs)).toEqual(misfit([3, 2, 2, 3]));
    expect(build('depthwise_conv2d', [x, [3, 2, 2, 3], [6, 1]], attrs)).toEqual(misfit([3, 2, 2, 3]));
    expect(build('depthwise_conv2d', [x, [3, 2, 2, 3], [6]], { ...attrs, use_bias: false })).toEqual(misfit([3, 2, 2, 3]));
  });

  it("refuses a conv2d whose bias input is missing or of rank 2 (its third input without a bias is the connection mask)", () => {
    const conv = { filters: 3, kernel: [3, 2], stride: [1, 1], padding: [0, 0, 0, 0] };
    const convMisfit = internal("conv2d 'L' weights 3×2×2×3 do not fit input N×5×5×2");
    expect(build('conv2d', [x, [3, 2, 2, 3]], conv)).toEqual(convMisfit);
    expect(build('conv2d', [x, [3, 2, 2, 3], [3, 1]], conv)).toEqual(convMisfit);
    expect(build('conv2d', [x, [3, 2, 2, 3]], { ...conv, use_bias: false })).toEqual(['N', 3, 4, 3]);
  });

  it('asks for an image, and blames the kernel attribute for a kernel larger than the padded input', () => {
    expect(build('depthwise_conv2d', [['N', 50], [3, 2, 2, 3], [6]], attrs)).toEqual({
      code: 'NETC4005',
      message: "layer 'L' (depthwise_conv2d) needs an image input (height, width, channels), but 'in0' gives 50; move it before the flatten layer",
      attr: 'inputs',
    });
    const wide = { ...attrs, kernel: [3, 6] };
    expect(build('depthwise_conv2d', [x, [3, 6, 2, 3], [6]], wide)).toEqual({
      code: 'NETC4001',
      message: "layer 'L': the kernel 3×6 is larger than its padded input 5×5; use a smaller kernel, add padding, or remove a pooling layer before it",
      attr: 'kernel',
    });
    expect(build('depthwise_conv2d', [x, [3, 6, 2, 3], [6]], { ...wide, padding: [0, 0, 1, 0] })).toEqual(['N', 3, 1, 6]);
  });

  it("its gradient ops give the input's and the weights' shapes", () => {
    const geometry = { kernel: [3, 2], stride: [1, 1], padding: [0, 0, 0, 0], depth_multiplier: 3 };
    expect(build('depthwise_conv2d_grad_input', [['N', 3, 4, 6], [3, 2, 2, 3]], { ...geometry, input: [5, 5, 2] })).toEqual(x);
    expect(build('depthwise_conv2d_grad_filter', [x, ['N', 3, 4, 6]], geometry)).toEqual([3, 2, 2, 3]);
  });
});

describe('global pooling: an image batch to one value per channel', () => {
  it.each(['global_avgpool2d', 'global_maxpool2d'])('%s refuses what is not an image batch, blaming its input', (op) => {
    for (const [shape, given] of [[['N', 49], '49'], [['N', 7, 7], '7×7'], [['N', 2, 7, 7, 3], '2×7×7×3'], [[1, 7, 7, 3], '7×7×3']] as [Shape, string][]) {
      expect(build(op, [shape], {}), given).toEqual({
        code: 'NETC4005',
        message: `layer 'L' (${op}) needs an image input (height, width, channels), but 'in0' gives ${given}; move it before the flatten layer`,
        attr: 'inputs',
      });
    }
  });

  it("their gradients give the pooled input's shape", () => {
    expect(build('global_avgpool2d_grad', [['N', 3]], { input: [2, 5, 3] })).toEqual(['N', 2, 5, 3]);
    expect(build('global_maxpool2d_grad', [['N', 2, 5, 3], ['N', 3]], {})).toEqual(['N', 2, 5, 3]);
  });
});

describe('the L2 penalty and the activations', () => {
  it('l2_penalty is a scalar, whatever the weights', () => {
    expect(build('l2_penalty', [[3, 3, 2, 6]], { l2: 0.01 })).toEqual([]);
    expect(build('l2_penalty', [[7]], { l2: 0.01 })).toEqual([]);
  });

  it.each(['tanh', 'scaled_tanh', 'relu', 'sigmoid', 'leaky_relu', 'elu', 'gelu', 'swish', 'softplus', 'softmax'])('%s keeps the shape, and its gradient op takes the shape of its first input', (fn) => {
    expect(build(fn, [['N', 2, 3, 4]], {})).toEqual(['N', 2, 3, 4]);
    const grad = fn === 'softmax' ? 'softmax_grad' : 'activation_grad';
    expect(build(grad, [['N', 5], ['N', 5]], { fn })).toEqual(['N', 5]);
    expect(build(fn, [['N', 2], ['N', 2]], {})).toEqual(internal(`${fn} 'y' takes 1 inputs, given 2`));
  });
});

describe('the verifier on a graph a pass wired wrong', () => {
  const x = make('input', [], { shape: [4, 6] }, 'x');
  const mean = make('batch_mean', [x], {}, 'mean', 'bn');
  const variance = make('batch_variance', [x, mean], {}, 'variance', 'bn');
  const gamma = make('param', [], { shape: [6], init: 'ones' }, 'gamma', 'bn');
  const beta = make('param', [], { shape: [6], init: 'zeros' }, 'beta', 'bn');
  const bn = make('batchnorm', [x, mean, variance, gamma, beta], eps, 'bn');
  const nodes = [x, gamma, beta, mean, variance, bn];

  it('accepts the batchnorm as lowering builds it', () => expect(verifyGraph({ name: 'g', nodes, outputs: { scores: 'bn' } })).toEqual([]));

  it('names a depthwise_conv2d a pass left without the bias its attributes ask for', () => {
    const img = make('input', [], { shape: [5, 5, 2] }, 'img');
    const w = make('param', [], { shape: [3, 3, 2, 1], init: 'zeros' }, 'w');
    const dw = make('depthwise_conv2d', [img, w], { kernel: [3, 3], stride: [1, 1], padding: [0, 0, 0, 0], depth_multiplier: 1, use_bias: false }, 'dw');
    const withBias = { ...dw, attrs: { ...dw.attrs, use_bias: true } };
    expect(verifyGraph({ name: 'g', nodes: [img, w, withBias], outputs: {} })).toEqual([
      "'dw' (depthwise_conv2d) fails its shape rule: internal error: depthwise_conv2d 'dw' weights 3×3×2×1 do not fit input N×5×5×2; this is a bug in netc",
    ]);
  });

  it("names a batchnorm given the input where its mean belongs, and one that lost its β but not its attribute", () => {
    const swapped = { ...bn, inputs: ['x', 'x', 'variance', 'gamma', 'beta'] };
    expect(verifyGraph({ name: 'g', nodes: [...nodes.slice(0, -1), swapped], outputs: {} })).toEqual([
      `'bn' (batchnorm) fails its shape rule: internal error: batchnorm needs a batch of channels and 4 per-channel values (attributes ${JSON.stringify(eps)}), given N×4×6, N×4×6, 6, 6, 6; this is a bug in netc`,
    ]);
    const noBeta = { ...bn, inputs: ['x', 'mean', 'variance', 'gamma'] };
    expect(verifyGraph({ name: 'g', nodes: [...nodes.slice(0, -1), noBeta], outputs: {} })).toEqual([
      `'bn' (batchnorm) fails its shape rule: internal error: batchnorm needs a batch of channels and 4 per-channel values (attributes ${JSON.stringify(eps)}), given N×4×6, 6, 6, 6; this is a bug in netc`,
    ]);
  });
});
