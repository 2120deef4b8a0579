/**
 * State updates in the IR, proved with a test-only layer registered here (tally-op.ts): the
 * state holds what the test computes itself from the images it fed, training is otherwise
 * untouched, the inference graph has no update, dead-node elimination keeps it, the memory plan
 * puts it at the state's offset, the verifier rejects unsound updates, checkpoints carry the
 * state, the interpreter and the generated module agree, and validation knows the new layer.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Messages } from '../../src/diagnostics/messages.js';
import { analyze } from '../../src/driver/analyze.js';
import { makeNode } from '../../src/ir/build.js';
import { interpret } from '../../src/ir/interpret.js';
import { printGraph } from '../../src/ir/print.js';
import { isProblem } from '../../src/ir/registry.js';
import { buildSchema, specSchema } from '../../src/ir/schema.js';
import type { Attrs, Graph, Node } from '../../src/ir/types.js';
import { verifyGraph } from '../../src/ir/verify.js';
import { eliminateDeadNodes } from '../../src/passes/eliminate-dead-nodes.js';
import { readCheckpoint, writeCheckpoint } from '../../src/runtime/checkpoint.js';
import type { CompiledModel } from '../../src/runtime/index.js';
import { Random } from '../../src/runtime/random.js';
import { loadSpec } from '../../src/spec/load.js';
import { compileAndImport, tinySpec } from '../helpers/modules.js';
import { registerTally } from './tally-op.js';

registerTally();

const INPUT = [5, 5, 2] as const;
const CLASSES = 3;
const PIXELS = INPUT[0] * INPUT[1];
const tail = `  - { name: c1, op: conv2d, filters: 3, kernel: 3, activation: tanh }
  - { name: t1, op: tally }
  - { name: flat, op: flatten }
  - { name: out, op: dense, units: ${CLASSES}, activation: softmax }`;
const withTally = tinySpec({ input: INPUT, classes: CLASSES, layers: `  - { name: t0, op: tally }\n${tail}` });
const plain = tinySpec({ input: INPUT, classes: CLASSES, layers: tail.replace(/^ {2}- \{ name: t1.*\n/m, '') });

/** Batches of random images and one-hot labels, of the sizes given. */
function batches(sizes: readonly number[]): { images: Float32Array; labels: Float32Array; n: number }[] {
  const rng = new Random(11);
  return sizes.map((n) => {
    const images = new Float32Array(n * PIXELS * INPUT[2]).map(() => rng.next());
    const labels = new Float32Array(n * CLASSES);
    for (let i = 0; i < n; i++) labels[i * CLASSES + rng.below(CLASSES)] = 1;
    return { images, labels, n };
  });
}

function train(model: CompiledModel, data: ReturnType<typeof batches>): void {
  for (const b of data) model.trainStep(b.images, b.labels, b.n);
}

const trainable = (model: CompiledModel) => {
  const all = model.getParameters();
  return Object.fromEntries(model.info.parameters.filter((p) => p.trainable).map((p) => [p.name, Array.from(all[p.name]!)]));
};

