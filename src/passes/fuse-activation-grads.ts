/**
 * fuse-activation-grads: the gradient through an activation, when the gradient it receives comes
 * from an average pooling that nothing else reads, becomes part of that pooling's gradient:
 * one pass over the activation's memory instead of two (a write and a read of a buffer as large
 * as the activation itself, LeNet's C1: 128 × 24 × 24 × 6 floats a step).
 *
 *   before:  %grad.c1: f32[N,24,24,6] = avgpool2d_grad(%grad.s2) {...}
 *            %grad.c1.pre: f32[N,24,24,6] = activation_grad(%c1, %grad.c1) {fn=tanh}
 *   after:   %grad.c1.pre: f32[N,24,24,6] = avgpool2d_grad(%grad.s2, %c1) {activation=tanh, ...}
 *
 * It runs after autodiff, on the backward graph that autodiff wrote. The pooling gradient reads
 * what the activation's gradient read: its output, or its input for gelu and swish.
 */
import { alphaAttr } from '../ir/ops/activation.js';
import { nodeMap, type Graph } from '../ir/types.js';
import type { Pass } from './pass.js';
import { edit, readerCounts } from './rewrite.js';

export const fuseActivationGrads: Pass = {
  name: 'fuse-activation-grads',
  summary: "fold an activation's gradient into the average-pooling gradient that feeds it",
  phase: 3,
  runsOn: ['training'],
  run(g: Graph): Graph {
    const byId = nodeMap(g);
    const readers = readerCounts(g);
    const remove = new Set<string>();
    const replace = new Map<string, { op: string; inputs: readonly string[]; attrs: Graph['nodes'][number]['attrs'] }>();
    for (const n of g.nodes) {
      if (n.op !== 'activation_grad') continue;
      const [y, dy] = n.inputs as [string, string];
      const pool = byId.get(dy);
      if (!pool || pool.op !== 'avgpool2d_grad' || pool.attrs.activation !== undefined || readers.get(pool.id) !== 1) continue;
      replace.set(n.id, { op: 'avgpool2d_grad', inputs: [pool.inputs[0]!, y], attrs: { ...pool.attrs, activation: n.attrs.fn!, ...alphaAttr(n.attrs.alpha) } });
      remove.add(pool.id);
    }
    return replace.size === 0 ? g : edit(g, { remove, replace });
  },
};
