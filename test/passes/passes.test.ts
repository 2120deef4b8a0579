/**
 * Each pass on small graphs: the IR before and after, written out by hand, and the reference
 * interpreter computing the same numbers before and after the pass on random inputs.
 */
import { describe, expect, it } from 'vitest';
import { analyze } from '../../src/driver/analyze.js';
import { interpret } from '../../src/ir/interpret.js';
import { lower } from '../../src/ir/lower.js';
import { printGraph } from '../../src/ir/print.js';
import type { Graph } from '../../src/ir/types.js';
import { elementsPerExample } from '../../src/ir/types.js';
import { verifyGraph } from '../../src/ir/verify.js';
import { autodiff } from '../../src/passes/autodiff.js';
import { eliminateDeadNodes } from '../../src/passes/eliminate-dead-nodes.js';
import { fuseActivationGrads } from '../../src/passes/fuse-activation-grads.js';
import { fuseActivations } from '../../src/passes/fuse-activations.js';
import { fuseSoftmaxCrossEntropy } from '../../src/passes/fuse-softmax-cross-entropy.js';
import { checkPassList, DEFAULT_PIPELINE, INFERENCE_PIPELINE, PASSES, pipelineFor, runPipeline, TRAINING_PIPELINE } from '../../src/passes/manager.js';
import type { Pass, PassContext } from '../../src/passes/pass.js';
import { removeDropout } from '../../src/passes/remove-dropout.js';
import { Random } from '../../src/runtime/random.js';
import { tinySpec } from '../helpers/modules.js';

const ctx: PassContext = { batch: 3, arenaBase: 0, fixedOffsets: {} };

function graphOf(layers: string, opts: { input?: [number, number, number]; classes?: number; loss?: 'mse' | 'categorical_crossentropy'; training?: boolean } = {}): Graph {
  const file = tinySpec({ input: opts.input ?? [6, 6, 2], classes: opts.classes ?? 3, layers, ...(opts.loss ? { loss: opts.loss } : {}) });
  const a = analyze(file);
  if (!a.ok) throw new Error(a.diagnostics.map((d) => d.message).join('\n'));
  return opts.training === false ? lower(a.loaded!, { training: false }).graph! : a.graph!;
}

/** Only the node lines of the printed IR, without the header and outputs. */
const body = (g: Graph) => printGraph(g).split('\n').filter((l) => l.startsWith('  %')).map((l) => l.trim());

/** Random feeds for every input and parameter of a graph, for batch n. */
function feeds(g: Graph, n: number, seed = 1): Record<string, Float64Array> {
  const rng = new Random(seed);
  const out: Record<string, Float64Array> = {};
  for (const node of g.nodes) {
    if (node.op !== 'input' && node.op !== 'param') continue;
    const size = elementsPerExample(node.type.shape) * (node.type.shape[0] === 'N' ? n : 1);
    const v = new Float64Array(size).map(() => rng.next() * 2 - 1);
    if (node.attrs.role === 'labels') {
      const classes = node.type.shape[1] as number;
      v.fill(0);
      for (let i = 0; i < n; i++) v[i * classes + rng.below(classes)] = 1;
    }
    out[node.id] = v;
  }
  return out;
}

/** The pass must not change what the graph computes: its loss or prediction, in float64. */
function expectSameNumbers(before: Graph, after: Graph, n = 3): void {
  const f = feeds(before, n);
  const id = before.outputs.loss ?? before.outputs.prediction!;
  const a = interpret(before, f, { batch: n, dtype: 'f64' }).get(id);
  const b = interpret(after, f, { batch: n, dtype: 'f64' }).get(after.outputs.loss ?? after.outputs.prediction!);
  expect(b.length).toBe(a.length);
  a.forEach((x, i) => expect(b[i]).toBeCloseTo(x, 10));
}

function run(pass: Pass, g: Graph): Graph {
  const out = pass.run(g, ctx);
  expect(verifyGraph(out)).toEqual([]);
  return out;
}

