/**
 * fuse-activations: an elementwise activation whose input is a conv2d, dense, subsample or
 * batchnorm that nothing else reads becomes that node's `activation` attribute.
 *
 *   before:  %c1: f32[N,24,24,6] = conv2d(%input, %c1.w, %c1.b) {...}
 *            %c1.tanh: f32[N,24,24,6] = tanh(%c1)
 *            %s2 = avgpool2d(%c1.tanh)
 *   after:   %c1: f32[N,24,24,6] = conv2d(%input, %c1.w, %c1.b) {activation=tanh, ...}
 *            %s2 = avgpool2d(%c1)
 *
 * It does not fuse when the pre-activation value has another reader (a skip connection reading
 * the conv's raw output would otherwise see the activated one), nor into a node that already
 * carries an activation; nor, in a graph that trains, gelu and swish, whose gradient needs the
 * pre-activation value that fusing would not keep. A function's `alpha` moves with it:
 *
 *   %c1.leaky_relu = leaky_relu(%c1) {alpha=0.1}  →  %c1 = conv2d(...) {activation=leaky_relu, alpha=0.1, ...}
 */
import { alphaAttr, ELEMENTWISE, ELEMENTWISE_WITHOUT_ALPHA, GRAD_FROM_INPUT } from '../ir/ops/activation.js';
import { nodeMap, type Graph } from '../ir/types.js';
import type { Pass } from './pass.js';
import { edit, readerCounts } from './rewrite.js';

/** The fusion table: producer op → the activations it can absorb (with alpha only where its kernel takes one). */
const FUSIBLE: Readonly<Record<string, readonly string[]>> = {
  conv2d: ELEMENTWISE,
  depthwise_conv2d: ELEMENTWISE,
  dense: ELEMENTWISE,
  subsample: ELEMENTWISE,
  batchnorm: ELEMENTWISE_WITHOUT_ALPHA,
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
    const trains = g.outputs.loss !== undefined;
    for (const act of g.nodes) {
      const producer = byId.get(act.inputs[0] ?? '');
      if (!producer || !FUSIBLE[producer.op]?.includes(act.op) || (trains && GRAD_FROM_INPUT.includes(act.op))) continue;
      if (readers.get(producer.id) !== 1 || producer.attrs.activation !== undefined || replace.has(producer.id)) continue;
      replace.set(producer.id, { op: producer.op, inputs: producer.inputs, attrs: { ...producer.attrs, activation: act.op, ...alphaAttr(act.attrs.alpha) } });
      remove.add(act.id);
      rename.set(act.id, producer.id);
    }
    return replace.size === 0 ? g : edit(g, { remove, rename, replace });
  },
};
