/**
 * plan-memory: buffers live at the same time never overlap, aliases share their input's
 * buffer, memory is reused, and a graph run in its planned arena computes exactly what it
 * computes with a buffer per value.
 */
import { describe, expect, it } from 'vitest';
import { analyze } from '../../src/driver/analyze.js';
import { interpret } from '../../src/ir/interpret.js';
import { elementsPerExample, type Graph } from '../../src/ir/types.js';
import { verifyGraph } from '../../src/ir/verify.js';
import { runPipeline, TRAINING_PIPELINE } from '../../src/passes/manager.js';
import { ALIGN } from '../../src/passes/plan-memory.js';
import { Random } from '../../src/runtime/random.js';

function planned(spec: string, batch: number): Graph {
  const r = runPipeline(analyze(spec).graph!, TRAINING_PIPELINE, { batch, arenaBase: 10, fixedOffsets: {} });
  expect(r.diagnostics).toEqual([]);
  return r.graph!;
}

function feeds(g: Graph, n: number): Record<string, Float32Array> {
  const rng = new Random(7);
  return Object.fromEntries(
    g.nodes
      .filter((x) => x.op === 'input' || x.op === 'param')
      .map((x) => {
        const size = elementsPerExample(x.type.shape) * (x.type.shape[0] === 'N' ? n : 1);
        const v = new Float32Array(size).map(() => rng.next() * 2 - 1);
        if (x.attrs.role === 'labels') {
          v.fill(0);
          for (let i = 0; i < n; i++) v[i * 10 + rng.below(10)] = 1;
        }
        return [x.id, v];
      }),
  );
}

describe('plan-memory', () => {
  for (const spec of ['specs/lenet5.yaml', 'specs/inception-mini.yaml', 'specs/lenet5-wide.yaml']) {
    it(`${spec}: the planned arena gives the same loss and gradients as one buffer per value`, () => {
      const g = planned(spec, 4);
      const f = feeds(g, 3);
      const a = interpret(g, f, { batch: 3, seed: 5 });
      const b = interpret(g, f, { batch: 3, seed: 5, usePlan: true });
      const outs = [g.outputs.loss!, g.outputs.scores!, ...Object.values(g.outputs.gradients!)];
      for (const id of outs) expect(Array.from(b.get(id)), id).toEqual(Array.from(a.get(id)));
    });
  }

  it('reuses memory, aligns offsets, starts after the fixed region, and shares alias buffers', () => {
    const g = planned('specs/lenet5.yaml', 128);
    const plan = g.plan!;
    expect(plan.plannedFloats).toBeLessThan(0.7 * plan.naiveFloats);
    expect(Object.values(plan.offsets).every((o) => o % ALIGN === 0 && o >= 12)).toBe(true);
    expect(plan.offsets.flat).toBe(plan.offsets.s4);
    expect(plan.offsets['grad.s4']).toBe(plan.offsets['grad.flat']);
  });

  it('keeps fixed offsets where they were put', () => {
    const fixed = { 'c1.w': 0, 'c1.b': 152 };
    const r = runPipeline(analyze('specs/lenet5.yaml').graph!, TRAINING_PIPELINE, { batch: 2, arenaBase: 44432, fixedOffsets: fixed });
    expect(r.graph!.plan!.offsets['c1.w']).toBe(0);
    expect(r.graph!.plan!.offsets['c1.b']).toBe(152);
  });

  it('is checked by the verifier: overlapping live buffers are reported', () => {
    const g = planned('specs/lenet5.yaml', 8);
    const bad: Graph = { ...g, plan: { ...g.plan!, offsets: { ...g.plan!.offsets, s2: g.plan!.offsets.c1! } } };
    expect(verifyGraph(bad).join('\n')).toMatch(/'c1' and 's2' are live together but overlap in memory/);
    // by a single float, at the one node where both are live (s2 is written as c1 is last read)
    const { offsets, sizes } = g.plan!;
    const edge: Graph = { ...g, plan: { ...g.plan!, offsets: { ...offsets, s2: offsets.c1! + sizes.c1! - 1 } } };
    expect(verifyGraph(edge).join('\n')).toMatch(/'c1' and 's2' are live together but overlap in memory/);
    const apart: Graph = { ...g, plan: { ...g.plan!, offsets: { ...offsets, s2: offsets.c1! + sizes.c1! } } };
    expect(verifyGraph(apart).join('\n')).not.toMatch(/'c1' and 's2'/);
  });
});
