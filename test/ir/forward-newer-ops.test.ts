/**
 * What the newer forward ops compute (depthwise convolution, batch statistics and batch
 * normalization, global pooling, the L2 penalty, the activations with a parameter), run by the
 * IR interpreter from the kernel calls their registry entries make, against a naive loop written
 * here from each op's definition (Keras's DepthwiseConv2D as one convolution per channel and BatchNormalization, NHWC). The
 * gradient checks cannot see these: a finite difference of the same graph agrees with a forward
 * pass that adds the wrong constant, such as a bias read from the wrong buffer.
 *
 * Batch 2, odd sizes, unequal strides and uneven padding, so a wrong dimension, side or batch
 * gives other numbers. The L2 penalty's place in the training loss is checked in the IR text.
 */
import { describe, expect, it } from 'vitest';
import { analyze } from '../../src/driver/analyze.js';
import { interpret } from '../../src/ir/interpret.js';
import { explicitPadding } from '../../src/ir/ops/common.js';
import { printGraph } from '../../src/ir/print.js';
import { elementsPerExample, type Attrs, type Graph, type Node } from '../../src/ir/types.js';
import { make, rng, writeSpec } from './ir-fixtures.js';
import { naiveConv, naiveDepthwise } from './naive-conv.js';

const N = 2;

/** Feed each input (random values in [-1, 1) when none are given), run one op, return its output in float64. */
function forward(op: string, inputs: { node: Node; values?: number[] }[], attrs: Attrs): number[] {
  const y = make(op, inputs.map((i) => i.node), attrs, 'y');
  const feeds: Record<string, number[]> = {};
  inputs.forEach(({ node, values }, k) => {
    const r = rng(200 + k);
    const count = elementsPerExample(node.type.shape) * (node.type.shape[0] === 'N' ? N : 1);
    feeds[node.id] = values ?? Array.from({ length: count }, () => 2 * r() - 1);
  });
  const g: Graph = { name: 'g', nodes: [...inputs.map((i) => i.node), y], outputs: { prediction: 'y' } };
  return Array.from(interpret(g, feeds, { batch: N, dtype: 'f64' }).get('y'));
}

/** The values a node was fed in `forward` (the same seeds), for the naive loops. */
function fed(node: Node, k: number): number[] {
  const r = rng(200 + k);
  const count = elementsPerExample(node.type.shape) * (node.type.shape[0] === 'N' ? N : 1);
  return Array.from({ length: count }, () => 2 * r() - 1);
}

function expectClose(actual: number[], expected: number[], tolerance = 1e-9): void {
  expect(actual.length).toBe(expected.length);
  const worst = actual.reduce((m, a, i) => Math.max(m, Math.abs(a - expected[i]!)), 0);
  expect(worst).toBeLessThan(tolerance);
}

const image = (id: string, h: number, w: number, c: number) => make('input', [], { shape: [h, w, c] }, id);
const param = (id: string, shape: number[]) => make('param', [], { shape, init: 'zeros' }, id);

describe('depthwise_conv2d', () => {
  it.each([
    { hw: [7, 5], c: 3, k: [3, 2], m: 2, s: [2, 1], padding: 'same', bias: true },
    { hw: [6, 7], c: 2, k: [2, 3], m: 3, s: [1, 2], padding: 'valid', bias: true },
    { hw: [5, 6], c: 3, k: [3, 3], m: 1, s: [1, 1], padding: 'same', bias: false },
    { hw: [6, 5], c: 2, k: [2, 2], m: 2, s: [2, 2], padding: 'valid', bias: false },
  ])('$hw×$c, kernel $k, multiplier $m, stride $s, $padding, bias $bias', ({ hw, c, k, m, s, padding, bias }) => {
    const [h, w] = hw as [number, number];
    const pad = explicitPadding(padding, [h, w], k as [number, number], s as [number, number]);
    const x = image('x', h, w, c);
    const weights = param('w', [k[0]!, k[1]!, c, m]);
    const inputs = [{ node: x }, { node: weights }, ...(bias ? [{ node: param('b', [c * m]) }] : [])];
    const attrs = { kernel: k, stride: s, padding: pad, depth_multiplier: m, ...(bias ? {} : { use_bias: false }) };
    const want = naiveDepthwise(N, fed(x, 0), [h, w, c], fed(weights, 1), [k[0]!, k[1]!, m], bias ? fed(inputs[2]!.node, 2) : undefined, s, pad);
    expectClose(forward('depthwise_conv2d', inputs, attrs), want);
  });

  it('applies its fused leaky_relu with the alpha it carries', () => {
    const x = image('x', 4, 3, 2);
    const weights = param('w', [2, 2, 2, 1]);
    const attrs = { kernel: [2, 2], stride: [1, 1], padding: [0, 0, 0, 0], depth_multiplier: 1, use_bias: false, activation: 'leaky_relu', alpha: 0.2 };
    const want = naiveDepthwise(N, fed(x, 0), [4, 3, 2], fed(weights, 1), [2, 2, 1], undefined, [1, 1], [0, 0, 0, 0], (v) => (v > 0 ? v : 0.2 * v));
    expect(want.some((v) => v < 0)).toBe(true);
    expectClose(forward('depthwise_conv2d', [{ node: x }, { node: weights }], attrs), want);
  });
});

