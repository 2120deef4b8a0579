/**
 * dropout: while training, zero each element with probability `rate` and scale the rest by
 * 1/(1 − rate) (inverted dropout, as Keras does); at inference, the identity.
 */
import type { LayerDef, OpDef } from '../registry.js';

export const dropoutOp: OpDef = {
  name: 'dropout',
  summary: 'zero elements at random while training, scaling the rest by 1/(1 − rate)',
  arity: 1,
  shape: ([x]) => x!,
};

export const dropoutLayer: LayerDef = {
  op: 'dropout',
  summary: 'randomly zero a fraction of the inputs while training (identity at inference)',
  properties: {
    rate: { type: 'number', minimum: 0, exclusiveMaximum: 1, description: 'the fraction to drop, in [0, 1)' },
  },
  required: ['rate'],
  inputs: { min: 1, max: 1 },
  lower: (layer, [x], ctx) => ctx.node('dropout', [x!], { rate: layer.rate as number }),
};
