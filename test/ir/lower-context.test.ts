/**
 * The context a layer lowers through (LowerContext), as its doc comments promise, seen through
 * test-only layers registered here: node and parameter names (the layer's first computed node is
 * named after it, later ones after their op, a taken name gets 2, 3, ...), parameter options,
 * states and their updates (only in the training graph, once per state), and a failed node
 * reported at the attribute its shape rule blames.
 */
import { describe, expect, it } from 'vitest';
import { analyze } from '../../src/driver/analyze.js';
import { last } from '../../src/ir/ops/common.js';
import { registerLayer } from '../../src/ir/ops/index.js';
import { printGraph } from '../../src/ir/print.js';
import type { LayerDef } from '../../src/ir/registry.js';
import { writeSpec } from './ir-fixtures.js';

const layer = (op: string, lower: LayerDef['lower']): LayerDef => ({ op, summary: op, properties: {}, required: [], inputs: { min: 1, max: 2 }, lower });

/** three nodes of one op, two parameters of one suffix, a fixed one and a masked one */
registerLayer(
  layer('names_probe', (_l, [x], ctx) => {
    const a = ctx.node('tanh', [x!], {});
    const b = a && ctx.node('tanh', [a], {});
    const b2 = b && ctx.node('tanh', [b], {});
    const c = b2 && ctx.node('tanh', [b2], {});
    const d = c && ctx.node('relu', [c], {}, 'custom');
    const d2 = d && ctx.node('relu', [d], {}, 'custom');
    const e = d2 && ctx.node('relu', [d2], {}, 'custom');
    ctx.param('k', [2], { kind: 'zeros' });
    ctx.param('k', [3], { kind: 'ones' });
    const m = ctx.param('m', [2], { kind: 'ones' }, { trainable: false, role: 'mask' });
    ctx.param('fixed', [1], { kind: 'constant', value: 2 }, { trainable: false });
    ctx.param('masked', [2], { kind: 'uniform', limit: 0.1 }, { mask: m });
    return e && ctx.activation(e, 'linear');
  }),
);

/** a running sum, updated twice when asked, or whatever the graph */
const stateful = (op: string, options: { twice?: boolean; always?: boolean; wrongShape?: boolean }) =>
  registerLayer(
    layer(op, (l, [x], ctx) => {
      if (!ctx.training && !options.always) return x;
      const s = ctx.state('sum', [last(x!.type)], { kind: 'zeros' });
      const batch = ctx.node('bias_grad', [x!], {}, `${l.name}.batch`);
      const next = batch && ctx.node('add', [s, batch], {});
      if (!next) return undefined;
      const u = ctx.update(s, options.wrongShape ? x! : next);
      if (options.twice) ctx.update(s, batch!);
      return u ? x : undefined;
    }),
  );
stateful('sum_probe', {});
stateful('sum_twice_probe', { twice: true });
stateful('sum_always_probe', { always: true });
stateful('sum_wrong_probe', { wrongShape: true });

const spec = (layers: string, classes?: number) =>
  writeSpec({ input: [2, 1, 1], ...(classes ? { classes, loss: 'mse' } : {}), layers: `${layers}\n  - { name: f, op: flatten }` });

describe('names made while lowering', () => {
  it("names the first computed node after the layer, the rest after their op, a taken name with 2, 3, …", () => {
    const a = analyze(spec('  - { name: p, op: names_probe }'), { training: false });
    expect(a.diagnostics).toEqual([]);
    expect(printGraph(a.graph!).split('\n').slice(1, 14).join('\n')).toBe(`  %input: f32[N,2,1,1] = input()
  %p: f32[N,2,1,1] = tanh(%input)
  %p.tanh: f32[N,2,1,1] = tanh(%p)
  %p.tanh2: f32[N,2,1,1] = tanh(%p.tanh)
  %p.tanh3: f32[N,2,1,1] = tanh(%p.tanh2)
  %custom: f32[N,2,1,1] = relu(%p.tanh3)
  %custom2: f32[N,2,1,1] = relu(%custom)
  %custom3: f32[N,2,1,1] = relu(%custom2)
  %p.k: f32[2] = param() {init=zeros}
  %p.k2: f32[3] = param() {init=ones}
  %p.m: f32[2] = param() {init=ones, role=mask, trainable=false}
  %p.fixed: f32[1] = param() {init=constant, trainable=false, value=2}
  %p.masked: f32[2] = param() {init=uniform, limit=0.1, mask=p.m}`);
    // a linear activation adds nothing: the layer's output is its last node
    expect(a.layerOutputs!.get('p')).toBe('custom3');
    // trainable: k, k2, masked; fixed: 'fixed' (a mask is no parameter)
    expect(a.summary!.layers[0]).toMatchObject({ params: 7, fixed_params: 1 });
  });
});

describe('states and their updates', () => {
  it('declares a state, and updates it in the training graph only', () => {
    const t = analyze(spec('  - { name: s, op: sum_probe }', 2));
    expect(t.diagnostics).toEqual([]);
    expect(t.graph!.outputs.updates).toEqual({ 's.sum': 's.sum.update' });
    const text = printGraph(t.graph!);
    expect(text).toContain('  %s.sum: f32[1] = param() {init=zeros, role=state, trainable=false}\n');
    expect(text).toContain('  %s.batch: f32[1] = bias_grad(%input)\n  %s.add: f32[1] = add(%s.sum, %s.batch)\n  %s.sum.update: f32[1] = assign(%s.sum, %s.add)\n');
    const i = analyze(spec('  - { name: s, op: sum_probe }', 2), { training: false });
    expect(i.graph!.outputs.updates).toBeUndefined();
    expect(i.graph!.nodes.map((n) => n.id)).toEqual(['input', 'f']);
    // a graph without updates names none
    expect(analyze(spec('  - { name: a, op: activation, fn: tanh }', 2)).graph!.outputs).not.toHaveProperty('updates');
  });

  it('leaves a second update of one state to the verifier, which names both', () => {
    const a = analyze(spec('  - { name: s, op: sum_twice_probe }', 2));
    expect(a.graph!.outputs.updates).toEqual({ 's.sum': 's.sum.update' });
    expect(a.diagnostics.map((d) => d.code)).toEqual(['NETC9001']);
    expect(a.diagnostics[0]!.message).toContain("'s.sum' is updated twice in one step, by 's.sum.update' and by 's.sum.update2'");
  });

  it('refuses an update in a graph that does not train', () => {
    expect(() => analyze(spec('  - { name: s, op: sum_always_probe }'), { training: false })).toThrow(
      "layer 's' updates 's.sum' in a graph that does not train",
    );
    // a spec that trains, lowered for inference, does not train either
    expect(() => analyze(spec('  - { name: s, op: sum_always_probe }', 2), { training: false })).toThrow(/does not train/);
  });

  it('reports an update of another shape, and lowers nothing after it', () => {
    const a = analyze(spec('  - { name: s, op: sum_wrong_probe }', 2));
    expect(a.diagnostics.map((d) => [d.code, d.loc?.line])).toEqual([['NETC9002', 5]]);
    expect(a.diagnostics[0]!.message).toContain('assign needs a state without a batch dimension and a value of its shape, given 1 and N×2×1×1');
    expect(a.graph).toBeUndefined();
  });
});
