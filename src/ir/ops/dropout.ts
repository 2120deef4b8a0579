/**
 * dropout: while training, zero each element with probability `rate` and scale the rest by
 * 1/(1 − rate) (inverted dropout, as Keras does); at inference, the identity.
 */
import type { LayerDef, OpDef } from '../registry.js';
import { buf, size } from './common.js';

/**
 * The mask of element i is drawn from (the step's seed, the node's salt, i), so the gradient
 * redraws exactly the forward mask instead of storing it.
 */
export const dropoutOp: OpDef = {
  name: 'dropout',
  summary: 'zero elements at random while training, scaling the rest by 1/(1 − rate)',
  arity: 1,
  shape: ([x]) => x!,
  kernel: (node, [x]) => [
    { kernel: 'dropout', args: [buf(node.inputs[0]!), buf(node.id), size(x!), node.attrs.rate as number, { seed: true }, node.attrs.salt as number] },
  ],
  grad: (node, dy, g) => [g.needsGrad(0) ? g.node('dropout_grad', [dy!], { rate: node.attrs.rate!, salt: node.attrs.salt! }, 0) : undefined],
};

export const dropoutGradOp: OpDef = {
  name: 'dropout_grad',
  summary: "the gradient of dropout: the incoming gradient through the forward pass's mask",
  arity: 1,
  shape: ([x]) => x!,
  kernel: (node, [dy]) => [
    { kernel: 'dropoutGrad', args: [buf(node.inputs[0]!), buf(node.id), size(dy!), node.attrs.rate as number, { seed: true }, node.attrs.salt as number] },
  ],
};

/** A stable per-layer number (FNV-1a of the name), so each dropout layer draws its own mask. */
function saltOf(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193) >>> 0;
  return h & 0x7fffffff;
}

export const dropoutLayer: LayerDef = {
  op: 'dropout',
  summary: 'randomly zero a fraction of the inputs while training (identity at inference)',
  properties: {
    rate: { type: 'number', minimum: 0, exclusiveMaximum: 1, description: 'the fraction to drop, in [0, 1)' },
  },
  required: ['rate'],
  inputs: { min: 1, max: 1 },
  lower: (layer, [x], ctx) => ctx.node('dropout', [x!], { rate: layer.rate as number, salt: saltOf(layer.name) }),
};
