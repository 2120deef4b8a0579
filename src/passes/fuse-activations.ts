/**
 * fuse-activations: an elementwise activation whose input is a conv2d, dense or subsample that nothing
 * else reads becomes that node's `activation` attribute.
 *
 *   before:  %c1: f32[N,24,24,6] = conv2d(%input, %c1.w, %c1.b) {...}
 *            %c1.tanh: f32[N,24,24,6] = tanh(%c1)
 *            %s2 = avgpool2d(%c1.tanh)
 *   after:   %c1: f32[N,24,24,6] = conv2d(%input, %c1.w, %c1.b) {activation=tanh, ...}
 *            %s2 = avgpool2d(%c1)
 *
 * It does not fuse when the pre-activation value has another reader (a skip connection reading
 * the conv's raw output would otherwise see the activated one), nor into a node that already
 * carries an activation.
 */
import { ELEMENTWISE } from '../ir/ops/activation.js';
import { nodeMap, type Graph } from '../ir/types.js';
import type { Pass } from './pass.js';
import { edit, readerCounts } from './rewrite.js';

/** The fusion table: producer op → the activations it can absorb. */
const FUSIBLE: Readonly<Record<string, readonly string[]>> = {
  conv2d: ELEMENTWISE,
  dense: ELEMENTWISE,
  subsample: ELEMENTWISE,
};

export const fuseActivations: Pass = {
  name: 'fuse-activations',
  summary: 'fold an elementwise activation into the conv2d or dense that feeds it',
  phase: 1,
  runsOn: ['training', 'inference'],
  run(g: Graph): Graph {
    const byId = nodeMap(g);
    const readers = readerCounts(g);
    const remove = new Set<string>();
    const rename = new Map<string, string>();
    const replace = new Map<string, { op: string; inputs: readonly string[]; attrs: Graph['nodes'][number]['attrs'] }>();
    for (const act of g.nodes) {
      const producer = byId.get(act.inputs[0] ?? '');
      if (!producer || !FUSIBLE[producer.op]?.includes(act.op)) continue;
      if (readers.get(producer.id) !== 1 || producer.attrs.activation !== undefined || replace.has(producer.id)) continue;
      replace.set(producer.id, { op: producer.op, inputs: producer.inputs, attrs: { ...producer.attrs, activation: act.op } });
      remove.add(act.id);
      rename.set(act.id, producer.id);
    }
    return replace.size === 0 ? g : edit(g, { remove, rename, replace });
  },
};
