/**
 * dense: a fully connected layer on a flat [N, K] batch; weights [K, units] (Keras's layout), a
 * bias per unit. IR inputs: x, weights, bias. Like conv2d, its `activation:` lowers to its own
 * node and the fusion pass folds it back.
 */
import { Messages } from '../../diagnostics/messages.js';
import type { LayerDef, OpDef } from '../registry.js';
import { f32, formatShape } from '../types.js';
import { BATCH, batch, buf, problem, schema } from './common.js';
import { activationArgs, activationGradNode, activationSchema, alphaSchema } from './activation.js';
import { L2_ATTRIBUTE, l2Option } from './l2-penalty.js';
import type { TensorType } from '../types.js';

const dims = (w: TensorType) => w.shape as readonly number[];

export const denseOp: OpDef = {
  name: 'dense',
  summary: 'x·W + b, optionally followed by a fused activation',
  arity: 3,
  shape([x, w], attrs, ctx) {
    const s = x!.shape;
    if (s.length !== 2 || s[0] !== 'N') {
      return problem((loc) => Messages.NeedsFlatInput.at(loc, ctx.layer, 'dense', formatShape(s.slice(1)), ctx.from[0] ?? '?'), 'inputs');
    }
    if (w!.shape[0] !== s[1] || w!.shape[1] !== attrs.units) {
      return problem((loc) => Messages.Internal.at(loc, `dense '${ctx.layer}' weights ${formatShape(w!.shape)} do not fit input ${formatShape(s)}`));
    }
    return f32(batch(attrs.units as number));
  },
  macs: ([x], out) => (x!.shape[1] as number) * (out.shape[1] as number),
  connections: ([x], out) => ((x!.shape[1] as number) + 1) * (out.shape[1] as number),
  kernel: (node, [, w]) => [
    { kernel: 'dense', args: [...node.inputs.map(buf), buf(node.id), BATCH, dims(w!)[0]!, dims(w!)[1]!, ...activationArgs(node.attrs.activation, node.attrs.alpha)] },
  ],
  grad(node, dy, g) {
    const [x, w] = [g.input(0), g.input(1)];
    const dz = activationGradNode(node, dy!, g);
    return [
      g.needsGrad(0) ? g.node('dense_grad_input', [dz, w], {}, 0) : undefined,
      g.needsGrad(1) ? g.node('dense_grad_weight', [x, dz], {}, 1) : undefined,
      g.needsGrad(2) ? g.node('bias_grad', [dz], {}, 2) : undefined,
    ];
  },
};

/** dx = dz · wᵀ */
export const denseGradInputOp: OpDef = {
  name: 'dense_grad_input',
  summary: 'the gradient of a dense layer with respect to its input',
  arity: 2,
  shape: ([, w]) => f32(batch(dims(w!)[0]!)),
  kernel: (node, [, w]) => [{ kernel: 'denseGradInput', args: [...node.inputs.map(buf), buf(node.id), BATCH, dims(w!)[0]!, dims(w!)[1]!] }],
};

/** dw = xᵀ · dz */
export const denseGradWeightOp: OpDef = {
  name: 'dense_grad_weight',
  summary: 'the gradient of a dense layer with respect to its weights',
  arity: 2,
  shape: ([x, dz]) => f32([x!.shape[1]!, dz!.shape[1]!]),
  kernel: (node, [x, dz]) => [
    { kernel: 'denseGradWeight', args: [...node.inputs.map(buf), buf(node.id), BATCH, x!.shape[1] as number, dz!.shape[1] as number] },
  ],
};

export const denseLayer: LayerDef = {
  op: 'dense',
  summary: 'a fully connected layer; its input must be flat (use flatten after convolutions)',
  properties: {
    units: schema.positiveInt('number of outputs'),
    activation: activationSchema('applied to the output (default linear)'),
    alpha: alphaSchema,
    l2: L2_ATTRIBUTE,
  },
  required: ['units'],
  inputs: { min: 1, max: 1 },
  lower(layer, [x], ctx) {
    const s = x!.type.shape;
    if (s.length !== 2) {
      ctx.report(Messages.NeedsFlatInput.at(ctx.locate('op'), layer.name, 'dense', formatShape(s.slice(1)), x!.layer || 'input'));
      return undefined;
    }
    const k = s[1] as number;
    const units = layer.units as number;
    const w = ctx.param('w', [k, units], { kind: 'glorot_uniform', fanIn: k, fanOut: units }, l2Option(layer));
    const b = ctx.param('b', [units], { kind: 'zeros' });
    const y = ctx.node('dense', [x!, w, b], { units });
    return y && ctx.activation(y, (layer.activation as string | undefined) ?? 'linear');
  },
};
