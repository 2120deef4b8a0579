/**
 * Activation functions. In the spec they are either an `activation:` attribute of a layer
 * (conv2d, dense, ...) or a standalone `activation` layer with `fn:`; both lower to the same IR
 * node, one op per function. Elementwise ones (all but softmax) can be fused into the layer
 * before.
 *
 * Gradients: most functions' derivative follows from the output alone (dtanh = 1 − y²), so
 * activation_grad reads y and a fused conv + tanh keeps only its output. The derivatives of gelu
 * and swish do not (y does not determine x), so their activation_grad reads the input x, and in
 * a graph that trains fuse-activations leaves them nodes of their own, which keeps x.
 *
 * Parameters: leaky_relu and elu take `alpha` (Keras's name and defaults), written beside `fn:`
 * or beside `activation:`. The node carries it, the default filled in when the spec has none,
 * and kernels take it after the Act code.
 */
import { Messages } from '../../diagnostics/messages.js';
import type { GradContext, JsonSchema, KernelArg, LayerDef, LowerContext, OpDef } from '../registry.js';
import type { Attrs, Node } from '../types.js';
import { buf, last, rows, size } from './common.js';

/** The functions a person can name, with the formula each computes. */
export const ACTIVATIONS = {
  linear: 'the identity (no activation)',
  tanh: 'tanh(x)',
  scaled_tanh: "1.7159·tanh(2x/3), the 1998 paper's squashing function",
  relu: 'max(0, x)',
  sigmoid: '1 / (1 + e^-x)',
  softmax: 'e^x / Σ e^x over the last axis',
  leaky_relu: "x for x > 0, alpha·x below (alpha ≥ 0, default 0.3 as Keras's LeakyReLU)",
  elu: 'x for x > 0, alpha·(e^x − 1) below (alpha ≥ 0, default 1)',
  gelu: "x·Φ(x) = x·(1 + erf(x/√2))/2, exact (Keras's default, approximate=False)",
  swish: 'x·sigmoid(x), also called SiLU',
  softplus: 'log(1 + e^x), computed as max(x, 0) + log(1 + e^-|x|)',
} as const;

export type ActivationFn = keyof typeof ACTIVATIONS;

/** The functions with a parameter `alpha`, and its default: Keras's (LeakyReLU's 0.3, ELU's 1). */
export const ALPHA_DEFAULTS: Readonly<Record<string, number>> = { leaky_relu: 0.3, elu: 1 };

const hasAlpha = (fn: unknown): boolean => typeof fn === 'string' && Object.hasOwn(ALPHA_DEFAULTS, fn);

/** Elementwise activations: the ones activation fusion may fold into the layer before. */
export const ELEMENTWISE = ['tanh', 'scaled_tanh', 'relu', 'sigmoid', 'leaky_relu', 'elu', 'gelu', 'swish', 'softplus'] as const;

/** The elementwise ones without alpha: what a kernel that takes no alpha argument can fuse. */
export const ELEMENTWISE_WITHOUT_ALPHA: readonly string[] = ELEMENTWISE.filter((fn) => !hasAlpha(fn));

/** The functions whose derivative needs their input x: their activation_grad reads x, not y. */
export const GRAD_FROM_INPUT: readonly string[] = ['gelu', 'swish'];

export function activationSchema(description: string): JsonSchema {
  return { description, enum: Object.keys(ACTIVATIONS) };
}

/** `alpha:` beside `activation:` or `fn:`. */
export const alphaSchema: JsonSchema = {
  type: 'number',
  minimum: 0,
  // the largest float32, which the kernels compute with
  maximum: 3.4028234663852886e38,
  description: `leaky_relu's slope below zero (default ${ALPHA_DEFAULTS.leaky_relu}) or elu's scale (default ${ALPHA_DEFAULTS.elu}); the other functions have none`,
};

