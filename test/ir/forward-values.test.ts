/**
 * What each forward op computes, run by the IR interpreter from the kernel calls its registry
 * entry makes, against values worked out in the test: by hand for the small ones, by a naive
 * loop written here from the op's definition (TensorFlow's NHWC layout and padding) for the
 * windowed ones. The inputs are odd-sized, the windows and strides unequal in height and width,
 * the padding uneven and the batch 2, so an argument that names the wrong dimension, the wrong
 * side of the padding or forgets the batch gives other numbers.
 */
import { describe, expect, it } from 'vitest';
import { interpret } from '../../src/ir/interpret.js';
import { explicitPadding } from '../../src/ir/ops/common.js';
import { RBF_MAP_J } from '../../src/ir/ops/losses.js';
import { elementsPerExample, type Attrs, type Graph, type Node } from '../../src/ir/types.js';
import { make, rng } from './ir-fixtures.js';
import { naiveConv } from './naive-conv.js';

const N = 2;

/** Values in [-1, 1) for a tensor of `size` elements. */
const randoms = (size: number, seed: number) => {
  const r = rng(seed);
  return Array.from({ length: size }, () => 2 * r() - 1);
};
const sizeOf = (n: Node) => elementsPerExample(n.type.shape) * (n.type.shape[0] === 'N' ? N : 1);

/** Run one op on inputs fed with the values given (random when absent); returns its output. */
function run(op: string, inputs: { node: Node; values?: number[] }[], attrs: Attrs, opts: { seed?: number; batch?: number } = {}) {
  const y = make(op, inputs.map((i) => i.node), attrs, 'y');
  const feeds: Record<string, number[]> = {};
  inputs.forEach((i, k) => (feeds[i.node.id] = i.values ?? randoms(sizeOf(i.node), 100 + k)));
  const g: Graph = { name: 'g', nodes: [...inputs.map((i) => i.node), y], outputs: { prediction: 'y' } };
  const r = interpret(g, feeds, { batch: opts.batch ?? N, dtype: 'f64', ...(opts.seed !== undefined ? { seed: opts.seed } : {}) });
  return { y: Array.from(r.get('y')), shape: y.type.shape, feeds, run: r };
}

const image = (id: string, h: number, w: number, c: number) => make('input', [], { shape: [h, w, c] }, id);
const flat = (id: string, k: number) => make('input', [], { shape: [k] }, id);
const param = (id: string, shape: number[]) => make('param', [], { shape, init: 'zeros' }, id);

function expectClose(actual: number[], expected: number[], what = 'values'): void {
  expect(actual.length, `${what}: length`).toBe(expected.length);
  const worst = actual.reduce((m, a, i) => Math.max(m, Math.abs(a - expected[i]!)), 0);
  expect(worst, `${what}: largest difference`).toBeLessThan(1e-9);
}

const ACT: Record<string, (x: number) => number> = {
  linear: (x) => x,
  tanh: Math.tanh,
  scaled_tanh: (x) => 1.7159 * Math.tanh((2 / 3) * x),
  relu: (x) => Math.max(0, x),
  sigmoid: (x) => 1 / (1 + Math.exp(-x)),
};

/** The pixels of each window that lie inside the image, per channel, reduced by `reduce`. */
function naivePool(
  x: number[], [H, W, C]: number[], [PH, PW]: number[], [SH, SW]: number[], [PT, PB, PL, PR]: number[],
  reduce: (vals: number[], c: number) => number,
): { y: number[]; oh: number; ow: number } {
  const OH = Math.floor((H! + PT! + PB! - PH!) / SH!) + 1;
  const OW = Math.floor((W! + PL! + PR! - PW!) / SW!) + 1;
  const y: number[] = [];
  for (let n = 0; n < N; n++)
    for (let oh = 0; oh < OH; oh++)
      for (let ow = 0; ow < OW; ow++)
        for (let c = 0; c < C!; c++) {
          const vals: number[] = [];
          for (let i = 0; i < PH!; i++)
            for (let j = 0; j < PW!; j++) {
              const h = oh * SH! - PT! + i;
              const w = ow * SW! - PL! + j;
              if (h >= 0 && h < H! && w >= 0 && w < W!) vals.push(x[((n * H! + h) * W! + w) * C! + c]!);
            }
          y.push(reduce(vals, c));
        }
  return { y, oh: OH, ow: OW };
}