describe('fuse-activations', () => {
  it('folds tanh into the conv and relu into the dense that feed them', () => {
    const g = graphOf(`  - { name: c, op: conv2d, filters: 2, kernel: 3, activation: tanh }
  - { name: f, op: flatten }
  - { name: d, op: dense, units: 3, activation: relu }
  - { name: o, op: dense, units: 3, activation: softmax }`);
    const after = run(fuseActivations, g);
    expect(body(after).filter((l) => !l.includes('= param(') && !l.includes('= input('))).toEqual([
      '%c: f32[N,4,4,2] = conv2d(%input, %c.w, %c.b) {activation=tanh, filters=2, kernel=[3,3], padding=[0,0,0,0], stride=[1,1]}',
      '%f: f32[N,32] = flatten(%c)',
      '%d: f32[N,3] = dense(%f, %d.w, %d.b) {activation=relu, units=3}',
      '%o: f32[N,3] = dense(%d, %o.w, %o.b) {units=3}',
      '%o.softmax: f32[N,3] = softmax(%o)',
      '%loss: f32[] = categorical_crossentropy(%o.softmax, %labels)',
    ]);
    expectSameNumbers(g, after);
  });

  it('does not fuse when the pre-activation value has another reader', () => {
    const g = graphOf(`  - { name: a, op: conv2d, filters: 2, kernel: 3, padding: same }
  - { name: t, op: activation, fn: tanh }
  - { name: s, op: add, inputs: [a, t] }
  - { name: f, op: flatten }
  - { name: o, op: dense, units: 3, activation: softmax }`);
    const after = run(fuseActivations, g);
    expect(body(after)).toContain('%t: f32[N,6,6,2] = tanh(%a)');
    expect(body(after).some((l) => l.includes('activation=tanh'))).toBe(false);
    // the dense's softmax is not elementwise, so it stays too
    expect(body(after)).toContain('%o.softmax: f32[N,3] = softmax(%o)');
  });

  it('fuses a standalone activation layer like an attribute', () => {
    const g = graphOf(`  - { name: f, op: flatten }
  - { name: d, op: dense, units: 4 }
  - { name: a, op: activation, fn: sigmoid }
  - { name: o, op: dense, units: 3, activation: softmax }`);
    const after = run(fuseActivations, g);
    expect(body(after)).toContain('%d: f32[N,4] = dense(%f, %d.w, %d.b) {activation=sigmoid, units=4}');
    expect(body(after)).toContain('%o: f32[N,3] = dense(%d, %o.w, %o.b) {units=3}');
    expectSameNumbers(g, after);
  });
  it('folds each activation into its own producer, not a neighbour', () => {
    // two convs side by side: a's activation must land on a, b's on b, and the add read both
    const g = graphOf(`  - { name: a, op: conv2d, filters: 2, kernel: 3, padding: same, inputs: [input] }
  - { name: b, op: conv2d, filters: 2, kernel: 3, padding: same, inputs: [input] }
  - { name: t, op: activation, fn: tanh, inputs: [a] }
  - { name: s, op: activation, fn: sigmoid, inputs: [b] }
  - { name: j, op: add, inputs: [s, t] }
  - { name: f, op: flatten }
  - { name: o, op: dense, units: 3, activation: softmax }`);
    const after = run(fuseActivations, g);
    const at = (id: string) => after.nodes.find((n) => n.id === id)!;
    expect([at('a').attrs.activation, at('a').inputs]).toEqual(['tanh', ['input', 'a.w', 'a.b']]);
    expect([at('b').attrs.activation, at('b').inputs]).toEqual(['sigmoid', ['input', 'b.w', 'b.b']]);
    expect(at('j').inputs).toEqual(['b', 'a']);
    expect(after.nodes.some((n) => n.id === 't' || n.id === 's')).toBe(false);
    expectSameNumbers(g, after);
  });

  it("moves leaky_relu's alpha with it, and keeps gelu and swish apart only in a graph that trains", () => {
    const layers = `  - { name: c, op: conv2d, filters: 2, kernel: 3, activation: gelu }
  - { name: f, op: flatten }
  - { name: d, op: dense, units: 4, activation: leaky_relu, alpha: 0.1 }
  - { name: e, op: dense, units: 4, activation: swish }
  - { name: o, op: dense, units: 3, activation: softmax }`;
    // the gradient of gelu and swish reads their input, which fusing would not keep
    const train = graphOf(layers);
    const after = run(fuseActivations, train);
    expect(body(after)).toContain('%c.gelu: f32[N,4,4,2] = gelu(%c)');
    expect(body(after)).toContain('%d: f32[N,4] = dense(%f, %d.w, %d.b) {activation=leaky_relu, alpha=0.1, units=4}');
    expect(body(after)).toContain('%e.swish: f32[N,4] = swish(%e)');
    expectSameNumbers(train, after);
    const infer = graphOf(layers, { training: false });
    const fused = run(fuseActivations, infer);
    expect(body(fused)).toContain('%c: f32[N,4,4,2] = conv2d(%input, %c.w, %c.b) {activation=gelu, filters=2, kernel=[3,3], padding=[0,0,0,0], stride=[1,1]}');
    expect(body(fused)).toContain('%e: f32[N,4] = dense(%d, %e.w, %e.b) {activation=swish, units=4}');
    expectSameNumbers(infer, fused);
  });
});

