/**
 * fuse-softmax-cross-entropy: cross-entropy of a softmax that nothing else reads becomes one
 * loss node on the logits, computed in log-sum-exp form (no probability is ever rounded to 0
 * and logged), whose gradient is simply (softmax(z) − t) / n.
 *
 *   before:  %out.softmax: f32[N,10] = softmax(%out)
 *            %loss: f32[] = categorical_crossentropy(%out.softmax, %labels)
 *   after:   %loss: f32[] = softmax_cross_entropy(%out, %labels)
 *
 * The softmax is left for eliminate-dead-nodes.
 */
import { nodeMap, type Graph } from '../ir/types.js';
import type { Pass } from './pass.js';
import { edit, readerCounts } from './rewrite.js';

export const fuseSoftmaxCrossEntropy: Pass = {
  name: 'fuse-softmax-cross-entropy',
  summary: 'replace softmax followed by cross-entropy with one stable loss on the logits',
  phase: 1,
  runsOn: ['training'],
  run(g: Graph): Graph {
    const byId = nodeMap(g);
    const readers = readerCounts(g);
    const replace = new Map<string, { op: string; inputs: readonly string[]; attrs: Graph['nodes'][number]['attrs'] }>();
    for (const loss of g.nodes) {
      if (loss.op !== 'categorical_crossentropy') continue;
      const sm = byId.get(loss.inputs[0]!);
      if (sm?.op !== 'softmax' || readers.get(sm.id) !== 1) continue;
      replace.set(loss.id, { op: 'softmax_cross_entropy', inputs: [sm.inputs[0]!, loss.inputs[1]!], attrs: {} });
    }
    return replace.size === 0 ? g : edit(g, { replace });
  },
};