// The gradient checks run the dilated kernel in the forward pass and its gradients alike, so a
// dilation the kernel call leaves out, or a bias read where there is none, agrees with itself there.
describe('conv2d with spaced taps or without a bias', () => {
  it.each([
    { hw: [7, 6], c: 2, k: [3, 2], f: 3, s: [1, 2], d: [2, 1], padding: 'same', bias: true },
    { hw: [6, 8], c: 3, k: [2, 3], f: 2, s: [2, 1], d: [1, 3], padding: 'valid', bias: false },
    { hw: [9, 7], c: 1, k: [3, 3], f: 2, s: [2, 2], d: [2, 2], padding: 'same', bias: false },
    { hw: [5, 4], c: 2, k: [2, 2], f: 3, s: [1, 1], d: [1, 1], padding: 'valid', bias: false },
  ])('$hw×$c, kernel $k, dilation $d, stride $s, $padding, bias $bias', ({ hw, c, k, f, s, d, padding, bias }) => {
    const [h, w] = hw as [number, number];
    const span: [number, number] = [(k[0]! - 1) * d[0]! + 1, (k[1]! - 1) * d[1]! + 1];
    const pad = explicitPadding(padding, [h, w], span, s as [number, number]);
    const x = image('x', h, w, c);
    const weights = param('w', [k[0]!, k[1]!, c, f]);
    const inputs = [{ node: x }, { node: weights }, ...(bias ? [{ node: param('b', [f]) }] : [])];
    // lowering writes no dilation of 1 (the fourth case is the undilated kernel without a bias)
    const attrs = { filters: f, kernel: k, stride: s, padding: pad, ...(d[0] !== 1 || d[1] !== 1 ? { dilation: d } : {}), ...(bias ? {} : { use_bias: false }) };
    const b = bias ? fed(inputs[2]!.node, 2) : new Array<number>(f).fill(0);
    const want = naiveConv(N, fed(x, 0), [h, w, c], fed(weights, 1), [k[0]!, k[1]!, f], b, s, pad, undefined, d);
    expectClose(forward('conv2d', inputs, attrs), want.y);
  });
});

describe('batch statistics and batch normalization', () => {
  // a batch of 2 images of 3×2 pixels and 3 channels: 12 values per channel
  const x = image('x', 3, 2, 3);
  const xs = fed(x, 0);
  const C = 3;
  const perChannel = (f: (values: number[], c: number) => number) =>
    Array.from({ length: C }, (_, c) => f(xs.filter((_, i) => i % C === c), c));
  const means = perChannel((v) => v.reduce((a, b) => a + b, 0) / v.length);
  // biased, as Keras computes the batch's variance
  const variances = perChannel((v, c) => v.reduce((a, b) => a + (b - means[c]!) ** 2, 0) / v.length);

  it('batch_mean: the mean of each channel over the batch and the pixels', () => {
    expectClose(forward('batch_mean', [{ node: x }], {}), means);
  });

  it('batch_variance: the variance of each channel around the mean it is given, divided by the count', () => {
    const m = param('m', [C]);
    expectClose(forward('batch_variance', [{ node: x }, { node: m, values: means }], {}), variances);
    // around another centre: the mean square distance from it
    const centre = [0.5, -0.25, 0];
    const around = perChannel((v, c) => v.reduce((a, b) => a + (b - centre[c]!) ** 2, 0) / v.length);
    expectClose(forward('batch_variance', [{ node: x }, { node: m, values: centre }], {}), around);
  });

  const gamma = [1.5, -0.5, 2];
  const beta = [0.25, -1, 0.5];
  it.each([
    { scale: true, center: true, epsilon: 0.001 },
    { scale: false, center: true, epsilon: 0.01 },
    { scale: true, center: false, epsilon: 0.001 },
    { scale: false, center: false, epsilon: 0.1 },
  ])('batchnorm: γ·(x − mean)/√(variance + ε) + β, scale=$scale center=$center ε=$epsilon', ({ scale, center, epsilon }) => {
    const mean = [0.1, -0.2, 0.3];
    const variance = [0.5, 1.5, 0.25];
    const inputs = [
      { node: x },
      { node: param('mean', [C]), values: mean },
      { node: param('variance', [C]), values: variance },
      ...(scale ? [{ node: param('gamma', [C]), values: gamma }] : []),
      ...(center ? [{ node: param('beta', [C]), values: beta }] : []),
    ];
    const attrs = { epsilon, ...(scale ? {} : { scale: false }), ...(center ? {} : { center: false }) };
    const want = xs.map((v, i) => {
      const c = i % C;
      return (scale ? gamma[c]! : 1) * ((v - mean[c]!) / Math.sqrt(variance[c]! + epsilon)) + (center ? beta[c]! : 0);
    });
    expectClose(forward('batchnorm', inputs, attrs), want);
  });

  it('batchnorm applies a fused relu after normalizing', () => {
    const stats = [{ node: param('mean', [C]), values: means }, { node: param('variance', [C]), values: variances }];
    const got = forward('batchnorm', [{ node: x }, ...stats], { epsilon: 0.001, scale: false, center: false, activation: 'relu' });
    expectClose(got, xs.map((v, i) => Math.max(0, (v - means[i % C]!) / Math.sqrt(variances[i % C]! + 0.001))));
  });
});

