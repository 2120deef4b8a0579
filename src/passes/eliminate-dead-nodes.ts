/**
 * eliminate-dead-nodes: drop every node that no output depends on — a fused-away softmax, a
 * branch the output does not read (with its parameters). State updates count as outputs
 * (`outputIds`): an update and what it reads stay, though no loss depends on them.
 *
 *   before:  %out.softmax = softmax(%out)        (read by nothing after fusion)
 *            %loss = softmax_cross_entropy(%out, %labels)
 *   after:   %loss = softmax_cross_entropy(%out, %labels)
 *
 * Graph inputs stay: the module's interface does not change with the network.
 */
import { outputIds, type Graph } from '../ir/types.js';
import type { Pass } from './pass.js';
import { edit } from './rewrite.js';

export const eliminateDeadNodes: Pass = {
  name: 'eliminate-dead-nodes',
  summary: 'remove nodes that no output depends on',
  phase: 2,
  runsOn: ['training', 'inference'],
  run(g: Graph): Graph {
    const byId = new Map(g.nodes.map((n) => [n.id, n]));
    const live = new Set<string>();
    const todo = outputIds(g.outputs);
    while (todo.length > 0) {
      const id = todo.pop()!;
      if (live.has(id)) continue;
      live.add(id);
      todo.push(...(byId.get(id)?.inputs ?? []));
    }
    const remove = new Set(g.nodes.filter((n) => !live.has(n.id) && n.op !== 'input').map((n) => n.id));
    return remove.size === 0 ? g : edit(g, { remove });
  },
};