describe('a state updated by the training step', () => {
  it('holds the per-channel sum of every image fed, after k steps of the generated module', async () => {
    const { module } = await compileAndImport(withTally);
    const model = module.createModel({ seed: 1 });
    const data = batches([4, 4, 3]); // the last batch is partial: only its 3 images count
    train(model, data);
    const want = [0, 0];
    for (const b of data) for (let i = 0; i < b.n * PIXELS; i++) for (let c = 0; c < 2; c++) want[c]! += b.images[i * 2 + c]!;
    const got = model.getParameters()['t0.sum']!;
    expect(got.length).toBe(2);
    for (let c = 0; c < 2; c++) expect(Math.abs(got[c]! - want[c]!)).toBeLessThan(1e-5 * want[c]!);
    model.close();
  });

  it('leaves training bit-identical: autodiff ignores updates', async () => {
    const a = (await compileAndImport(withTally)).module.createModel({ seed: 2 });
    const b = (await compileAndImport(plain)).module.createModel({ seed: 2 });
    const data = batches([4, 4, 4, 2]);
    train(a, data);
    train(b, data);
    expect(Object.keys(trainable(a)).sort()).toEqual(['c1.b', 'c1.w', 'out.b', 'out.w']);
    expect(trainable(a)).toEqual(trainable(b));
    expect(Array.from(a.getParameters()['t1.sum']!).some((v) => v !== 0)).toBe(true);
    a.close();
    b.close();
  });

  it('is an update of the training graph only, kept by dead-node elimination and planned at the state', async () => {
    const { module, compiled } = await compileAndImport(withTally);
    const trainGraph = compiled.train!;
    const infer = compiled.infer!;
    expect(trainGraph.outputs.updates).toEqual({ 't0.sum': 't0.sum.update', 't1.sum': 't1.sum.update' });
    expect(infer.outputs.updates).toBeUndefined();
    expect(infer.nodes.filter((n) => n.op === 'assign' || n.op === 'channel_sum' || n.attrs.role === 'state')).toEqual([]);

    const plan = trainGraph.plan!;
    for (const s of ['t0.sum', 't1.sum']) {
      const slot = module.info.parameters.find((p) => p.name === s)!;
      expect(slot.trainable).toBe(false);
      expect(plan.offsets[`${s}.update`]).toBe(slot.offset);
      expect(plan.offsets[s]).toBe(slot.offset);
    }
    expect(compiled.source).toMatch(/k\.copy\(T\.t0_next, P\.t0_sum, 2\);/);
    expect(verifyGraph(trainGraph)).toEqual([]);
    // the plan's check would catch an update written anywhere but its state
    const moved = { ...trainGraph, plan: { ...plan, offsets: { ...plan.offsets, 't0.sum.update': plan.offsets['t0.next']! } } };
    expect(verifyGraph(moved).join('\n')).toMatch(/'t0\.sum\.update' .* is not at the offset of 't0\.sum'/);
    // the value an update reads stays live until it runs: no buffer written in between overlaps it
    const order = trainGraph.nodes.map((n) => n.id);
    const [from, to] = [order.indexOf('t1.next'), order.indexOf('t1.sum.update')];
    const next = [plan.offsets['t1.next']!, plan.offsets['t1.next']! + plan.sizes['t1.next']!];
    for (const n of trainGraph.nodes.slice(from + 1, to)) {
      const [at, size] = [plan.offsets[n.id]!, plan.sizes[n.id]!];
      expect(at + size <= next[0]! || next[1]! <= at, n.id).toBe(true);
    }

    const lowered = analyze(withTally).graph!;
    const kept = eliminateDeadNodes.run(lowered, { batch: 4, arenaBase: 0, fixedOffsets: {} }).nodes.map((n) => n.id);
    for (const id of ['t0.sum', 't0.batch_sum', 't0.next', 't0.sum.update', 't1.sum.update']) expect(kept).toContain(id);
    // and it is the update that keeps them: without it they are dead
    const { updates: _, ...rest } = lowered.outputs;
    const without = eliminateDeadNodes.run({ ...lowered, outputs: rest }, { batch: 4, arenaBase: 0, fixedOffsets: {} }).nodes.map((n) => n.id);
    expect(without.filter((id) => id.startsWith('t0.') || id.startsWith('t1.'))).toEqual([]);
    expect(printGraph(trainGraph)).toContain('update: %t0.sum <- %t0.sum.update\n');
  });

  it('computes in the interpreter what the generated module computes', async () => {
    const { module, compiled } = await compileAndImport(withTally);
    const model = module.createModel({ seed: 3, backend: 'reference' });
    const g = compiled.train!;
    const [b] = batches([3]);
    const feeds = { ...model.getParameters(), input: b!.images, labels: b!.labels };
    const planned = interpret(g, feeds, { batch: 3, usePlan: true });
    const unplanned = interpret(g, feeds, { batch: 3 });
    model.computeGradients(b!.images, b!.labels, 3);
    const after = model.getParameters();
    for (const s of ['t0.sum', 't1.sum']) {
      expect(Array.from(planned.get(s)), s).toEqual(Array.from(after[s]!));
      expect(Array.from(unplanned.get(s)), s).toEqual(Array.from(after[s]!));
      expect(Array.from(after[s]!).some((v) => v !== 0), s).toBe(true);
    }
    model.close();
  });

  it('is saved by a checkpoint and restored from it', async () => {
    const { module } = await compileAndImport(withTally);
    const data = batches([4, 4, 4]);
    const a = module.createModel({ seed: 4 });
    train(a, data.slice(0, 2));
    const path = join(dirname(withTally), 'tally.ckpt');
    const progress = { epoch: 0, batch: 2, step: a.step, lossSum: 0, correct: 0, seen: 8, seconds: 0 };
    const header = { model: 'tiny', netcVersion: 'test', spec: '', source: withTally, seed: 4, learningRate: a.learningRate, progress };
    writeCheckpoint(path, { header, params: a.getParameters(), state: a.getOptimizerState().buffers });

    const c = readCheckpoint(path);
    expect(c.header.tensors.filter((t) => t.kind === 'param' && t.name.endsWith('.sum'))).toMatchObject([
      { name: 't0.sum', kind: 'param', length: 2 },
      { name: 't1.sum', kind: 'param', length: 3 },
    ]);
    const b = module.createModel({ seed: 5 });
    b.setParameters(c.params);
    b.setOptimizerState({ step: c.header.progress.step, buffers: c.state });
    expect(b.getParameters()).toEqual(a.getParameters());
    // and training goes on from there as if it had not stopped
    train(a, data.slice(2));
    train(b, data.slice(2));
    expect(b.getParameters()).toEqual(a.getParameters());
    a.close();
    b.close();
  });

  it("counts each state among the summary's non-trainable parameters, as Keras counts moving statistics", () => {
    const s = analyze(withTally).summary!;
    const row = (name: string) => s.layers.find((l) => l.name === name)!;
    expect(row('t0')).toMatchObject({ params: 0, fixed_params: INPUT[2], shape: [...INPUT] });
    expect(row('t1')).toMatchObject({ params: 0, fixed_params: 3, shape: [3, 3, 3] });
    expect(row('c1')).toMatchObject({ params: 3 * 3 * 2 * 3 + 3, fixed_params: 0 });
    expect(s.fixed_params).toBe(INPUT[2] + 3);
  });
});

