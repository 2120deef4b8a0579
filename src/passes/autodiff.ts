/**
 * autodiff: reverse-mode differentiation, done once at compile time. Walking the forward graph
 * backwards from the loss, each node's gradient rule (in the op registry) adds the nodes that
 * compute the gradients with respect to its inputs; a value read by several nodes gets the sum
 * of their contributions. The result is the forward graph followed by the backward graph, with
 * `outputs.gradients` naming the gradient of every trainable parameter.
 *
 *   before:  %c1 = conv2d(%input, %c1.w, %c1.b) {activation=tanh}  ...  %loss = ...
 *   after:   ... %grad.c1.pre = activation_grad(%c1, %grad.c1) {fn=tanh}
 *                %grad.c1.w = conv2d_grad_filter(%input, %grad.c1.pre)
 *                %grad.c1.b = bias_grad(%grad.c1.pre)
 *            gradient: %c1.w <- %grad.c1.w
 *
 * Only values that depend on a trainable parameter get gradients: nothing is spent on the
 * gradient of the input image. A loss that is a sum of terms (a data loss and L2 penalties)
 * gives each term the gradient 1, so each term's rule runs as a loss's would.
 */
import { isTrainable } from '../ir/summary.js';
import type { GradContext } from '../ir/registry.js';
import { nodeMap, type Graph, type Node } from '../ir/types.js';
import { PassError, type Pass } from './pass.js';
import { node, opDef } from './rewrite.js';

export const autodiff: Pass = {
  name: 'autodiff',
  summary: 'derive the backward graph from each op\'s gradient rule',
  phase: 3,
  runsOn: ['training'],
  run(g: Graph): Graph {
    const lossId = g.outputs.loss;
    if (lossId === undefined) return g; // an inference graph: nothing to differentiate
    const byId = nodeMap(g);
    const ids = new Set(byId.keys());

    // Which values depend on a trainable parameter, and how many nodes read each.
    const requires = new Set<string>();
    const readers = new Map<string, number>();
    for (const n of g.nodes) {
      if (isTrainable(n) || n.inputs.some((i) => requires.has(i))) requires.add(n.id);
      for (const i of n.inputs) readers.set(i, (readers.get(i) ?? 0) + 1);
    }

    const backward: Node[] = [];
    const contributions = new Map<string, Node[]>();
    const unique = (base: string) => {
      let id = base;
      for (let k = 2; ids.has(id); k++) id = `${base}.${k}`;
      ids.add(id);
      return id;
    };
    /** The gradient of a value: its one contribution, or their sum. */
    const gradientOf = (v: Node): Node | undefined => {
      const parts = contributions.get(v.id);
      if (!parts || parts.length === 0) return undefined;
      if (parts.length === 1) return parts[0];
      const sum = node('add', parts, {}, { id: unique(`grad.${v.id}`), layer: v.layer, loc: v.loc });
      backward.push(sum);
      return sum;
    };

    // Values whose gradient is exactly 1: the loss, and each term of a loss that is a sum (the
    // data loss plus L2 penalties), which is then differentiated as a loss of its own.
    const unit = new Set([lossId]);
    for (const n of [...g.nodes].reverse()) {
      if (!requires.has(n.id) || n.op === 'param' || n.op === 'input') continue;
      const isLoss = unit.has(n.id);
      if (isLoss && (contributions.has(n.id) || (readers.get(n.id) ?? 0) > 1)) throw new PassError(`'${n.id}' is a term of the loss and is read by other nodes too`);
      if (isLoss && n.op === 'add') {
        for (const i of n.inputs) unit.add(i);
        continue;
      }
      const dy = isLoss ? undefined : gradientOf(n);
      if (!isLoss && !dy) continue; // the loss does not depend on this value
      const def = opDef(n);
      if (!def.grad) throw new PassError(`op '${n.op}' ('${n.id}') has no gradient rule`);
      const ctx: GradContext = {
        input: (i) => byId.get(n.inputs[i]!)!,
        needsGrad: (i) => requires.has(n.inputs[i]!),
        node(op, inputs, attrs, wrt) {
          const target = typeof wrt === 'number' ? n.inputs[wrt]! : `${n.id}.${wrt}`;
          const shared = typeof wrt === 'number' && (readers.get(target) ?? 0) > 1;
          const made = node(op, inputs, attrs, { id: unique(shared ? `grad.${target}@${n.id}` : `grad.${target}`), layer: n.layer, loc: n.loc });
          backward.push(made);
          return made;
        },
      };
      const grads = def.grad(n, dy, ctx);
      grads.forEach((d, i) => {
        if (!d || !requires.has(n.inputs[i]!)) return;
        const list = contributions.get(n.inputs[i]!) ?? [];
        list.push(d);
        contributions.set(n.inputs[i]!, list);
      });
    }

    const gradients: Record<string, string> = Object.create(null) as Record<string, string>; // ids may be 'toString'
    for (const p of g.nodes) {
      if (!isTrainable(p)) continue;
      const d = gradientOf(p);
      if (d) gradients[p.id] = d.id;
    }
    return { name: g.name, nodes: [...g.nodes, ...backward], outputs: { ...g.outputs, gradients } };
  },
};
