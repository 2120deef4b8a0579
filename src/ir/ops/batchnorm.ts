/**
 * batchnorm: batch normalization over the last axis (channels; the features after a dense
 * layer), with Keras's defaults. y = γ·(x − μ)/√(σ² + ε) + β, per channel.
 *
 * While training, μ and σ² are the batch's own statistics (σ² biased, as Keras and TensorFlow.js
 * compute it), and the training step moves the layer's states towards them, as tf.layers'
 * BatchNormalization does: moving = momentum·moving + (1 − momentum)·batch.
 *
 *   %bn.mean: f32[6] = batch_mean(%c1)
 *   %bn.variance: f32[6] = batch_variance(%c1, %bn.mean)
 *   %bn: f32[N,24,24,6] = batchnorm(%c1, %bn.mean, %bn.variance, %bn.gamma, %bn.beta) {epsilon=0.001}
 *   %bn.moving_mean.decayed: f32[6] = affine(%bn.moving_mean) {scale=0.99, shift=0}
 *   %bn.moving_mean.batch: f32[6] = affine(%bn.mean) {scale=0.01, shift=0}
 *   %bn.moving_mean.next: f32[6] = add(%bn.moving_mean.decayed, %bn.moving_mean.batch)
 *   %bn.moving_mean.update: f32[6] = assign(%bn.moving_mean, %bn.moving_mean.next)
 *   (and the same for %bn.moving_variance)
 *
 * At inference the same `batchnorm` op reads the moving statistics instead, and the
 * fold-batchnorm pass folds it into the conv2d or dense before it.
 *
 * Keras's `center` and `scale` (β and γ) may be switched off; the node then has no such input,
 * and its attributes say which it lacks (`center=false`, `scale=false`).
 */
import { Messages } from '../../diagnostics/messages.js';
import type { GradContext, KernelArg, LayerDef, OpDef } from '../registry.js';
import { elementsPerExample, f32, formatShape, sameShape, type Attrs, type Node, type TensorType } from '../types.js';
import { actCode, activationGradNode } from './activation.js';
import { buf, last, problem, rows } from './common.js';

/** Keras's defaults, written once: the schema, the lowering and the README's reference read them. */
export const BATCHNORM_DEFAULTS = { momentum: 0.99, epsilon: 0.001, center: true, scale: true } as const;

/** Which optional inputs a node of a batchnorm op has, by position, from its attributes. */
export function affineInputs(attrs: Attrs, first: number): { gamma?: number; beta?: number; count: number } {
  const scale = attrs.scale !== false;
  const center = attrs.center !== false;
  return {
    ...(scale ? { gamma: first } : {}),
    ...(center ? { beta: first + (scale ? 1 : 0) } : {}),
    count: first + (scale ? 1 : 0) + (center ? 1 : 0),
  };
}

/** An optional per-channel input as a kernel argument: its buffer, or −1 when the node has none. */
const optional = (node: Node, i: number | undefined): KernelArg => (i === undefined ? -1 : buf(node.inputs[i]!));

/** Each input after the first is one value per channel of input 0, which has a batch and a channel axis. */
function perChannel(name: string, count: number) {
  return (inputs: readonly TensorType[], attrs: Attrs, out: (x: TensorType) => TensorType): TensorType | ReturnType<typeof problem> => {
    const [x, ...rest] = inputs;
    const c = last(x!);
    const fits = x!.shape[0] === 'N' && x!.shape.length >= 2 && inputs.length === count && rest.every((t) => t.shape.length === 1 && t.shape[0] === c);
    if (fits) return out(x!);
    const given = inputs.map((t) => formatShape(t.shape)).join(', ');
    return problem((loc) => Messages.Internal.at(loc, `${name} needs a batch of channels and ${count - 1} per-channel values (attributes ${JSON.stringify(attrs)}), given ${given}`));
  };
}

const channels = (x: TensorType) => f32([last(x)]);

/** mean[c] over every axis but the last */
export const batchMeanOp: OpDef = {
  name: 'batch_mean',
  summary: "the mean of each channel (the last axis) over the batch and every other axis",
  arity: 1,
  shape: (inputs, attrs) => perChannel('batch_mean', 1)(inputs, attrs, channels),
  kernel: (node, [x]) => [{ kernel: 'channelMean', args: [buf(node.inputs[0]!), buf(node.id), rows(x!), last(x!)] }],
};