describe('fuse-softmax-cross-entropy', () => {
  const layers = `  - { name: f, op: flatten }
  - { name: o, op: dense, units: 3, activation: softmax }`;

  it('replaces softmax then cross-entropy with one loss on the logits', () => {
    const g = graphOf(layers);
    const after = run(fuseSoftmaxCrossEntropy, g);
    expect(body(after)).toContain('%loss: f32[] = softmax_cross_entropy(%o, %labels)');
    expect(body(after)).toContain('%o.softmax: f32[N,3] = softmax(%o)'); // dead now, left for DCE
    expectSameNumbers(g, after);
  });

  it('leaves mse alone, and a softmax that something else reads', () => {
    expect(run(fuseSoftmaxCrossEntropy, graphOf(layers, { loss: 'mse' })).nodes.some((n) => n.op === 'softmax_cross_entropy')).toBe(false);
    const g = graphOf(`  - { name: f, op: flatten }
  - { name: o, op: dense, units: 3, activation: softmax }
  - { name: both, op: add, inputs: [o, o] }
  - { name: p, op: activation, fn: softmax }`);
    const after = run(fuseSoftmaxCrossEntropy, g);
    expect(after.nodes.find((n) => n.id === 'loss')!.op).toBe('softmax_cross_entropy');
    expect(after.nodes.find((n) => n.id === 'loss')!.inputs[0]).toBe('both');
    expect(after.nodes.some((n) => n.id === 'o.softmax')).toBe(true); // read by the add: kept
  });
  it('rewrites the softmax that feeds the loss, and leaves another softmax alone', () => {
    // h.softmax comes first and has one reader too; only o.softmax feeds the loss
    const g = graphOf(`  - { name: f, op: flatten }
  - { name: h, op: dense, units: 3, activation: softmax }
  - { name: o, op: dense, units: 3, activation: softmax }`);
    const after = run(fuseSoftmaxCrossEntropy, g);
    const at = (x: Graph, id: string) => x.nodes.find((n) => n.id === id)!;
    expect([at(after, 'loss').op, at(after, 'loss').inputs]).toEqual(['softmax_cross_entropy', ['o', 'labels']]);
    expect(at(after, 'h.softmax')).toBe(at(g, 'h.softmax')); // untouched: the same node
    expect(at(after, 'o').inputs).toEqual(['h.softmax', 'o.w', 'o.b']);
    expect(after.nodes.filter((n) => n.op === 'softmax_cross_entropy')).toHaveLength(1);
    expectSameNumbers(g, after);
  });
});

describe('eliminate-dead-nodes and remove-dropout', () => {
  it('removes a branch nothing reads, with its parameters', () => {
    const g = graphOf(`  - { name: side, op: conv2d, filters: 2, kernel: 3, inputs: [input] }
  - { name: f, op: flatten, inputs: [input] }
  - { name: o, op: dense, units: 3, activation: softmax }`);
    const after = run(eliminateDeadNodes, g);
    expect(after.nodes.map((n) => n.id)).toEqual(['input', 'f', 'o.w', 'o.b', 'o', 'o.softmax', 'labels', 'loss']);
    expectSameNumbers(g, after);
  });

  it('makes dropout the identity', () => {
    const g = graphOf(`  - { name: f, op: flatten }
  - { name: drop, op: dropout, rate: 0.5 }
  - { name: drop2, op: dropout, rate: 0.1 }
  - { name: o, op: dense, units: 3, activation: softmax }`, { training: false });
    const after = run(removeDropout, g);
    expect(body(after)).toContain('%o: f32[N,3] = dense(%f, %o.w, %o.b) {units=3}');
    expect(after.nodes.some((n) => n.op === 'dropout')).toBe(false);
  });

  it('makes each reader of a dropout read that dropout’s own input', () => {
    const g = graphOf(`  - { name: f, op: flatten }
  - { name: a, op: dense, units: 3, inputs: [f] }
  - { name: b, op: dense, units: 3, inputs: [f] }
  - { name: da, op: dropout, rate: 0.5, inputs: [a] }
  - { name: db, op: dropout, rate: 0.5, inputs: [b] }
  - { name: s, op: add, inputs: [db, da] }
  - { name: o, op: dense, units: 3, activation: softmax }`, { training: false });
    const after = run(removeDropout, g);
    expect(after.nodes.find((n) => n.id === 's')!.inputs).toEqual(['b', 'a']);
    expect(after.nodes.some((n) => n.op === 'dropout')).toBe(false);
  });
});