describe('global pooling', () => {
  const x = image('x', 3, 4, 2);
  const xs = fed(x, 0);
  /** per example and channel: the 12 pixels of that channel, reduced */
  const pooled = (reduce: (v: number[]) => number) =>
    Array.from({ length: N * 2 }, (_, nc) => {
      const [n, c] = [Math.floor(nc / 2), nc % 2];
      return reduce(xs.slice(n * 24, (n + 1) * 24).filter((_, i) => i % 2 === c));
    });
  it('global_avgpool2d: the mean of each channel of each image', () => {
    expectClose(forward('global_avgpool2d', [{ node: x }], {}), pooled((v) => v.reduce((a, b) => a + b, 0) / v.length));
  });
  it('global_maxpool2d: the largest value of each channel of each image', () => {
    expectClose(forward('global_maxpool2d', [{ node: x }], {}), pooled((v) => Math.max(...v)));
  });
});

describe('the L2 penalty', () => {
  it('l2_penalty: l2·Σw² over every weight', () => {
    const w = param('w', [2, 2, 3, 2]);
    const ws = fed(w, 0);
    expectClose(forward('l2_penalty', [{ node: w }], { l2: 0.05 }), [0.05 * ws.reduce((a, b) => a + b * b, 0)]);
  });

  it("is added to the training loss for each layer's weights that ask for it, and for no bias", () => {
    const a = analyze(
      writeSpec({
        input: [4, 4, 1],
        classes: 2,
        layers: `  - { name: dw, op: depthwise_conv2d, kernel: 3, l2: 0.25 }
  - { name: fl, op: flatten }
  - { name: out, op: dense, units: 2, activation: softmax, l2: 0.001 }`,
      }),
      { training: true },
    );
    expect(a.diagnostics).toEqual([]);
    const lines = printGraph(a.graph!).split('\n').filter((l) => /l2_penalty|^\s*%loss/.test(l));
    expect(lines.map((l) => l.trim())).toEqual([
      '%loss.data: f32[] = categorical_crossentropy(%out.softmax, %labels)',
      '%dw.w.l2: f32[] = l2_penalty(%dw.w) {l2=0.25}',
      '%out.w.l2: f32[] = l2_penalty(%out.w) {l2=0.001}',
      '%loss: f32[] = add(%loss.data, %dw.w.l2, %out.w.l2)',
    ]);
  });
});

describe('activations with a parameter, and those of the newer functions', () => {
  const x = make('input', [], { shape: [4] }, 'x');
  const xs = [-2, -0.5, 0, 0.75, 1.5, -1, 2, 0.5];
  const run = (fn: string, attrs: Attrs = {}) => forward(fn, [{ node: x, values: xs }], attrs);

  it('leaky_relu and elu use the alpha the node carries', () => {
    expectClose(run('leaky_relu', { alpha: 0.1 }), xs.map((v) => (v > 0 ? v : 0.1 * v)));
    expectClose(run('elu', { alpha: 0.5 }), xs.map((v) => (v > 0 ? v : 0.5 * Math.expm1(v))));
  });

  it('swish, softplus and gelu by their formulas (gelu from tabulated values of Φ)', () => {
    expectClose(run('swish'), xs.map((v) => v / (1 + Math.exp(-v))));
    expectClose(run('softplus'), xs.map((v) => Math.log(1 + Math.exp(v))), 1e-12);
    // Φ(0.5) = 0.6914624613, Φ(0.75) = 0.7733726476, Φ(1) = 0.8413447461, Φ(1.5) = 0.9331927987, Φ(2) = 0.9772498681
    const phi: Record<number, number> = { 0: 0.5, 0.5: 0.6914624613, 0.75: 0.7733726476, 1: 0.8413447461, 1.5: 0.9331927987, 2: 0.9772498681 };
    const cdf = (v: number) => (v >= 0 ? phi[v]! : 1 - phi[-v]!);
    expectClose(run('gelu'), xs.map((v) => v * cdf(v)), 1e-9);
  });
});