const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;

describe('conv2d', () => {
  it.each([
    { hw: [7, 6], c: 2, k: [4, 3], f: 3, s: [2, 1], padding: 'same', act: undefined },
    { hw: [5, 7], c: 3, k: [2, 3], f: 2, s: [1, 2], padding: 'same', act: 'relu' },
    { hw: [6, 5], c: 1, k: [3, 2], f: 2, s: [2, 2], padding: 'valid', act: 'tanh' },
    { hw: [4, 5], c: 2, k: [3, 3], f: 2, s: [3, 2], padding: 2, act: 'scaled_tanh' },
    { hw: [5, 5], c: 2, k: [1, 2], f: 4, s: [1, 1], padding: 'valid', act: 'sigmoid' },
  ] as const)('$hw×$c, kernel $k, stride $s, padding $padding, activation $act', ({ hw, c, k, f, s, padding, act }) => {
    const pad = explicitPadding(padding, [hw[0], hw[1]], [k[0], k[1]], [s[0], s[1]]);
    const x = image('x', hw[0], hw[1], c);
    const w = param('w', [k[0], k[1], c, f]);
    const b = param('b', [f]);
    const attrs = { filters: f, kernel: [...k], stride: [...s], padding: pad, ...(act ? { activation: act } : {}) };
    const got = run('conv2d', [{ node: x }, { node: w }, { node: b }], attrs);
    const want = naiveConv(N, got.feeds.x!, [hw[0], hw[1], c], got.feeds.w!, [k[0], k[1], f], got.feeds.b!, [...s], pad, ACT[act ?? 'linear']!);
    expect(got.shape).toEqual(['N', want.oh, want.ow, f]);
    expectClose(got.y, want.y);
  });

  it("'same' padding gives ceil(input / stride), with the odd pixel at the bottom and right", () => {
    // 7 rows, kernel 4, stride 2: out 4, total padding (4 − 1)·2 + 4 − 7 = 3 → 1 above, 2 below
    expect(explicitPadding('same', [7, 6], [4, 3], [2, 1])).toEqual([1, 2, 1, 1]);
    // 6 columns, kernel 2, stride 3: out 2, total (2 − 1)·3 + 2 − 6 = −1 → none
    expect(explicitPadding('same', [5, 6], [1, 2], [1, 3])).toEqual([0, 0, 0, 0]);
    // 5 rows, kernel 2, stride 1: out 5, total 1 → 0 above, 1 below
    expect(explicitPadding('same', [5, 5], [2, 2], [1, 1])).toEqual([0, 1, 0, 1]);
    expect(explicitPadding('valid', [5, 5], [3, 3], [1, 1])).toEqual([0, 0, 0, 0]);
    expect(explicitPadding(undefined, [5, 5], [3, 3], [1, 1])).toEqual([0, 0, 0, 0]);
    expect(explicitPadding(3, [5, 5], [3, 3], [2, 2])).toEqual([3, 3, 3, 3]);
  });
});

describe('pooling', () => {
  it.each([
    { op: 'avgpool2d', hw: [7, 5], c: 2, p: [3, 2], s: [2, 1], padding: 'same' },
    { op: 'avgpool2d', hw: [6, 7], c: 3, p: [2, 3], s: [2, 3], padding: 'same' },
    { op: 'avgpool2d', hw: [5, 6], c: 1, p: [3, 2], s: [1, 2], padding: 'valid' },
    { op: 'maxpool2d', hw: [7, 5], c: 2, p: [3, 2], s: [2, 1], padding: 'same' },
    { op: 'maxpool2d', hw: [5, 7], c: 2, p: [2, 3], s: [3, 2], padding: 'valid' },
  ] as const)('$op $hw×$c, pool $p, stride $s, $padding', ({ op, hw, c, p, s, padding }) => {
    const pad = explicitPadding(padding, [hw[0], hw[1]], [p[0], p[1]], [s[0], s[1]]);
    const x = image('x', hw[0], hw[1], c);
    const got = run(op, [{ node: x }], { pool: [...p], stride: [...s], padding: pad });
    const reduce = op === 'avgpool2d' ? mean : (v: number[]) => Math.max(...v);
    const want = naivePool(got.feeds.x!, [hw[0], hw[1], c], [...p], [...s], pad, reduce);
    expect(got.shape).toEqual(['N', want.oh, want.ow, c]);
    expectClose(got.y, want.y);
  });

  it('average pooling divides by the real pixels of a window, by hand', () => {
    // 3×3 image 1..9, 2×2 windows, stride 2, 'same': windows of 4, 2, 2 and 1 real pixels
    const x = make('input', [], { shape: [3, 3, 1] }, 'x');
    const pad = explicitPadding('same', [3, 3], [2, 2], [2, 2]);
    expect(pad).toEqual([0, 1, 0, 1]);
    const got = run('avgpool2d', [{ node: x, values: [1, 2, 3, 4, 5, 6, 7, 8, 9, 9, 8, 7, 6, 5, 4, 3, 2, 1] }], { pool: [2, 2], stride: [2, 2], padding: pad });
    expect(got.y).toEqual([3, 4.5, 7.5, 9, 7, 5.5, 2.5, 1]);
  });
});