describe('autodiff', () => {
  it('appends the backward graph from the gradient rules', () => {
    const g = run(fuseActivations, graphOf(`  - { name: c, op: conv2d, filters: 2, kernel: 3, activation: tanh }
  - { name: p, op: avgpool2d, pool: 2 }
  - { name: f, op: flatten }
  - { name: o, op: dense, units: 3, activation: softmax }`));
    const after = run(autodiff, run(eliminateDeadNodes, run(fuseSoftmaxCrossEntropy, g)));
    expect(body(after).slice(-9)).toEqual([
      '%grad.o: f32[N,3] = softmax_cross_entropy_grad(%o, %labels)',
      '%grad.f: f32[N,8] = dense_grad_input(%grad.o, %o.w)',
      '%grad.o.w: f32[8,3] = dense_grad_weight(%f, %grad.o)',
      '%grad.o.b: f32[3] = bias_grad(%grad.o)',
      '%grad.p: f32[N,2,2,2] = reshape(%grad.f) {shape=[2,2,2]}',
      '%grad.c: f32[N,4,4,2] = avgpool2d_grad(%grad.p) {input=[4,4,2], padding=[0,0,0,0], pool=[2,2], stride=[2,2]}',
      '%grad.c.pre: f32[N,4,4,2] = activation_grad(%c, %grad.c) {fn=tanh}',
      // no gradient for the input image: only the weights' and bias's
      '%grad.c.w: f32[3,3,2,2] = conv2d_grad_filter(%input, %grad.c.pre) {kernel=[3,3], padding=[0,0,0,0], stride=[1,1]}',
      '%grad.c.b: f32[2] = bias_grad(%grad.c.pre)',
    ]);
    expect(after.outputs.gradients).toEqual({ 'c.w': 'grad.c.w', 'c.b': 'grad.c.b', 'o.w': 'grad.o.w', 'o.b': 'grad.o.b' });
  });

  it('sums the gradients of a value read twice', () => {
    const g = graphOf(`  - { name: a, op: conv2d, filters: 2, kernel: 1 }
  - { name: s, op: add, inputs: [a, a] }
  - { name: f, op: flatten }
  - { name: o, op: dense, units: 3, activation: softmax }`);
    const after = run(autodiff, g);
    const sum = after.nodes.find((n) => n.id === 'grad.a')!;
    expect(sum.op).toBe('add');
    expect(sum.inputs).toEqual(['grad.s', 'grad.s']);
  });
});

/** The graphs must compute the same gradients for every parameter, in float64. */
function expectSameGradients(before: Graph, after: Graph, n = 3): void {
  const f = feeds(before, n);
  const a = interpret(before, f, { batch: n, dtype: 'f64' });
  const b = interpret(after, f, { batch: n, dtype: 'f64' });
  const grads = Object.entries(before.outputs.gradients!);
  expect(grads.length).toBeGreaterThan(0);
  for (const [param, id] of grads) {
    const want = a.get(id);
    const got = b.get(after.outputs.gradients![param]!);
    expect(got.length).toBe(want.length);
    want.forEach((x, i) => expect(got[i]).toBeCloseTo(x, 10));
  }
}