/** the biased variance of each channel, given its mean */
export const batchVarianceOp: OpDef = {
  name: 'batch_variance',
  summary: 'the variance of each channel over the batch and every other axis (divided by the count, as Keras)',
  arity: 2,
  shape: (inputs, attrs) => perChannel('batch_variance', 2)(inputs, attrs, channels),
  kernel: (node, [x]) => [{ kernel: 'channelVariance', args: [...node.inputs.map(buf), buf(node.id), rows(x!), last(x!)] }],
};

/** y = γ·(x − mean)/√(variance + ε) + β, then the fused activation if any. Inputs: x, mean, variance, [γ], [β]. */
export const batchnormOp: OpDef = {
  name: 'batchnorm',
  summary: 'γ·(x − mean)/√(variance + ε) + β per channel, optionally followed by a fused activation',
  arity: [3, 4, 5],
  shape: (inputs, attrs) => perChannel('batchnorm', affineInputs(attrs, 3).count)(inputs, attrs, (x) => x),
  kernel(node, [x]) {
    const { gamma, beta } = affineInputs(node.attrs, 3);
    const [input, mean, variance] = node.inputs.slice(0, 3).map(buf);
    const args = [input!, mean!, variance!, optional(node, gamma), optional(node, beta), buf(node.id), rows(x!), last(x!), epsilonOf(node), actCode(node.attrs.activation)];
    return [{ kernel: 'batchnorm', args }];
  },
  grad(node, dy, g) {
    if (!normalizesByItsBatch(node, g)) {
      throw new Error(`batchnorm '${node.id}' normalizes with fixed statistics; only a batchnorm of its batch's own statistics (the training graph's) has a gradient rule`);
    }
    const { gamma, beta } = affineInputs(node.attrs, 3);
    const [x, mean, variance] = [g.input(0), g.input(1), g.input(2)];
    const dz = activationGradNode(node, dy!, g);
    const wants = (i: number | undefined) => i !== undefined && g.needsGrad(i);
    const eps = { epsilon: epsilonOf(node) };
    // Σ dz and Σ dz·x̂ are β's and γ's gradients, and what the input's gradient subtracts.
    const dshift = g.needsGrad(0) || wants(beta) ? g.node('bias_grad', [dz], {}, wants(beta) ? beta! : 'dshift') : undefined;
    const dscale = g.needsGrad(0) || wants(gamma) ? g.node('batchnorm_grad_scale', [x, mean, variance, dz], eps, wants(gamma) ? gamma! : 'dscale') : undefined;
    const scaleInput = gamma === undefined ? [] : [g.input(gamma)];
    const attrs = gamma === undefined ? { ...eps, scale: false } : eps;
    const grads: (Node | undefined)[] = [g.needsGrad(0) ? g.node('batchnorm_grad_input', [x, mean, variance, ...scaleInput, dz, dscale!, dshift!], attrs, 0) : undefined, undefined, undefined];
    if (gamma !== undefined) grads[gamma] = wants(gamma) ? dscale : undefined;
    if (beta !== undefined) grads[beta] = wants(beta) ? dshift : undefined;
    return grads;
  },
};

const epsilonOf = (node: Node) => node.attrs.epsilon as number;

/** Whether a batchnorm's mean and variance are the batch statistics of its own input. */
function normalizesByItsBatch(node: Node, g: GradContext): boolean {
  const [x, mean, variance] = node.inputs;
  const [m, v] = [g.input(1), g.input(2)];
  return m.op === 'batch_mean' && m.inputs[0] === x && v.op === 'batch_variance' && v.inputs[0] === x && v.inputs[1] === mean && variance === v.id;
}

/** Σ dz·x̂ per channel, x̂ = (x − mean)/√(variance + ε): γ's gradient. Inputs: x, mean, variance, dz. */
export const batchnormGradScaleOp: OpDef = {
  name: 'batchnorm_grad_scale',
  summary: 'the sum over the batch of the incoming gradient times the normalized input: the gradient of γ',
  arity: 4,
  shape: (inputs, attrs) => (sameShape(inputs[0]!.shape, inputs[3]!.shape) ? perChannel('batchnorm_grad_scale', 3)(inputs.slice(0, 3), attrs, channels) : mismatch('batchnorm_grad_scale')),
  kernel: (node, [x]) => [{ kernel: 'batchnormGradScale', args: [...node.inputs.map(buf), buf(node.id), rows(x!), last(x!), epsilonOf(node)] }],
};

