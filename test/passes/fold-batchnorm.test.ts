/**
 * fold-batchnorm on inference graphs: the IR before and after, the reference interpreter (in
 * float64) computing the same prediction before and after on random inputs and random γ, β and
 * moving statistics, and the places where it must leave a batchnorm alone.
 */
import { describe, expect, it } from 'vitest';
import { analyze } from '../../src/driver/analyze.js';
import { interpret } from '../../src/ir/interpret.js';
import { lower } from '../../src/ir/lower.js';
import { printGraph } from '../../src/ir/print.js';
import { elementsPerExample, nodeMap, type Graph } from '../../src/ir/types.js';
import { verifyGraph } from '../../src/ir/verify.js';
import { foldBatchnorm } from '../../src/passes/fold-batchnorm.js';
import { fuseActivations } from '../../src/passes/fuse-activations.js';
import { INFERENCE_PIPELINE, runPipeline, TRAINING_PIPELINE } from '../../src/passes/manager.js';
import type { PassContext } from '../../src/passes/pass.js';
import { Random } from '../../src/runtime/random.js';
import { tinySpec } from '../helpers/modules.js';

const ctx: PassContext = { batch: 3, arenaBase: 0, fixedOffsets: {} };

function graphOf(layers: string, training = false, loss: 'mse' | 'categorical_crossentropy' = 'categorical_crossentropy'): Graph {
  const a = analyze(tinySpec({ input: [6, 6, 2], classes: 3, layers, loss }));
  if (!a.ok) throw new Error(a.diagnostics.map((d) => d.message).join('\n'));
  return training ? a.graph! : lower(a.loaded!, { training: false }).graph!;
}

const body = (g: Graph) => printGraph(g).split('\n').filter((l) => l.startsWith('  %') && !l.includes('= param(')).map((l) => l.trim());

/** Random inputs and parameters; γ and variances positive, as a trained network has them. */
function feeds(g: Graph, n: number): Record<string, Float64Array> {
  const rng = new Random(3);
  const out: Record<string, Float64Array> = {};
  for (const node of g.nodes) {
    if (node.op !== 'input' && node.op !== 'param') continue;
    const size = elementsPerExample(node.type.shape) * (node.type.shape[0] === 'N' ? n : 1);
    const positive = /\.(gamma|moving_variance)$/.test(node.id);
    out[node.id] = new Float64Array(size).map(() => (positive ? 0.2 + 2 * rng.next() : 2 * rng.next() - 1));
  }
  return out;
}

/** The folded graph predicts what the unfolded one does, in float64, for a batch of 3. */
function expectSamePrediction(before: Graph, after: Graph): void {
  const f = feeds(before, 3);
  const a = interpret(before, f, { batch: 3, dtype: 'f64' }).get(before.outputs.prediction!);
  const b = interpret(after, f, { batch: 3, dtype: 'f64' }).get(after.outputs.prediction!);
  expect(b.length).toBe(a.length);
  a.forEach((x, i) => expect(Math.abs(b[i]! - x)).toBeLessThan(1e-12 * Math.max(1, Math.abs(x))));
}

function fold(g: Graph): Graph {
  const out = foldBatchnorm.run(g, ctx);
  expect(verifyGraph(out)).toEqual([]);
  return out;
}

