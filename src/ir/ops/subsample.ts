/**
 * subsample: the 1998 paper's subsampling layer (S2, S4). Each output is the sum of a window of
 * its channel, times a trainable coefficient of that channel, plus a trainable bias of that
 * channel, then an activation (the paper's squashing function): 2 parameters per channel. The
 * windows do not overlap (stride = window by default) and there is no padding.
 * IR inputs: x, coef [C], bias [C].
 */
import { Messages } from '../../diagnostics/messages.js';
import type { KernelArg, LayerDef, OpDef } from '../registry.js';
import { f32, formatShape, type Node, type TensorType } from '../types.js';
import { activationArgs, activationGradNode, activationSchema, alphaSchema } from './activation.js';
import { attrNums, BATCH, batch, buf, imageDims, pair, problem, schema, windowOutput } from './common.js';

/** n, H, W, C, OH, OW, PH, PW, SH, SW */
function geometry(x: TensorType, y: TensorType, attrs: Node['attrs']): KernelArg[] {
  const [, H, W, C] = x.shape as number[];
  const [, OH, OW] = y.shape as number[];
  return [BATCH, H!, W!, C!, OH!, OW!, ...attrNums(attrs.pool), ...attrNums(attrs.stride)];
}

export const subsampleOp: OpDef = {
  name: 'subsample',
  summary: 'coef[c]·(window sum) + bias[c], optionally followed by a fused activation',
  arity: 3,
  shape([x, coef], attrs, ctx) {
    const hwc = imageDims(x!, 'subsample', ctx);
    if (!Array.isArray(hwc)) return hwc;
    if (coef!.shape[0] !== hwc[2]) {
      return problem((loc) => Messages.Internal.at(loc, `subsample '${ctx.layer}' has ${formatShape(coef!.shape)} coefficients for ${hwc[2]} channels`));
    }
    const out = windowOutput(hwc, attrNums(attrs.pool) as [number, number], attrNums(attrs.stride) as [number, number], [0, 0, 0, 0], 'pool window', 'pool', ctx);
    if (!Array.isArray(out)) return out;
    return f32(batch(out[0], out[1], hwc[2]));
  },
  macs: (_xs, out) => (out.shape[1] as number) * (out.shape[2] as number) * (out.shape[3] as number),
  connections(_xs, out, attrs) {
    const [ph, pw] = attrNums(attrs.pool);
    return (out.shape[1] as number) * (out.shape[2] as number) * (out.shape[3] as number) * (ph! * pw! + 1);
  },
  kernel: (node, [x]) => [
    { kernel: 'subsample', args: [...node.inputs.map(buf), buf(node.id), ...geometry(x!, node.type, node.attrs), ...activationArgs(node.attrs.activation, node.attrs.alpha)] },
  ],
  grad(node, dy, g) {
    const [x, coef] = [g.input(0), g.input(1)];
    const dz = activationGradNode(node, dy!, g);
    const attrs = { pool: node.attrs.pool!, stride: node.attrs.stride!, input: (x.type.shape as number[]).slice(1) };
    return [
      g.needsGrad(0) ? g.node('subsample_grad_input', [dz, coef], attrs, 0) : undefined,
      g.needsGrad(1) ? g.node('subsample_grad_coef', [x, dz], attrs, 1) : undefined,
      g.needsGrad(2) ? g.node('bias_grad', [dz], {}, 2) : undefined,
    ];
  },
};

export const subsampleGradInputOp: OpDef = {
  name: 'subsample_grad_input',
  summary: 'the gradient of subsampling with respect to its input',
  arity: 2,
  shape: (_xs, attrs) => f32(['N', ...attrNums(attrs.input)]),
  kernel: (node, [dz]) => [{ kernel: 'subsampleGradInput', args: [...node.inputs.map(buf), buf(node.id), ...geometry(node.type, dz!, node.attrs)] }],
};

export const subsampleGradCoefOp: OpDef = {
  name: 'subsample_grad_coef',
  summary: 'the gradient of subsampling with respect to its coefficients',
  arity: 2,
  shape: ([x]) => f32([x!.shape[3]!]),
  kernel: (node, [x, dz]) => [{ kernel: 'subsampleGradCoef', args: [...node.inputs.map(buf), buf(node.id), ...geometry(x!, dz!, node.attrs)] }],
};

export const subsampleLayer: LayerDef = {
  op: 'subsample',
  summary: "the 1998 paper's subsampling: a window's sum times a trainable coefficient plus a trainable bias, per channel",
  properties: {
    pool: schema.window('window height and width: an int, or [ph, pw]'),
    stride: schema.window('step between windows (default: the pool size)'),
    activation: activationSchema('applied to the output (default linear; the paper uses scaled_tanh)'),
    alpha: alphaSchema,
  },
  required: ['pool'],
  inputs: { min: 1, max: 1 },
  lower(layer, [x], ctx) {
    const hwc = ctx.image(x!, 'subsample');
    if (!hwc) return undefined;
    const pool = pair(layer.pool, [2, 2]);
    const stride = pair(layer.stride, pool);
    // The coefficient starts at 1/(window area): the layer starts as an average pooling.
    const coef = ctx.param('coef', [hwc[2]], { kind: 'constant', value: 1 / (pool[0] * pool[1]) });
    const bias = ctx.param('b', [hwc[2]], { kind: 'zeros' });
    const y = ctx.node('subsample', [x!, coef, bias], { pool, stride });
    return y && ctx.activation(y, (layer.activation as string | undefined) ?? 'linear');
  },
};
