/**
 * plan-memory keeps what the compiler decided outside it: each parameter's gradient at the
 * offset the optimizer reads it from (outside the planned region, so that a prediction between
 * computing and applying gradients cannot overwrite them), each parameter at its fixed offset,
 * and every planned buffer from the arena base on. The offsets given are the truth here.
 */
import { describe, expect, it } from 'vitest';
import { analyze } from '../../src/driver/analyze.js';
import { runPipeline, TRAINING_PIPELINE } from '../../src/passes/manager.js';
import { ALIGN } from '../../src/passes/plan-memory.js';

describe('plan-memory with offsets decided by the compiler', () => {
  it('puts each gradient at its pinned offset and plans everything else above the base', () => {
    const graph = analyze('specs/lenet5.yaml').graph!;
    const params = graph.nodes.filter((n) => n.op === 'param');
    // parameters first, then their gradients, then the planned region: as driver/compile.ts lays them out
    const fixedOffsets: Record<string, number> = {};
    const gradientOffsets: Record<string, number> = {};
    let at = 0;
    for (const p of params) {
      fixedOffsets[p.id] = at;
      at += Math.ceil(p.type.shape.reduce<number>((a, d) => a * (d as number), 1) / ALIGN) * ALIGN;
    }
    const paramsEnd = at;
    for (const p of params) gradientOffsets[p.id] = paramsEnd + fixedOffsets[p.id]!;
    const arenaBase = 2 * paramsEnd;
    const r = runPipeline(graph, TRAINING_PIPELINE, { batch: 4, arenaBase, fixedOffsets, gradientOffsets });
    expect(r.diagnostics).toEqual([]);
    const g = r.graph!;
    const plan = g.plan!;
    const gradients = g.outputs.gradients!;
    expect(Object.keys(gradients).sort()).toEqual(params.map((p) => p.id).sort());
    for (const p of params) {
      expect(plan.offsets[p.id], p.id).toBe(fixedOffsets[p.id]);
      expect(plan.offsets[gradients[p.id]!], `gradient of ${p.id}`).toBe(gradientOffsets[p.id]);
    }
    // everything neither a parameter nor a gradient lies in the planned region
    const pinned = new Set([...params.map((p) => p.id), ...Object.values(gradients)]);
    for (const n of g.nodes) {
      if (pinned.has(n.id)) continue;
      expect(plan.offsets[n.id]!, n.id).toBeGreaterThanOrEqual(arenaBase);
    }
  });
});