describe('fold-batchnorm', () => {
  it('folds a batchnorm into the conv2d before it; conv → batchnorm → relu ends as one conv with a fused relu', () => {
    const g = graphOf(`  - { name: c, op: conv2d, filters: 3, kernel: 3 }
  - { name: bn, op: batchnorm }
  - { name: r, op: activation, fn: relu }
  - { name: f, op: flatten }
  - { name: o, op: dense, units: 3, activation: softmax }`);
    const after = fold(g);
    expect(body(after).slice(1, 5)).toEqual([
      '%bn.fold_w: f32[3,3,2,3] = batchnorm_fold_weights(%c.w, %bn.moving_variance, %bn.gamma) {epsilon=0.001}',
      '%bn.fold_b: f32[3] = batchnorm_fold_bias(%c.b, %bn.moving_mean, %bn.moving_variance, %bn.gamma, %bn.beta) {epsilon=0.001}',
      '%c: f32[N,4,4,3] = conv2d(%input, %bn.fold_w, %bn.fold_b) {filters=3, folded=bn, kernel=[3,3], padding=[0,0,0,0], stride=[1,1]}',
      '%r: f32[N,4,4,3] = relu(%c)',
    ]);
    expect(after.nodes.some((n) => n.op === 'batchnorm')).toBe(false);
    expectSamePrediction(g, after);
    const fused = fuseActivations.run(after, ctx);
    const conv = nodeMap(fused).get('c')!;
    expect(conv.attrs).toMatchObject({ activation: 'relu', folded: 'bn' });
    expect(conv.inputs).toEqual(['input', 'bn.fold_w', 'bn.fold_b']);
    expect(fused.nodes.filter((n) => n.op === 'relu')).toEqual([]);
    expectSamePrediction(g, fused);
  });

  it('folds into a dense layer, with neither γ nor β, and hands over an activation the batchnorm carries', () => {
    const g = graphOf(`  - { name: f, op: flatten }
  - { name: d, op: dense, units: 4 }
  - { name: bn, op: batchnorm, center: false, scale: false, epsilon: 0.01 }
  - { name: t, op: activation, fn: tanh }
  - { name: o, op: dense, units: 3, activation: softmax }`);
    // a custom pass order that fuses first: the batchnorm holds the tanh
    const fusedFirst = fuseActivations.run(g, ctx);
    expect(nodeMap(fusedFirst).get('bn')!.attrs.activation).toBe('tanh');
    const after = fold(fusedFirst);
    expect(body(after).slice(2, 5)).toEqual([
      '%bn.fold_w: f32[72,4] = batchnorm_fold_weights(%d.w, %bn.moving_variance) {epsilon=0.01, scale=false}',
      '%bn.fold_b: f32[4] = batchnorm_fold_bias(%d.b, %bn.moving_mean, %bn.moving_variance) {center=false, epsilon=0.01, scale=false}',
      '%d: f32[N,4] = dense(%f, %bn.fold_w, %bn.fold_b) {activation=tanh, folded=bn, units=4}',
    ]);
    expectSamePrediction(g, after);
  });

  it('folds into a conv2d without bias (use_bias: false, the usual pattern before a batchnorm): the layer gains the folded bias', () => {
    const g = graphOf(`  - { name: c, op: conv2d, filters: 3, kernel: 3, padding: same, use_bias: false }
  - { name: bn, op: batchnorm }
  - { name: r, op: activation, fn: relu }
  - { name: f, op: flatten }
  - { name: o, op: dense, units: 3, activation: softmax }`);
    expect(nodeMap(g).get('c')!.inputs).toEqual(['input', 'c.w']);
    const after = fold(g);
    expect(body(after).slice(1, 4)).toEqual([
      '%bn.fold_w: f32[3,3,2,3] = batchnorm_fold_weights(%c.w, %bn.moving_variance, %bn.gamma) {epsilon=0.001}',
      '%bn.fold_b: f32[3] = batchnorm_fold_bias(%bn.moving_mean, %bn.moving_variance, %bn.gamma, %bn.beta) {epsilon=0.001, use_bias=false}',
      '%c: f32[N,6,6,3] = conv2d(%input, %bn.fold_w, %bn.fold_b) {filters=3, folded=bn, kernel=[3,3], padding=[1,1,1,1], stride=[1,1]}',
    ]);
    expectSamePrediction(g, after);
    expectSamePrediction(g, fuseActivations.run(after, ctx));
  });

  it('folds the network’s last layer: the prediction is renamed to the layer the batchnorm folded into', () => {
    const g = graphOf(`  - { name: f, op: flatten }
  - { name: d, op: dense, units: 3 }
  - { name: bn, op: batchnorm, center: false }`, false, 'mse');
    expect(g.outputs.prediction).toBe('bn');
    const after = fold(g);
    expect(after.outputs.prediction).toBe('d');
    expectSamePrediction(g, after);
  });

  it('leaves a batchnorm that follows an activation, a value with another reader, a pooling, or the input', () => {
    const g = graphOf(`  - { name: b0, op: batchnorm }
  - { name: c, op: conv2d, filters: 2, kernel: 3, padding: same, activation: tanh }
  - { name: b1, op: batchnorm }
  - { name: e, op: conv2d, filters: 2, kernel: 3, padding: same }
  - { name: b2, op: batchnorm }
  - { name: s, op: add, inputs: [b2, e] }
  - { name: p, op: avgpool2d, pool: 2 }
  - { name: b3, op: batchnorm }
  - { name: f, op: flatten }
  - { name: o, op: dense, units: 3, activation: softmax }`);
    expect(foldBatchnorm.run(g, ctx)).toBe(g);
  });

  it('leaves each unfoldable case alone on its own: a fused activation, a layer already folded', () => {
    // tanh fused into the conv first (a custom order): tanh is not affine, the batchnorm stays
    const fusedTanh = fuseActivations.run(graphOf(`  - { name: c, op: conv2d, filters: 2, kernel: 3, activation: tanh }
  - { name: bn, op: batchnorm }
  - { name: f, op: flatten }
  - { name: o, op: dense, units: 3, activation: softmax }`), ctx);
    expect(nodeMap(fusedTanh).get('c')!.attrs.activation).toBe('tanh');
    expect(foldBatchnorm.run(fusedTanh, ctx)).toBe(fusedTanh);
    // two batchnorms in a row: the first folds; the second then follows a folded layer and stays
    const twice = graphOf(`  - { name: f, op: flatten }
  - { name: d, op: dense, units: 4 }
  - { name: bn1, op: batchnorm }
  - { name: bn2, op: batchnorm, epsilon: 0.1 }
  - { name: o, op: dense, units: 3, activation: softmax }`);
    const once = fold(twice);
    expect(nodeMap(once).get('d')!.attrs.folded).toBe('bn1');
    expect(nodeMap(once).get('bn2')!.inputs[0]).toBe('d');
    expect(foldBatchnorm.run(once, ctx)).toBe(once);
    expectSamePrediction(twice, once);
  });

  it('leaves the training graph alone: it runs on inference graphs only, where statistics are fixed', () => {
    expect(foldBatchnorm.runsOn).toEqual(['inference']);
    expect(TRAINING_PIPELINE).not.toContain('fold-batchnorm');
    // and a batchnorm of batch statistics is not folded even when handed one
    const train = graphOf(`  - { name: c, op: conv2d, filters: 2, kernel: 3 }
  - { name: bn, op: batchnorm }
  - { name: f, op: flatten }
  - { name: o, op: dense, units: 3, activation: softmax }`, true);
    expect(foldBatchnorm.run(train, ctx)).toBe(train);
  });

  it('runs in the inference pipeline before fuse-activations: lenet5-bn predicts with two convolutions and their tanh', () => {
    expect(INFERENCE_PIPELINE.indexOf('fold-batchnorm')).toBeLessThan(INFERENCE_PIPELINE.indexOf('fuse-activations'));
    const a = analyze('specs/lenet5-bn.yaml');
    const infer = lower(a.loaded!, { training: false }).graph!;
    const r = runPipeline(infer, INFERENCE_PIPELINE, { batch: 4, arenaBase: 0, fixedOffsets: {} });
    expect(r.diagnostics).toEqual([]);
    const ops = r.graph!.nodes.filter((n) => n.op !== 'param' && n.op !== 'input').map((n) => (n.attrs.activation ? `${n.op}(${String(n.attrs.activation)})` : n.op));
    expect(ops).toEqual([
      'batchnorm_fold_weights', 'batchnorm_fold_bias', 'conv2d(tanh)', 'avgpool2d',
      'batchnorm_fold_weights', 'batchnorm_fold_bias', 'conv2d(tanh)', 'avgpool2d',
      'flatten', 'dense(tanh)', 'dense(tanh)', 'dense', 'softmax',
    ]);
  });
});
