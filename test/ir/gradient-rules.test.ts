/**
 * Every op's gradient rule against float64 central finite differences, in the IR alone: each
 * tiny network is lowered, compiled by the default pipeline (fused) and by the bare one
 * (unfused), and the interpreter's gradients of every trainable parameter must equal
 * (L(θ + ε) − L(θ − ε)) / 2ε of the lowered graph's loss. No module is generated, so this runs
 * in milliseconds per network; test/gradients/ checks the generated modules against
 * TensorFlow.js as well.
 *
 * A rule that differentiates the wrong input, misses a term, reads the wrong geometry (stride,
 * padding, window) or fuses an activation wrongly changes the analytic gradient but not the
 * differences; a forward kernel given a wrong argument changes the differences but not the
 * backward kernels. Either way the two disagree.
 */
import { describe, expect, it } from 'vitest';
import { analyze } from '../../src/driver/analyze.js';
import { initFromAttrs } from '../../src/ir/init.js';
import { interpret } from '../../src/ir/interpret.js';
import { activationGradNode } from '../../src/ir/ops/activation.js';
import type { GradContext } from '../../src/ir/registry.js';
import { elementsPerExample, type Graph, type Node } from '../../src/ir/types.js';
import { autodiff } from '../../src/passes/autodiff.js';
import { runPipeline, TRAINING_PIPELINE } from '../../src/passes/manager.js';
import { make, rng, writeSpec, type SpecParts } from './ir-fixtures.js';

const PIPELINES = {
  fused: TRAINING_PIPELINE,
  unfused: ['eliminate-dead-nodes', 'autodiff', 'plan-memory'],
} as const;

const N = 3;
const SEED = 9;
const EPS = 1e-6;

/** Values for every input and parameter: random ones, except fixed tables (masks, prototypes). */
function feedsOf(g: Graph, seed: number): Record<string, Float64Array> {
  const r = rng(seed);
  const feeds: Record<string, Float64Array> = {};
  for (const n of g.nodes) {
    if (n.op !== 'input' && n.op !== 'param') continue;
    const size = elementsPerExample(n.type.shape) * (n.type.shape[0] === 'N' ? N : 1);
    const v = new Float64Array(size);
    if (n.attrs.role === 'labels') {
      const classes = size / N;
      for (let i = 0; i < N; i++) v[i * classes + Math.floor(r() * classes)] = 1;
    } else if (n.attrs.init === 'values') {
      const init = initFromAttrs(n.attrs);
      if (init.kind !== 'values') throw new Error(`${n.id}: init 'values' read back as ${init.kind}`);
      v.set(init.values);
    } else if (n.attrs.init === 'connections') {
      // 1 where filter f reads channel c: [kh, kw, C, F]
      const [, , C, F] = n.type.shape as number[];
      const table = n.attrs.table as number[][];
      for (let t = 0; t < size / (C! * F!); t++) table.forEach((reads, f) => reads.forEach((c) => (v[(t * C! + c) * F! + f] = 1)));
    } else {
      for (let i = 0; i < size; i++) v[i] = 1.2 * r() - 0.6;
    }
    feeds[n.id] = v;
  }
  // a weight behind a connection table is zero where disconnected, as the runtime keeps it
  for (const n of g.nodes) {
    if (typeof n.attrs.mask === 'string') feeds[n.id] = feeds[n.id]!.map((w, i) => w * feeds[n.attrs.mask as string]![i]!);
  }
  return feeds;
}

const lossOf = (g: Graph, feeds: Record<string, Float64Array>) =>
  interpret(g, feeds, { batch: N, dtype: 'f64', seed: SEED }).get(g.outputs.loss!)[0]!;

