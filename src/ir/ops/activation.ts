/**
 * Activation functions. In the spec they are either an `activation:` attribute of conv2d and
 * dense or a standalone `activation` layer with `fn:`; both lower to the same IR node, one op
 * per function. Elementwise ones (all but softmax) can be fused into the conv or dense before.
 */
import type { JsonSchema, LayerDef, OpDef } from '../registry.js';

/** The functions a person can name, with the formula each computes. */
export const ACTIVATIONS = {
  linear: 'the identity (no activation)',
  tanh: 'tanh(x)',
  scaled_tanh: "1.7159·tanh(2x/3), the 1998 paper's squashing function",
  relu: 'max(0, x)',
  sigmoid: '1 / (1 + e^-x)',
  softmax: 'e^x / Σ e^x over the last axis',
} as const;

export type ActivationFn = keyof typeof ACTIVATIONS;

/** Elementwise activations: the ones activation fusion may fold into the layer before. */
export const ELEMENTWISE: readonly ActivationFn[] = ['tanh', 'scaled_tanh', 'relu', 'sigmoid'];

export function activationSchema(description: string): JsonSchema {
  return { description, enum: Object.keys(ACTIVATIONS) };
}

const sameShape: OpDef['shape'] = ([x]) => x!;

export const activationOps: OpDef[] = ELEMENTWISE.map((fn) => ({
  name: fn,
  summary: `elementwise ${ACTIVATIONS[fn]}`,
  arity: 1,
  shape: sameShape,
}));

export const softmaxOp: OpDef = {
  name: 'softmax',
  summary: ACTIVATIONS.softmax,
  arity: 1,
  shape: sameShape,
};

export const activationLayer: LayerDef = {
  op: 'activation',
  summary: 'an activation function on its own',
  properties: { fn: activationSchema('the function to apply') },
  required: ['fn'],
  inputs: { min: 1, max: 1 },
  lower: (layer, [x], ctx) => ctx.activation(x!, layer.fn as string),
};
