/**
 * Activation functions. In the spec they are either an `activation:` attribute of conv2d and
 * dense or a standalone `activation` layer with `fn:`; both lower to the same IR node, one op
 * per function. Elementwise ones (all but softmax) can be fused into the conv or dense before,
 * and their gradients come from the output alone (dtanh = 1 − y²), so fusion saves a buffer.
 */
import type { GradContext, JsonSchema, KernelArg, LayerDef, OpDef } from '../registry.js';
import type { Node } from '../types.js';
import { buf, last, rows, size } from './common.js';

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
export const ELEMENTWISE = ['tanh', 'scaled_tanh', 'relu', 'sigmoid'] as const;

export function activationSchema(description: string): JsonSchema {
  return { description, enum: Object.keys(ACTIVATIONS) };
}

/** The kernel argument for an activation attribute (absent: linear). */
export function actCode(fn: unknown): KernelArg {
  return { act: fn === undefined ? 'linear' : String(fn) };
}

/**
 * For a node with a fused activation: the gradient before the activation, from the node's
 * output and the incoming gradient. For a node without one, the incoming gradient itself.
 */
export function activationGradNode(node: Node, dy: Node, g: GradContext): Node {
  const fn = node.attrs.activation;
  if (fn === undefined || fn === 'linear') return dy;
  return g.node('activation_grad', [node, dy], { fn }, 'pre');
}

const sameShape: OpDef['shape'] = ([x]) => x!;

export const activationOps: OpDef[] = ELEMENTWISE.map((fn) => ({
  name: fn,
  summary: `elementwise ${ACTIVATIONS[fn]}`,
  arity: 1,
  shape: sameShape,
  kernel: (node, [x]) => [{ kernel: 'activation', args: [buf(node.inputs[0]!), buf(node.id), size(x!), actCode(fn)] }],
  grad: (node, dy, g) => [g.needsGrad(0) ? g.node('activation_grad', [node, dy!], { fn }, 0) : undefined],
}));

/** dx = dy · f'(x), written in terms of y = f(x). */
export const activationGradOp: OpDef = {
  name: 'activation_grad',
  summary: "the gradient through an elementwise activation, from the activation's output",
  arity: 2,
  shape: sameShape,
  kernel: (node, [y]) => [{ kernel: 'activationGrad', args: [...node.inputs.map(buf), buf(node.id), size(y!), actCode(node.attrs.fn)] }],
};

export const softmaxOp: OpDef = {
  name: 'softmax',
  summary: ACTIVATIONS.softmax,
  arity: 1,
  shape: sameShape,
  kernel: (node, [x]) => [{ kernel: 'softmax', args: [buf(node.inputs[0]!), buf(node.id), rows(x!), last(x!)] }],
  grad: (node, dy, g) => [g.needsGrad(0) ? g.node('softmax_grad', [node, dy!], {}, 0) : undefined],
};

export const softmaxGradOp: OpDef = {
  name: 'softmax_grad',
  summary: 'the gradient through a softmax, from its output',
  arity: 2,
  shape: sameShape,
  kernel: (node, [y]) => [{ kernel: 'softmaxGrad', args: [...node.inputs.map(buf), buf(node.id), rows(y!), last(y!)] }],
};

export const activationLayer: LayerDef = {
  op: 'activation',
  summary: 'an activation function on its own',
  properties: { fn: activationSchema('the function to apply') },
  required: ['fn'],
  inputs: { min: 1, max: 1 },
  lower: (layer, [x], ctx) => ctx.activation(x!, layer.fn as string),
};