describe('fuse-activation-grads', () => {
  const backward = (layers: string) => run(autodiff, run(eliminateDeadNodes, run(fuseSoftmaxCrossEntropy, run(fuseActivations, graphOf(layers)))));

  it("folds an activation's gradient into the average-pooling gradient that feeds it", () => {
    const g = backward(`  - { name: c, op: conv2d, filters: 2, kernel: 3, activation: tanh }
  - { name: p, op: avgpool2d, pool: 2 }
  - { name: f, op: flatten }
  - { name: o, op: dense, units: 3, activation: softmax }`);
    const after = run(fuseActivationGrads, g);
    expect(body(after)).toContain(
      '%grad.c.pre: f32[N,4,4,2] = avgpool2d_grad(%grad.p, %c) {activation=tanh, input=[4,4,2], padding=[0,0,0,0], pool=[2,2], stride=[2,2]}',
    );
    expect(body(after).some((l) => l.startsWith('%grad.c:'))).toBe(false);
    expect(after.nodes.length).toBe(g.nodes.length - 1);
    expectSameGradients(g, after);
  });

  it('fuses overlapping windows and every activation too', () => {
    const g = backward(`  - { name: c, op: conv2d, filters: 3, kernel: 2, activation: sigmoid }
  - { name: p, op: avgpool2d, pool: 3, stride: 1, padding: same }
  - { name: f, op: flatten }
  - { name: o, op: dense, units: 3, activation: softmax }`);
    const after = run(fuseActivationGrads, g);
    expect(after.nodes.find((n) => n.id === 'grad.c.pre')!.attrs.activation).toBe('sigmoid');
    expectSameGradients(g, after);
  });

  it('pairs each activation gradient with its own pooling gradient', () => {
    // two chains of the same shapes, so a mix-up would still make a well-typed graph
    const g = backward(`  - { name: c, op: conv2d, filters: 2, kernel: 3, activation: tanh, inputs: [input] }
  - { name: p, op: avgpool2d, pool: 2 }
  - { name: d, op: conv2d, filters: 2, kernel: 3, activation: sigmoid, inputs: [input] }
  - { name: q, op: avgpool2d, pool: 2, stride: 1 }
  - { name: fp, op: flatten, inputs: [p] }
  - { name: fq, op: flatten, inputs: [q] }
  - { name: j, op: concat, inputs: [fq, fp] }
  - { name: o, op: dense, units: 3, activation: softmax }`);
    const after = run(fuseActivationGrads, g);
    const at = (x: Graph, id: string) => x.nodes.find((n) => n.id === id)!;
    for (const [conv, pool, fn] of [['c', 'p', 'tanh'], ['d', 'q', 'sigmoid']] as const) {
      const fused = at(after, `grad.${conv}.pre`);
      expect([fused.op, fused.inputs], conv).toEqual(['avgpool2d_grad', [`grad.${pool}`, conv]]);
      expect(fused.attrs, conv).toEqual({ ...at(g, `grad.${conv}`).attrs, activation: fn });
      expect(after.nodes.some((n) => n.id === `grad.${conv}`)).toBe(false);
    }
    expect(at(g, 'grad.c').attrs.stride).not.toEqual(at(g, 'grad.d').attrs.stride); // the pools differ
    expectSameGradients(g, after);
  });

  it("fuses gelu's gradient, which reads gelu's input, and elu's, which carries alpha", () => {
    const g = backward(`  - { name: c, op: conv2d, filters: 2, kernel: 3, activation: gelu, inputs: [input] }
  - { name: p, op: avgpool2d, pool: 2 }
  - { name: d, op: conv2d, filters: 2, kernel: 3, activation: elu, alpha: 0.5, inputs: [input] }
  - { name: q, op: avgpool2d, pool: 2 }
  - { name: j, op: concat, inputs: [p, q] }
  - { name: f, op: flatten }
  - { name: o, op: dense, units: 3, activation: softmax }`);
    const after = run(fuseActivationGrads, g);
    const at = (id: string) => after.nodes.find((n) => n.id === id)!;
    // gelu is a node of its own (c.gelu) reading the conv c: the gradient reads c, gelu's input
    expect([at('grad.c').op, at('grad.c').inputs, at('grad.c').attrs.activation]).toEqual(['avgpool2d_grad', ['grad.p', 'c'], 'gelu']);
    expect([at('grad.d.pre').op, at('grad.d.pre').inputs, at('grad.d.pre').attrs.activation, at('grad.d.pre').attrs.alpha]).toEqual(['avgpool2d_grad', ['grad.q', 'd'], 'elu', 0.5]);
    expect(after.nodes.some((n) => n.op === 'activation_grad')).toBe(false);
    expectSameGradients(g, after);
  });

  it('leaves max pooling alone, and a pooling gradient that is summed with another', () => {
    const maxPool = backward(`  - { name: c, op: conv2d, filters: 2, kernel: 3, activation: tanh }
  - { name: p, op: maxpool2d, pool: 2 }
  - { name: f, op: flatten }
  - { name: o, op: dense, units: 3, activation: softmax }`);
    expect(run(fuseActivationGrads, maxPool)).toBe(maxPool);
    // c feeds two pools: its gradient is the sum of theirs, and the activation's reads the sum
    const twoReaders = backward(`  - { name: c, op: conv2d, filters: 2, kernel: 3, activation: tanh }
  - { name: p, op: avgpool2d, pool: 2, inputs: [c] }
  - { name: q, op: maxpool2d, pool: 2, inputs: [c] }
  - { name: j, op: concat, inputs: [p, q] }
  - { name: f, op: flatten }
  - { name: o, op: dense, units: 3, activation: softmax }`);
    expect(run(fuseActivationGrads, twoReaders)).toBe(twoReaders);
  });
});

