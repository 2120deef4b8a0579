/**
 * remove-dropout: at inference, dropout is the identity, so its readers read its input.
 *
 *   before:  %drop = dropout(%f6) {rate=0.25}      %out = dense(%drop, ...)
 *   after:   %out = dense(%f6, ...)
 */
import type { Graph } from '../ir/types.js';
import type { Pass } from './pass.js';
import { edit } from './rewrite.js';

export const removeDropout: Pass = {
  name: 'remove-dropout',
  summary: 'make dropout the identity, for inference',
  phase: 1,
  runsOn: ['inference'],
  required: true,
  run(g: Graph): Graph {
    const drops = g.nodes.filter((n) => n.op === 'dropout');
    if (drops.length === 0) return g;
    return edit(g, { remove: new Set(drops.map((d) => d.id)), rename: new Map(drops.map((d) => [d.id, d.inputs[0]!])) });
  },
};