function expectGradients(file: string, pipeline: keyof typeof PIPELINES): { train: Graph; lowered: Graph } {
  const a = analyze(file);
  expect(a.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  const lowered = a.graph!;
  const r = runPipeline(lowered, PIPELINES[pipeline], { batch: 4, arenaBase: 0, fixedOffsets: {} });
  expect(r.diagnostics).toEqual([]);
  const train = r.graph!;
  const feeds = feedsOf(lowered, 17);
  const run = interpret(train, feeds, { batch: N, dtype: 'f64', seed: SEED });
  // the same loss as the lowered graph computes
  expect(Math.abs(run.get(train.outputs.loss!)[0]! - lossOf(lowered, feeds))).toBeLessThan(1e-12);
  const trainable = lowered.nodes.filter((n) => n.op === 'param' && n.attrs.trainable !== false).map((n) => n.id);
  expect(Object.keys(train.outputs.gradients ?? {}).sort()).toEqual([...trainable].sort());
  for (const p of trainable) {
    const g = run.get(train.outputs.gradients![p]!);
    expect(g.length, p).toBe(feeds[p]!.length);
    const mask = lowered.nodes.find((n) => n.id === p)!.attrs.mask as string | undefined;
    const r2 = rng(p.length * 31 + 7);
    // the largest entry, then others at random
    const idx = [g.reduce((best, v, i) => (Math.abs(v) > Math.abs(g[best]!) ? i : best), 0)];
    while (idx.length < Math.min(6, g.length)) {
      const i = Math.floor(r2() * g.length);
      if (!idx.includes(i)) idx.push(i);
    }
    for (const i of idx) {
      if (mask && feeds[mask]![i] === 0) {
        expect(g[i], `${p}[${i}] is disconnected: its gradient is zero`).toBe(0);
        continue;
      }
      const plus = Float64Array.from(feeds[p]!);
      plus[i]! += EPS;
      const minus = Float64Array.from(feeds[p]!);
      minus[i]! -= EPS;
      const fd = (lossOf(lowered, { ...feeds, [p]: plus }) - lossOf(lowered, { ...feeds, [p]: minus })) / (2 * EPS);
      const allowed = 1e-6 * Math.max(Math.abs(fd), 1e-3);
      expect(Math.abs(g[i]! - fd), `${pipeline}: d loss / d ${p}[${i}] = ${g[i]} vs finite differences ${fd}`).toBeLessThanOrEqual(allowed);
    }
    expect(g.some((v) => v !== 0), `the gradient of ${p} is not all zeros`).toBe(true);
  }
  return { train, lowered };
}

const PROTOS = `% three 2×2 prototypes
X.
.X

.X
X.

XX
..
`;

const CASES: Record<string, SpecParts> = {
  'conv2d valid with tanh, dense softmax, cross-entropy': {
    input: [5, 5, 2],
    classes: 3,
    layers: `  - { name: c1, op: conv2d, filters: 3, kernel: 3, activation: tanh }
  - { name: flat, op: flatten }
  - { name: out, op: dense, units: 3, activation: softmax }`,
  },
  "conv2d 'same' with stride 2 and a [4, 3] kernel, then 'same' again": {
    input: [7, 6, 2],
    classes: 3,
    layers: `  - { name: c1, op: conv2d, filters: 2, kernel: [4, 3], stride: 2, padding: same, activation: scaled_tanh }
  - { name: c2, op: conv2d, filters: 3, kernel: 3, stride: [2, 1], padding: same, activation: sigmoid }
  - { name: flat, op: flatten }
  - { name: out, op: dense, units: 3, activation: softmax }`,
  },
  'conv2d with padding 1 and relu, max pooling same [3, 2] stride [2, 1], mse of a sigmoid': {
    input: [5, 4, 2],
    classes: 3,
    loss: 'mse',
    layers: `  - { name: c1, op: conv2d, filters: 3, kernel: 2, padding: 1, activation: relu }
  - { name: m, op: maxpool2d, pool: [3, 2], stride: [2, 1], padding: same }
  - { name: flat, op: flatten }
  - { name: out, op: dense, units: 3, activation: sigmoid }`,
  },
  'average pooling same over both borders, and valid [3, 2] stride 1, a linear output': {
    input: [7, 7, 1],
    classes: 3,
    loss: 'mse',
    layers: `  - { name: c1, op: conv2d, filters: 2, kernel: 3, padding: same, activation: sigmoid }
  - { name: s2, op: avgpool2d, pool: 3, stride: 2, padding: same }
  - { name: c2, op: conv2d, filters: 2, kernel: 1, activation: tanh }
  - { name: s3, op: avgpool2d, pool: [3, 2], stride: 1 }
  - { name: flat, op: flatten }
  - { name: out, op: dense, units: 3 }`,
  },
  'activation layers (fusible and not), softmax over channels, a hidden softmax': {
    input: [5, 5, 2],
    classes: 3,
    layers: `  - { name: c1, op: conv2d, filters: 3, kernel: 3 }
  - { name: a1, op: activation, fn: tanh }
  - { name: s, op: avgpool2d, pool: 2, padding: same }
  - { name: a2, op: activation, fn: relu }
  - { name: a3, op: activation, fn: softmax }
  - { name: flat, op: flatten }
  - { name: d, op: dense, units: 4 }
  - { name: a4, op: activation, fn: scaled_tanh }
  - { name: h, op: dense, units: 4, activation: softmax }
  - { name: out, op: dense, units: 3 }
  - { name: sm, op: activation, fn: softmax }`,
  },
  'concat of three branches, add of three, pad, a value read twice': {
    input: [5, 5, 2],
    classes: 3,
    layers: `  - { name: a, op: conv2d, filters: 2, kernel: 3, padding: same, activation: tanh, inputs: [input] }
  - { name: b, op: conv2d, filters: 3, kernel: 1, activation: scaled_tanh, inputs: [input] }
  - { name: e, op: maxpool2d, pool: 3, stride: 1, padding: same, inputs: [a] }
  - { name: cat, op: concat, inputs: [a, b, e] }
  - { name: c, op: conv2d, filters: 2, kernel: 3, padding: 1, inputs: [cat] }
  - { name: s, op: add, inputs: [c, a, e] }
  - { name: p, op: pad, padding: 1 }
  - { name: c2, op: conv2d, filters: 2, kernel: 3, stride: 2, activation: sigmoid }
  - { name: flat, op: flatten }
  - { name: out, op: dense, units: 3, activation: softmax }`,
  },
  'concat of flat features, flatten of the input itself, a layer added to itself': {
    input: [4, 4, 2],
    classes: 3,
    layers: `  - { name: c, op: conv2d, filters: 2, kernel: 3, activation: tanh, inputs: [input] }
  - { name: f1, op: flatten }
  - { name: f0, op: flatten, inputs: [input] }
  - { name: d0, op: dense, units: 4, activation: tanh }
  - { name: twice, op: add, inputs: [d0, d0] }
  - { name: cat, op: concat, inputs: [f1, twice, d0] }
  - { name: sg, op: activation, fn: sigmoid }
  - { name: out, op: dense, units: 3, activation: softmax }`,
  },
  'dropout on images and on features': {
    input: [5, 5, 2],
    classes: 3,
    layers: `  - { name: c1, op: conv2d, filters: 3, kernel: 3, activation: tanh }
  - { name: d1, op: dropout, rate: 0.3 }
  - { name: c2, op: conv2d, filters: 2, kernel: 2, activation: sigmoid }
  - { name: flat, op: flatten }
  - { name: h, op: dense, units: 6, activation: tanh }
  - { name: d2, op: dropout, rate: 0.5 }
  - { name: out, op: dense, units: 3, activation: softmax }`,
  },
  "the 1998 layers: preprocessing, a connection table, subsampling, RBF units and the MAP loss": {
    input: [4, 4, 3],
    classes: 3,
    loss: 'rbf_map',
    extra: 'preprocess: { pad: 1, range: [-0.1, 1.175] }\n',
    files: { 'protos.txt': PROTOS },
    layers: `  - { name: c1, op: conv2d, filters: 3, kernel: 3, activation: scaled_tanh, connections: [[0], [1, 2], [2, 0, 1]] }
  - { name: s2, op: subsample, pool: 2, activation: scaled_tanh }
  - { name: s3, op: subsample, pool: [2, 1], stride: [1, 2] }
  - { name: flat, op: flatten }
  - { name: f, op: dense, units: 4, activation: tanh }
  - { name: out, op: rbf, units: 3, prototypes: protos.txt }`,
  },
  'depthwise conv2d (depth multiplier 2, same, stride [2, 1]) and one without bias, dilated conv2d, L2 penalties': {
    input: [8, 5, 2],
    classes: 3,
    layers: `  - { name: dw, op: depthwise_conv2d, kernel: [3, 2], depth_multiplier: 2, stride: [2, 1], padding: same, activation: elu, alpha: 0.7 }
  - { name: dn, op: depthwise_conv2d, kernel: 2, use_bias: false, l2: 0.05 }
  - { name: c, op: conv2d, filters: 2, kernel: 2, dilation: [2, 1], use_bias: false, activation: leaky_relu, l2: 0.1 }
  - { name: flat, op: flatten }
  - { name: out, op: dense, units: 3, activation: softmax, l2: 0.2 }`,
  },
  'global average and max pooling, gelu, swish and softplus': {
    input: [4, 3, 2],
    classes: 3,
    loss: 'mse',
    layers: `  - { name: c, op: conv2d, filters: 3, kernel: 2, padding: same, activation: gelu, inputs: [input] }
  - { name: ga, op: global_avgpool2d, inputs: [c] }
  - { name: gm, op: global_maxpool2d, inputs: [c] }
  - { name: cat, op: concat, inputs: [ga, gm] }
  - { name: h, op: dense, units: 4, activation: swish }
  - { name: out, op: dense, units: 3, activation: softplus }`,
  },
  "batch normalization after a conv without bias and after a dense, with the batch's statistics": {
    input: [4, 4, 2],
    classes: 3,
    layers: `  - { name: c, op: conv2d, filters: 3, kernel: 3, use_bias: false }
  - { name: bn1, op: batchnorm, scale: false }
  - { name: a1, op: activation, fn: relu }
  - { name: flat, op: flatten }
  - { name: h, op: dense, units: 4 }
  - { name: bn2, op: batchnorm, center: false, epsilon: 0.01 }
  - { name: a2, op: activation, fn: tanh }
  - { name: out, op: dense, units: 3, activation: softmax }`,
  },
};

describe.each(Object.keys(PIPELINES) as (keyof typeof PIPELINES)[])('gradient rules, %s', (pipeline) => {
  it.each(Object.keys(CASES))('%s', (name) => {
    expectGradients(writeSpec(CASES[name]!), pipeline);
  });
});

describe('gradient rules no spec reaches', () => {
  // affine below a parameter (lowering puts it only on the input and on RBF scores), and mul of
  // two computed values (lowering multiplies only by a fixed mask): graphs built node by node
  const x = make('input', [], { shape: [3] }, 'input');
  const labels = make('input', [], { shape: [2], role: 'labels' }, 'labels');
  const w = make('param', [], { shape: [3, 2], init: 'zeros' }, 'w');
  const b = make('param', [], { shape: [2], init: 'zeros' }, 'b');
  const v = make('param', [], { shape: [3, 2], init: 'zeros' }, 'v');
  const c = make('param', [], { shape: [2], init: 'zeros' }, 'c');
  const d1 = make('dense', [x, w, b], { units: 2 }, 'd1');
  const d2 = make('dense', [x, v, c], { units: 2 }, 'd2');

  function check(nodes: Node[], out: Node): void {
    const loss = make('mse', [out, labels], {}, 'loss');
    const lowered: Graph = { name: 'g', nodes: [x, labels, w, b, v, c, d1, d2, ...nodes, loss], outputs: { loss: 'loss' } };
    const train = runPipeline(lowered, PIPELINES.unfused, { batch: 4, arenaBase: 0, fixedOffsets: {} }).graph!;
    const feeds = feedsOf(lowered, 5);
    const run = interpret(train, feeds, { batch: N, dtype: 'f64' });
    for (const p of ['w', 'b', 'v', 'c']) {
      const g = run.get(train.outputs.gradients![p]!);
      for (let i = 0; i < g.length; i++) {
        const plus = Float64Array.from(feeds[p]!);
        plus[i]! += EPS;
        const minus = Float64Array.from(feeds[p]!);
        minus[i]! -= EPS;
        const fd = (lossOf(lowered, { ...feeds, [p]: plus }) - lossOf(lowered, { ...feeds, [p]: minus })) / (2 * EPS);
        expect(Math.abs(g[i]! - fd), `d loss / d ${p}[${i}]`).toBeLessThanOrEqual(1e-6 * Math.max(Math.abs(fd), 1e-3));
      }
    }
  }

  it('affine: the incoming gradient times the scale, whatever the shift', () => {
    const sum = make('add', [d1, d2], {}, 'sum');
    const y = make('affine', [sum], { scale: -2.5, shift: 0.75 }, 'y');
    check([sum, y], y);
  });

  it('mul: each factor gets the incoming gradient times the other', () => {
    const y = make('mul', [d1, d2], {}, 'y');
    check([y], y);
  });
});


describe('what the gradient rules do not spend', () => {
  it('no gradient of the input image, whatever layer reads it first', () => {
    for (const first of [
      '  - { name: p, op: avgpool2d, pool: 2 }',
      '  - { name: p, op: maxpool2d, pool: 2, padding: same }',
      '  - { name: p, op: pad, padding: 1 }',
      '  - { name: p, op: activation, fn: tanh }',
      '  - { name: p, op: dropout, rate: 0.5 }',
      '  - { name: p, op: subsample, pool: 2 }',
    ]) {
      const lowered = analyze(writeSpec({ input: [4, 4, 2], classes: 3, layers: `${first}\n  - { name: c, op: conv2d, filters: 2, kernel: 1 }\n  - { name: f, op: flatten }\n  - { name: out, op: dense, units: 3, activation: softmax }` })).graph!;
      const ids = autodiff.run(lowered, { batch: 4, arenaBase: 0, fixedOffsets: {} }).nodes.map((n) => n.id);
      expect(ids.filter((id) => id.startsWith('grad.input')), first).toEqual([]);
      // the layer's own parameters, if any, do get theirs; the value it reads does not
      const want = first.includes('subsample') ? ['grad.p.b', 'grad.p.coef'] : [];
      expect(ids.filter((id) => id.startsWith('grad.p.') || id === 'grad.input').sort(), first).toEqual(want);
    }
  });

  it('no gradient of fixed weights, only of what is trained', () => {
    const x = make('input', [], { shape: [3, 3, 1] }, 'input');
    const labels = make('input', [], { shape: [4], role: 'labels' }, 'labels');
    const w = make('param', [], { shape: [2, 2, 1, 1], init: 'zeros', trainable: false }, 'c.w');
    const b = make('param', [], { shape: [1], init: 'zeros' }, 'c.b');
    const c = make('conv2d', [x, w, b], { filters: 1, kernel: [2, 2], stride: [1, 1], padding: [0, 0, 0, 0] }, 'c');
    const f = make('flatten', [c], {}, 'f');
    const loss = make('mse', [f, labels], {}, 'loss');
    const g = autodiff.run({ name: 'g', nodes: [x, labels, w, b, c, f, loss], outputs: { loss: 'loss' } }, { batch: 4, arenaBase: 0, fixedOffsets: {} });
    expect(g.nodes.slice(7).map((n) => `${n.id} = ${n.op}`)).toEqual(['grad.f = mse_grad', 'grad.c = reshape', 'grad.c.b = bias_grad']);
    expect(g.outputs.gradients).toEqual({ 'c.b': 'grad.c.b' });
  });

  it('the gradient before a fused activation is its own node; without one, the incoming gradient is used as it is', () => {
    const made: { op: string; inputs: string[]; attrs: unknown; wrt: number | string }[] = [];
    const g: GradContext = {
      input: () => undefined as never,
      needsGrad: () => true,
      node(op, inputs, attrs, wrt) {
        made.push({ op, inputs: inputs.map((i) => i.id), attrs, wrt });
        return make('input', [], { shape: [1] }, `made${made.length}`);
      },
    };
    const x = make('input', [], { shape: [2] }, 'x');
    const dy = make('input', [], { shape: [2] }, 'dy');
    for (const activation of [undefined, 'linear']) {
      const node = make('tanh', [x], activation ? { activation } : {}, 'n');
      expect(activationGradNode(node, dy, g)).toBe(dy);
    }
    expect(made).toEqual([]);
    const fused = make('tanh', [x], { activation: 'relu' }, 'n');
    expect(activationGradNode(fused, dy, g).id).toBe('made1');
    expect(made).toEqual([{ op: 'activation_grad', inputs: ['n', 'dy'], attrs: { fn: 'relu' }, wrt: 'pre' }]);
    // in a graph: %grad.c1.pre, as autodiff's doc shows
    const lowered = analyze(writeSpec(CASES['conv2d valid with tanh, dense softmax, cross-entropy']!)).graph!;
    const train = runPipeline(lowered, TRAINING_PIPELINE, { batch: 4, arenaBase: 0, fixedOffsets: {} }).graph!;
    const pre = train.nodes.find((n) => n.id === 'grad.c1.pre')!;
    expect([pre.op, pre.inputs, pre.attrs]).toEqual(['activation_grad', ['c1', 'grad.c1'], { fn: 'tanh' }]);
    expect(train.nodes.filter((n) => n.op === 'activation_grad').map((n) => n.id)).toEqual(['grad.c1.pre']);
  });
});