/** The kernel argument for an activation attribute (absent: linear). */
export function actCode(fn: unknown): KernelArg {
  return { act: fn === undefined ? 'linear' : String(fn) };
}

/** The kernel arguments of an activation: its Act code, then alpha for the functions that have one. */
export function activationArgs(fn: unknown, alpha: unknown): KernelArg[] {
  if (!hasAlpha(fn)) return [actCode(fn)];
  if (typeof alpha !== 'number') throw new Error(`a ${String(fn)} node without its alpha`);
  return [actCode(fn), alpha];
}

/** `{alpha}` when a node has one: what moves with a function when a pass fuses it. */
export const alphaAttr = (alpha: Attrs[string] | undefined): Attrs => (alpha === undefined ? {} : { alpha });

/** The attributes of an activation_grad node: the function, and its alpha if any. */
const gradAttrs = (fn: string, alpha: Attrs[string] | undefined): Attrs => ({ fn, ...alphaAttr(alpha) });

/**
 * The node for `fn` applied to a layer's output, with the layer's `alpha:` (or the function's
 * default); reported at `alpha` when the function has none. `linear` adds nothing.
 */
export function lowerActivation(x: Node, fn: string, alpha: unknown, layer: string, ctx: LowerContext): Node | undefined {
  if (alpha !== undefined && !hasAlpha(fn)) {
    ctx.report(Messages.AlphaWithoutParameter.at(ctx.locate('alpha'), layer, fn, Object.keys(ALPHA_DEFAULTS)));
    return undefined;
  }
  if (fn === 'linear') return x;
  return ctx.node(fn, [x], hasAlpha(fn) ? { alpha: (alpha as number | undefined) ?? ALPHA_DEFAULTS[fn]! } : {});
}

/**
 * For a node with a fused activation: the gradient before the activation, from the node's
 * output and the incoming gradient. For a node without one, the incoming gradient itself.
 */
export function activationGradNode(node: Node, dy: Node, g: GradContext): Node {
  const fn = node.attrs.activation;
  if (fn === undefined || fn === 'linear') return dy;
  if (GRAD_FROM_INPUT.includes(String(fn))) {
    throw new Error(`'${node.id}' has ${String(fn)} fused, whose gradient needs the value before it; fuse-activations keeps it apart in a graph that trains`);
  }
  return g.node('activation_grad', [node, dy], gradAttrs(String(fn), node.attrs.alpha), 'pre');
}

const sameShape: OpDef['shape'] = ([x]) => x!;

export const activationOps: OpDef[] = ELEMENTWISE.map((fn) => ({
  name: fn,
  summary: `elementwise ${ACTIVATIONS[fn]}`,
  arity: 1,
  shape: sameShape,
  kernel: (node, [x]) => [{ kernel: 'activation', args: [buf(node.inputs[0]!), buf(node.id), size(x!), ...activationArgs(fn, node.attrs.alpha)] }],
  grad: (node, dy, g) => {
    if (!g.needsGrad(0)) return [undefined];
    const saved = GRAD_FROM_INPUT.includes(fn) ? g.input(0) : node;
    return [g.node('activation_grad', [saved, dy!], gradAttrs(fn, node.attrs.alpha), 0)];
  },
}));

/** dx = dy · f'(x), written in terms of y = f(x), or of x for gelu and swish. */
export const activationGradOp: OpDef = {
  name: 'activation_grad',
  summary: "the gradient through an elementwise activation, from the activation's output (its input for gelu and swish)",
  arity: 2,
  shape: sameShape,
  kernel: (node, [y]) => [
    { kernel: 'activationGrad', args: [...node.inputs.map(buf), buf(node.id), size(y!), ...activationArgs(node.attrs.fn, node.attrs.alpha)] },
  ],
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
  properties: { fn: activationSchema('the function to apply'), alpha: alphaSchema },
  required: ['fn'],
  inputs: { min: 1, max: 1 },
  lower: (layer, [x], ctx) => ctx.activation(x!, layer.fn as string),
};