describe('the pass manager', () => {
  it('runs the training pipeline on a real spec and verifies after each pass', () => {
    const g = analyze('specs/lenet5.yaml').graph!;
    const r = runPipeline(g, TRAINING_PIPELINE, { batch: 8, arenaBase: 44432, fixedOffsets: {} }, { print: true });
    expect(r.diagnostics).toEqual([]);
    expect(r.runs.map((x) => [x.pass, x.changed])).toEqual(TRAINING_PIPELINE.map((p) => [p, true]));
    expect(r.runs[0]!.ir).toContain('%c1: f32[N,24,24,6] = conv2d(%input, %c1.w, %c1.b) {activation=tanh');
    expect(r.graph!.plan!.plannedFloats).toBeLessThan(r.graph!.plan!.naiveFloats);
  });

  it('names the pass that breaks the graph', () => {
    const g = analyze('specs/lenet5.yaml').graph!;
    const breaker: Pass = {
      name: 'break-it',
      summary: 'drops a node that others read',
      phase: 1,
      runsOn: ['training'],
      run: (x) => ({ ...x, nodes: x.nodes.filter((n) => n.id !== 'c1') }),
    };
    const r = runPipeline(g, ['fuse-activations', breaker], ctx);
    expect(r.graph).toBeUndefined();
    expect(r.runs.map((x) => x.pass)).toEqual(['fuse-activations']);
    expect(r.diagnostics.map((d) => [d.code, d.message])).toEqual([
      ['NETC9001', expect.stringMatching(/pass 'break-it' produced an invalid graph \('s2' reads 'c1', which is not defined before it/)],
    ]);
    expect(runPipeline(g, ['no-such-pass'], ctx).diagnostics[0]!.code).toBe('NETC9002');
  });

  it('checks a custom pass list', () => {
    expect(checkPassList(['fuse-activations', 'autodiff', 'plan-memory'])).toBeUndefined();
    expect(checkPassList(['autodiff', 'fuse-activations'])).toMatch(/must come before/);
    expect(checkPassList(['fuse-activatons'])).toMatch(/unknown pass 'fuse-activatons'/);
    expect(checkPassList(['autodiff', 'autodiff'])).toMatch(/listed twice/);
  });

  it('gives each graph the passes that declare it, from one pipeline', () => {
    expect(DEFAULT_PIPELINE).toEqual(PASSES.map((p) => p.name));
    expect(TRAINING_PIPELINE).toEqual(['fuse-activations', 'fuse-softmax-cross-entropy', 'eliminate-dead-nodes', 'autodiff', 'fuse-activation-grads', 'plan-memory']);
    expect(INFERENCE_PIPELINE).toEqual(['remove-dropout', 'fold-batchnorm', 'fuse-activations', 'eliminate-dead-nodes', 'plan-memory']);
    // the loss fusion and autodiff have nothing to do at inference; dropout must go from it
    expect(pipelineFor(['fuse-softmax-cross-entropy', 'autodiff', 'plan-memory'], 'inference')).toEqual(['remove-dropout', 'plan-memory']);
    expect(pipelineFor(['fuse-activations', 'remove-dropout', 'plan-memory'], 'training')).toEqual(['fuse-activations', 'plan-memory']);
    // a required pass left out of a list goes in its place in the default order
    expect(pipelineFor(['fuse-activations', 'plan-memory'], 'inference')).toEqual(['remove-dropout', 'fuse-activations', 'plan-memory']);
  });
});