describe('subsample', () => {
  it.each([
    { hw: [6, 5], c: 2, p: [2, 2], s: [2, 2], act: 'scaled_tanh' },
    { hw: [5, 6], c: 3, p: [2, 3], s: [1, 3], act: undefined },
  ] as const)('$hw×$c, pool $p, stride $s: coef · window sum + bias, then $act', ({ hw, c, p, s, act }) => {
    const x = image('x', hw[0], hw[1], c);
    const coef = param('coef', [c]);
    const bias = param('bias', [c]);
    const got = run('subsample', [{ node: x }, { node: coef }, { node: bias }], { pool: [...p], stride: [...s], ...(act ? { activation: act } : {}) });
    const want = naivePool(got.feeds.x!, [hw[0], hw[1], c], [...p], [...s], [0, 0, 0, 0], (v, ch) =>
      ACT[act ?? 'linear']!(got.feeds.coef![ch]! * v.reduce((a, b) => a + b, 0) + got.feeds.bias![ch]!),
    );
    expect(got.shape).toEqual(['N', want.oh, want.ow, c]);
    expectClose(got.y, want.y);
  });
});

describe('pad and crop', () => {
  it('pad puts zeros [top, bottom, left, right] around each channel; crop takes them off again', () => {
    const x = image('x', 2, 3, 2);
    const values = Array.from({ length: N * 12 }, (_, i) => i + 1);
    const got = run('pad', [{ node: x, values }], { padding: [1, 2, 0, 3] });
    expect(got.shape).toEqual(['N', 5, 6, 2]);
    const want: number[] = [];
    for (let n = 0; n < N; n++)
      for (let h = 0; h < 5; h++)
        for (let w = 0; w < 6; w++)
          for (let c = 0; c < 2; c++) want.push(h >= 1 && h < 3 && w < 3 ? values[((n * 2 + h - 1) * 3 + w) * 2 + c]! : 0);
    expect(got.y).toEqual(want);
    const padded = image('p', 5, 6, 2);
    const back = run('crop', [{ node: padded, values: got.y }], { padding: [1, 2, 0, 3] });
    expect(back.shape).toEqual(['N', 2, 3, 2]);
    expect(back.y).toEqual(values);
  });
});

describe('dense and rbf', () => {
  it('dense: x·W + b, per example, with its fused activation', () => {
    const x = flat('x', 3);
    const w = param('w', [3, 2]);
    const b = param('b', [2]);
    const xs = [1, 2, 3, -1, 0, 2];
    const ws = [1, -1, 0.5, 2, -2, 0.25]; // rows: inputs; columns: units
    for (const [act, f] of [['linear', ACT.linear!], ['sigmoid', ACT.sigmoid!]] as const) {
      const got = run('dense', [{ node: x, values: xs }, { node: w, values: ws }, { node: b, values: [0.5, -1] }], { units: 2, ...(act === 'linear' ? {} : { activation: act }) });
      // example 0: 1 + 1 − 6 + 0.5 = −3.5; −1 + 4 + 0.75 − 1 = 2.75
      // example 1: −1 − 4 + 0.5 = −4.5;     1 + 0.5 − 1 = 0.5
      expect(got.shape).toEqual(['N', 2]);
      expectClose(got.y, [-3.5, 2.75, -4.5, 0.5].map(f));
    }
  });

  it('rbf: the squared distance of each example to each prototype', () => {
    const x = flat('x', 2);
    const w = param('w', [3, 2]);
    const got = run('rbf', [{ node: x, values: [1, 2, -1, 0] }, { node: w, values: [0, 0, 1, -1, -1, 1] }], {});
    expect(got.shape).toEqual(['N', 3]);
    // (1,2): to (0,0) 5, to (1,−1) 9, to (−1,1) 5; (−1,0): 1, 5, 1
    expect(got.y).toEqual([5, 9, 5, 1, 5, 1]);
  });
});