/**
 * The input's gradient through the batch statistics: dx = γ·r·(dz − Σdz/M − x̂·Σ(dz·x̂)/M), with
 * r = 1/√(variance + ε) and M the values per channel. Inputs: x, mean, variance, [γ], dz, Σ dz·x̂, Σ dz.
 */
export const batchnormGradInputOp: OpDef = {
  name: 'batchnorm_grad_input',
  summary: 'the gradient of batch normalization with respect to its input, through the batch statistics',
  arity: [6, 7],
  shape(inputs, attrs) {
    const { count } = affineInputs({ scale: attrs.scale ?? true, center: false }, 3);
    const dz = inputs[count];
    if (inputs.length !== count + 3 || !dz || !sameShape(inputs[0]!.shape, dz.shape)) return mismatch('batchnorm_grad_input');
    return perChannel('batchnorm_grad_input', count + 2)([...inputs.slice(0, count), ...inputs.slice(count + 1)], attrs, (x) => x);
  },
  kernel(node, [x]) {
    const { gamma, count } = affineInputs({ scale: node.attrs.scale ?? true, center: false }, 3);
    const [input, mean, variance] = node.inputs.slice(0, 3).map(buf);
    const [dz, dscale, dshift] = node.inputs.slice(count).map(buf);
    const args = [input!, mean!, variance!, optional(node, gamma), dz!, dscale!, dshift!, buf(node.id), rows(x!), last(x!), epsilonOf(node)];
    return [{ kernel: 'batchnormGradInput', args }];
  },
};

/**
 * The weights of a conv2d or dense times each output channel's γ/√(variance + ε): the batchnorm
 * after it, folded in (fold-batchnorm). Inputs: w (its last axis the channels), variance, [γ].
 */
export const batchnormFoldWeightsOp: OpDef = {
  name: 'batchnorm_fold_weights',
  summary: "a layer's weights scaled per output channel by the batchnorm after it: γ/√(variance + ε)",
  arity: [2, 3],
  shape: ([w, ...rest], attrs) => foldShape('batchnorm_fold_weights', w!, rest, affineInputs({ ...attrs, center: false }, 2).count - 1),
  kernel(node, [w]) {
    const { gamma } = affineInputs({ ...node.attrs, center: false }, 2);
    return [{ kernel: 'batchnormFoldWeights', args: [buf(node.inputs[0]!), buf(node.inputs[1]!), optional(node, gamma), buf(node.id), elementsPerExample(w!.shape) / last(w!), last(w!), epsilonOf(node)] }];
  },
};

/**
 * The bias with the batchnorm folded in: (b − mean)·γ/√(variance + ε) + β. Inputs: b, mean,
 * variance, [γ], [β]; for a layer without a bias (`use_bias: false`, as before a batchnorm) b is
 * absent and taken as 0, so the folded layer gains the bias −mean·γ/√(variance + ε) + β.
 */
export const batchnormFoldBiasOp: OpDef = {
  name: 'batchnorm_fold_bias',
  summary: 'a bias with the batchnorm after its layer folded in: (b − mean)·γ/√(variance + ε) + β (b = 0 when use_bias=false)',
  arity: [2, 3, 4, 5],
  shape: (inputs, attrs) => {
    // without a bias input, the mean (input 0) gives the shape: one value per channel
    const count = affineInputs(attrs, biasInputs(attrs) + 2).count;
    return foldShape('batchnorm_fold_bias', inputs[0]!, inputs.slice(1), count - 1);
  },
  kernel(node, [first]) {
    const b = biasInputs(node.attrs);
    const { gamma, beta } = affineInputs(node.attrs, b + 2);
    const [mean, variance] = node.inputs.slice(b, b + 2).map(buf);
    const args = [b === 1 ? buf(node.inputs[0]!) : -1, mean!, variance!, optional(node, gamma), optional(node, beta), buf(node.id), last(first!), epsilonOf(node)];
    return [{ kernel: 'batchnormFoldBias', args }];
  },
};