describe('the verifier on state updates', () => {
  const loc = { file: 'g', line: 1, column: 1, length: 0 };
  const make = (op: string, inputs: readonly Node[], attrs: Attrs, id: string): Node => {
    const r = makeNode(op, inputs, attrs, { id, layer: 't', loc });
    if (isProblem(r)) throw new Error(r.problem(loc).message);
    return r;
  };
  const x = make('input', [], { shape: [3] }, 'x');
  const s = make('param', [], { shape: [3], init: 'zeros', trainable: false, role: 'state' }, 's');
  const w = make('param', [], { shape: [3], init: 'zeros' }, 'w');
  const sum = make('channel_sum', [x], {}, 'sum');
  const next = make('add', [s, sum], {}, 'next');
  const update = make('assign', [s, next], {}, 'update');
  const graph = (nodes: Node[], updates: Record<string, string>): Graph => ({ name: 'g', nodes: [x, s, w, sum, next, ...nodes], outputs: { prediction: 'sum', updates } });

  it('accepts one update of a state, read before it', () => {
    expect(verifyGraph(graph([update], { s: 'update' }))).toEqual([]);
  });

  it('rejects an update of a trainable parameter', () => {
    const wNext = make('add', [w, sum], {}, 'w.next');
    const wUpdate = make('assign', [w, wNext], {}, 'w.update');
    expect(verifyGraph(graph([update, wNext, wUpdate], { s: 'update', w: 'w.update' }))).toEqual([
      "'w.update' updates 'w', which is not a state (a non-trainable param of role 'state')",
    ]);
  });

  it('rejects a second update of one state in a step', () => {
    const again = make('assign', [s, sum], {}, 'again');
    expect(verifyGraph(graph([update, again], { s: 'update' }))).toEqual(["'s' is updated twice in one step, by 'update' and by 'again'"]);
  });

  it('rejects a read of the state, or of a view of it, after its update', () => {
    const late = make('add', [s, sum], {}, 'late');
    expect(verifyGraph(graph([update, late], { s: 'update' }))).toEqual([
      "'late' reads 's' after 'update' updated 's': readers must see the step's old value",
    ]);
    const view = make('reshape', [s], { shape: [3] }, 'view');
    const lateView = make('add', [view, x], {}, 'late');
    expect(verifyGraph(graph([view, update, lateView], { s: 'update' }))).toEqual([
      "'late' reads 'view' after 'update' updated 's': readers must see the step's old value",
    ]);
  });

  it('rejects an update the graph does not list, and a listed one that writes elsewhere', () => {
    expect(verifyGraph(graph([update], {}))).toEqual(["'update' writes 's' but is not among the graph's updates"]);
    expect(verifyGraph(graph([update], { s: 'next' })).join('\n')).toContain("the update of 's' names 'next', which does not write 's'");
  });

  it('has assign refuse a value of another shape, or a batched target', () => {
    const four = make('param', [], { shape: [4], init: 'zeros', trainable: false, role: 'state' }, 'four');
    expect(isProblem(makeNode('assign', [four, next], {}, { id: 'u', layer: 't', loc }))).toBe(true);
    expect(isProblem(makeNode('assign', [x, x], {}, { id: 'u', layer: 't', loc }))).toBe(true);
  });
});

describe('a layer registered at run time', () => {
  it('is valid in specs: validation uses the schema the registry builds, not the committed file', () => {
    expect(readFileSync('specs/netc.schema.json', 'utf8')).not.toContain('"tally"');
    expect(JSON.stringify(buildSchema())).toContain('"const":"tally"');
    const committed = loadSpec(withTally);
    expect(committed.diagnostics.map((d) => d.code)).toContain(Messages.UnknownOp.code);
    expect(loadSpec(withTally, { schema: specSchema() }).diagnostics).toEqual([]);
    expect(analyze(withTally).ok).toBe(true);
  });
});