describe('elementwise ops', () => {
  const a = flat('a', 3);
  const b = flat('b', 3);
  const c = flat('c', 3);
  const va = [1, -2, 3, 0.5, 4, -1];
  const vb = [10, 20, 30, 40, 50, 60];
  const vc = [0.25, 0.5, -0.75, 1, 2, 3];

  it('add of three', () => {
    const got = run('add', [{ node: a, values: va }, { node: b, values: vb }, { node: c, values: vc }], {});
    expectClose(got.y, va.map((v, i) => v + vb[i]! + vc[i]!));
  });

  it('mul', () => {
    expect(run('mul', [{ node: a, values: va }, { node: b, values: vb }], {}).y).toEqual([10, -40, 90, 20, 200, -60]);
  });

  it('affine: scale·x + shift', () => {
    expect(run('affine', [{ node: a, values: va }], { scale: -2, shift: 0.5 }).y).toEqual([-1.5, 4.5, -5.5, -0.5, -7.5, 2.5]);
  });

  it.each(['tanh', 'scaled_tanh', 'relu', 'sigmoid'])('%s', (fn) => {
    expectClose(run(fn, [{ node: a, values: va }], {}).y, va.map(ACT[fn]!));
  });

  it('softmax over the last axis of each example', () => {
    const got = run('softmax', [{ node: a, values: va }], {});
    for (let n = 0; n < N; n++) {
      const row = va.slice(3 * n, 3 * n + 3);
      const z = row.reduce((s, v) => s + Math.exp(v), 0);
      expectClose(got.y.slice(3 * n, 3 * n + 3), row.map((v) => Math.exp(v) / z), `row ${n}`);
    }
  });

  it('softmax over the channels of an image, pixel by pixel', () => {
    const x = image('x', 1, 2, 2);
    const got = run('softmax', [{ node: x, values: [0, Math.log(3), 1, 1, Math.log(2), 0, 5, 5] }], {});
    expectClose(got.y, [0.25, 0.75, 0.5, 0.5, 2 / 3, 1 / 3, 0.5, 0.5]);
  });

  it('flatten and reshape are views: the same values in the same order', () => {
    const x = image('x', 2, 3, 2);
    const values = Array.from({ length: N * 12 }, (_, i) => i * 0.5);
    const f = run('flatten', [{ node: x, values }], {});
    expect(f.shape).toEqual(['N', 12]);
    expect(f.y).toEqual(values);
    const r = run('reshape', [{ node: x, values }], { shape: [3, 4] });
    expect(r.shape).toEqual(['N', 3, 4]);
    expect(r.y).toEqual(values);
  });
});

describe('concat and slice_channels', () => {
  it('joins along the last axis, each input at its offset', () => {
    const p = image('p', 1, 2, 2);
    const q = image('q', 1, 2, 1);
    const r = image('r', 1, 2, 3);
    const vp = [1, 2, 3, 4, 5, 6, 7, 8];
    const vq = [10, 20, 30, 40];
    const vr = [100, 101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 111];
    const got = run('concat', [{ node: p, values: vp }, { node: q, values: vq }, { node: r, values: vr }], {});
    expect(got.shape).toEqual(['N', 1, 2, 6]);
    const want: number[] = [];
    for (let px = 0; px < N * 2; px++) want.push(...vp.slice(2 * px, 2 * px + 2), vq[px]!, ...vr.slice(3 * px, 3 * px + 3));
    expect(got.y).toEqual(want);
    // and slice_channels takes each back out
    const joined = image('j', 1, 2, 6);
    expect(run('slice_channels', [{ node: joined, values: want }], { offset: 0, channels: 2 }).y).toEqual(vp);
    expect(run('slice_channels', [{ node: joined, values: want }], { offset: 2, channels: 1 }).y).toEqual(vq);
    expect(run('slice_channels', [{ node: joined, values: want }], { offset: 3, channels: 3 }).y).toEqual(vr);
  });
});