/** How many bias inputs batchnorm_fold_bias reads: 1, or 0 for a layer with `use_bias: false`. */
const biasInputs = (attrs: Attrs): number => (attrs.use_bias === false ? 0 : 1);

const mismatch = (name: string) => problem((loc) => Messages.Internal.at(loc, `${name}: the gradient does not have the shape of the input`));

function foldShape(name: string, t: TensorType, perChannelInputs: readonly TensorType[], count: number): TensorType | ReturnType<typeof problem> {
  const c = last(t);
  if (t.shape[0] !== 'N' && perChannelInputs.length === count && perChannelInputs.every((p) => p.shape.length === 1 && p.shape[0] === c)) return t;
  return problem((loc) => Messages.Internal.at(loc, `${name} of ${formatShape(t.shape)} with ${perChannelInputs.map((p) => formatShape(p.shape)).join(', ')}`));
}

export const batchnormLayer: LayerDef = {
  op: 'batchnorm',
  summary: 'batch normalization over the last axis: batch statistics while training, moving statistics at inference',
  properties: {
    momentum: {
      type: 'number', minimum: 0, maximum: 1, default: BATCHNORM_DEFAULTS.momentum,
      description: `how much of the moving statistics each training step keeps (default ${BATCHNORM_DEFAULTS.momentum})`,
    },
    epsilon: {
      type: 'number', minimum: 1e-10, default: BATCHNORM_DEFAULTS.epsilon,
      description: `added to the variance before its square root (default ${BATCHNORM_DEFAULTS.epsilon})`,
    },
    center: { type: 'boolean', default: BATCHNORM_DEFAULTS.center, description: 'learn an offset β per channel (default true)' },
    scale: { type: 'boolean', default: BATCHNORM_DEFAULTS.scale, description: 'learn a factor γ per channel (default true)' },
  },
  required: [],
  inputs: { min: 1, max: 1 },
  lower(layer, [x], ctx) {
    const s = x!.type.shape;
    if (s.length < 2) {
      ctx.report(Messages.Internal.at(ctx.locate('op'), `batchnorm '${layer.name}' reads a value without a channel axis`));
      return undefined;
    }
    const c = last(x!.type);
    const num = (k: 'momentum' | 'epsilon') => (layer[k] as number | undefined) ?? BATCHNORM_DEFAULTS[k];
    const flag = (k: 'center' | 'scale') => (layer[k] as boolean | undefined) ?? BATCHNORM_DEFAULTS[k];
    const o = { momentum: num('momentum'), epsilon: num('epsilon'), center: flag('center'), scale: flag('scale') };
    const gamma = o.scale ? [ctx.param('gamma', [c], { kind: 'ones' })] : [];
    const beta = o.center ? [ctx.param('beta', [c], { kind: 'zeros' })] : [];
    const movingMean = ctx.state('moving_mean', [c], { kind: 'zeros' });
    const movingVariance = ctx.state('moving_variance', [c], { kind: 'ones' });
    const attrs: Attrs = { epsilon: o.epsilon, ...(o.scale ? {} : { scale: false }), ...(o.center ? {} : { center: false }) };
    if (!ctx.training) return ctx.node('batchnorm', [x!, movingMean, movingVariance, ...gamma, ...beta], attrs, layer.name);
    const mean = ctx.node('batch_mean', [x!], {}, `${layer.name}.mean`);
    const variance = mean && ctx.node('batch_variance', [x!, mean], {}, `${layer.name}.variance`);
    const y = variance && ctx.node('batchnorm', [x!, mean!, variance, ...gamma, ...beta], attrs, layer.name);
    const moved = (state: Node, batch: Node) => {
      const decayed = ctx.node('affine', [state], { scale: o.momentum, shift: 0 }, `${state.id}.decayed`);
      const fresh = ctx.node('affine', [batch], { scale: 1 - o.momentum, shift: 0 }, `${state.id}.batch`);
      const next = decayed && fresh && ctx.node('add', [decayed, fresh], {}, `${state.id}.next`);
      return next && ctx.update(state, next);
    };
    return y && moved(movingMean, mean!) && moved(movingVariance, variance!) ? y : undefined;
  },
};