describe('losses', () => {
  const p = flat('p', 3);
  const t = make('input', [], { shape: [3], role: 'labels' }, 't');
  const probs = [0.2, 0.5, 0.3, 0.6, 0.1, 0.3];
  const onehot = [0, 1, 0, 0, 0, 1];

  it('categorical_crossentropy: −Σ t·log p, averaged over the batch', () => {
    const got = run('categorical_crossentropy', [{ node: p, values: probs }, { node: t, values: onehot }], {});
    expect(got.shape).toEqual([]);
    expectClose(got.y, [-(Math.log(0.5) + Math.log(0.3)) / 2]);
  });

  it('mse: the mean over classes of (p − t)², averaged over the batch', () => {
    const got = run('mse', [{ node: p, values: probs }, { node: t, values: onehot }], {});
    const sq = probs.map((v, i) => (v - onehot[i]!) ** 2);
    expectClose(got.y, [(sq.slice(0, 3).reduce((a, b) => a + b) / 3 + sq.slice(3).reduce((a, b) => a + b) / 3) / 2]);
  });

  it('softmax_cross_entropy: cross-entropy of softmax(logits)', () => {
    const logits = [1, 2, 0.5, -1, 3, 0];
    const got = run('softmax_cross_entropy', [{ node: p, values: logits }, { node: t, values: onehot }], {});
    const lse = (r: number[]) => Math.log(r.reduce((s, v) => s + Math.exp(v), 0));
    expectClose(got.y, [((lse(logits.slice(0, 3)) - 2) + (lse(logits.slice(3)) - 0)) / 2]);
  });

  it(`rbf_map: y[label] + log(e^−j + Σ e^−y), averaged, with j = ${RBF_MAP_J}`, () => {
    expect(RBF_MAP_J).toBe(0.1);
    const pen = [1, 4, 9, 0.5, 2, 3];
    const got = run('rbf_map', [{ node: p, values: pen }, { node: t, values: onehot }], {});
    const term = (r: number[], label: number) => r[label]! + Math.log(Math.exp(-0.1) + r.reduce((s, v) => s + Math.exp(-v), 0));
    expectClose(got.y, [(term(pen.slice(0, 3), 1) + term(pen.slice(3), 2)) / 2]);
  });
});

describe('dropout', () => {
  it('zeros about `rate` of the elements and scales the rest by 1/(1 − rate); the same seed, the same mask', () => {
    const x = flat('x', 400);
    const values = randoms(N * 400, 3).map((v) => v + 2); // never zero
    const at = (seed: number, salt: number, rate: number) => run('dropout', [{ node: x, values }], { rate, salt }, { seed }).y;
    const y = at(5, 77, 0.25);
    let dropped = 0;
    y.forEach((v, i) => {
      if (v === 0) dropped++;
      else expect(Math.abs(v - values[i]! / 0.75)).toBeLessThan(1e-12);
    });
    // 800 draws at 0.25: σ ≈ 0.015
    expect(Math.abs(dropped / y.length - 0.25)).toBeLessThan(0.08);
    expect(at(5, 77, 0.25)).toEqual(y);
    expect(at(6, 77, 0.25)).not.toEqual(y);
    expect(at(5, 78, 0.25)).not.toEqual(y);
    // the gradient redraws the same mask
    const g = run('dropout_grad', [{ node: x, values }], { rate: 0.25, salt: 77 }, { seed: 5 }).y;
    expect(g).toEqual(y);
  });
});

describe('assign', () => {
  it("copies the value into the state's own buffer", () => {
    const s = make('param', [], { shape: [3], init: 'zeros', trainable: false, role: 'state' }, 's');
    const v = param('v', [3]);
    const got = run('assign', [{ node: s, values: [1, 2, 3] }, { node: v, values: [7, 8, 9] }], {});
    expect(got.y).toEqual([7, 8, 9]);
    expect(Array.from(got.run.get('s'))).toEqual([7, 8, 9]);
    expect(Array.from(got.run.get('v'))).toEqual([7, 8, 9]);
  });
});
