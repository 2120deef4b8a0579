/**
 * depthwise_conv2d: each input channel convolved with its own `depth_multiplier` kernels (Keras's
 * DepthwiseConv2D). x [N, H, W, C], weights [kh, kw, C, M] (Keras's layout), a bias per output
 * channel unless `use_bias: false`; output [N, OH, OW, C·M], output channel c·M + m being input
 * channel c's m-th kernel. IR inputs: x, weights, and the bias when there is one.
 *
 *   %dw: f32[N,28,28,8] = depthwise_conv2d(%c1, %dw.w, %dw.b) {depth_multiplier=1, kernel=[3,3], ...}
 *
 * Kernel arguments: n, H, W, C, OH, OW, M, KH, KW, SH, SW, PT, PL (conv2d's, with M for F).
 */
import { Messages } from '../../diagnostics/messages.js';
import type { KernelArg, LayerDef, OpDef } from '../registry.js';
import { f32, formatShape, type Node, type TensorType } from '../types.js';
import { activationArgs, activationGradNode, activationSchema, alphaSchema } from './activation.js';
import { attrNums, BATCH, batch, buf, explicitPadding, imageDims, pair, problem, schema, windowOutput } from './common.js';
import { biasFits, hasBias } from './conv2d.js';
import { L2_ATTRIBUTE, l2Option } from './l2-penalty.js';

/** Keras's default */
export const DEPTH_MULTIPLIER = 1;

/** n, H, W, C, OH, OW, M, KH, KW, SH, SW, PT, PL */
function geometry(x: TensorType, y: TensorType, attrs: Node['attrs']): KernelArg[] {
  const [, H, W, C] = x.shape as number[];
  const [, OH, OW] = y.shape as number[];
  const [PT, , PL] = attrNums(attrs.padding);
  return [BATCH, H!, W!, C!, OH!, OW!, attrs.depth_multiplier as number, ...attrNums(attrs.kernel), ...attrNums(attrs.stride), PT!, PL!];
}

const geometryAttrs = (n: Node) => ({
  kernel: n.attrs.kernel!,
  stride: n.attrs.stride!,
  padding: n.attrs.padding!,
  depth_multiplier: n.attrs.depth_multiplier!,
});

export const depthwiseConv2dOp: OpDef = {
  name: 'depthwise_conv2d',
  summary: 'each channel convolved with its own depth_multiplier kernels, plus bias (unless use_bias=false), optionally followed by a fused activation',
  arity: [2, 3],
  shape([x, w, b], attrs, ctx) {
    const hwc = imageDims(x!, 'depthwise_conv2d', ctx);
    if (!Array.isArray(hwc)) return hwc;
    const [kh, kw] = attrNums(attrs.kernel) as [number, number];
    const m = attrs.depth_multiplier as number;
    const ws = w!.shape;
    if (ws.length !== 4 || ws[0] !== kh || ws[1] !== kw || ws[2] !== hwc[2] || ws[3] !== m || !biasFits(attrs, b, hwc[2] * m) || (!hasBias(attrs) && b !== undefined)) {
      return problem((loc) =>
        Messages.Internal.at(loc, `depthwise_conv2d '${ctx.layer}' weights ${formatShape(ws)} do not fit input ${formatShape(x!.shape)}`),
      );
    }
    const out = windowOutput(
      hwc,
      [kh, kw],
      attrNums(attrs.stride) as [number, number],
      attrNums(attrs.padding) as [number, number, number, number],
      'kernel',
      'kernel',
      ctx,
    );
    if (!Array.isArray(out)) return out;
    return f32(batch(out[0], out[1], hwc[2] * m));
  },
  // one multiply-add per tap per output value, as for a conv2d of one input channel
  macs([, w], out) {
    const [kh, kw] = w!.shape as number[];
    const [, oh, ow, cm] = out.shape as number[];
    return oh! * ow! * cm! * kh! * kw!;
  },
  connections([, w], out, attrs) {
    const [kh, kw] = w!.shape as number[];
    const [, oh, ow, cm] = out.shape as number[];
    return oh! * ow! * cm! * (kh! * kw! + (hasBias(attrs) ? 1 : 0));
  },
  kernel: (node, [x]) => [
    {
      kernel: 'depthwiseConv2d',
      args: [
        ...node.inputs.slice(0, 2).map(buf),
        hasBias(node.attrs) ? buf(node.inputs[2]!) : -1,
        buf(node.id),
        ...geometry(x!, node.type, node.attrs),
        ...activationArgs(node.attrs.activation, node.attrs.alpha),
      ],
    },
  ],
  grad(node, dy, g) {
    const [x, w] = [g.input(0), g.input(1)];
    const dz = activationGradNode(node, dy!, g);
    const attrs = geometryAttrs(node);
    return [
      g.needsGrad(0) ? g.node('depthwise_conv2d_grad_input', [dz, w], { ...attrs, input: (x.type.shape as number[]).slice(1) }, 0) : undefined,
      g.needsGrad(1) ? g.node('depthwise_conv2d_grad_filter', [x, dz], attrs, 1) : undefined,
      ...(hasBias(node.attrs) ? [g.needsGrad(2) ? g.node('bias_grad', [dz], {}, 2) : undefined] : []),
    ];
  },
};

/** dx = the gradient of depthwise_conv2d with respect to its input, from dz and the weights. */
export const depthwiseConv2dGradInputOp: OpDef = {
  name: 'depthwise_conv2d_grad_input',
  summary: 'the gradient of a depthwise convolution with respect to its input',
  arity: 2,
  shape: (_xs, attrs) => f32(['N', ...attrNums(attrs.input)]),
  kernel: (node, [dz]) => [
    { kernel: 'depthwiseConv2dGradInput', args: [...node.inputs.map(buf), buf(node.id), ...geometry(node.type, dz!, node.attrs)] },
  ],
};

/** dw = the gradient of depthwise_conv2d with respect to its weights, from the input and dz. */
export const depthwiseConv2dGradFilterOp: OpDef = {
  name: 'depthwise_conv2d_grad_filter',
  summary: 'the gradient of a depthwise convolution with respect to its weights',
  arity: 2,
  shape: ([x], attrs) => f32([...attrNums(attrs.kernel), x!.shape[3]!, attrs.depth_multiplier as number]),
  kernel: (node, [x, dz]) => [
    { kernel: 'depthwiseConv2dGradFilter', args: [...node.inputs.map(buf), buf(node.id), ...geometry(x!, dz!, node.attrs)] },
  ],
};

export const depthwiseConv2dLayer: LayerDef = {
  op: 'depthwise_conv2d',
  summary: 'a 2-D convolution of each channel on its own (depth_multiplier kernels per channel), with a bias per output channel',
  properties: {
    kernel: schema.window('kernel height and width: an int for a square kernel, or [kh, kw]'),
    depth_multiplier: { ...schema.positiveInt(`output channels per input channel (default ${DEPTH_MULTIPLIER})`), default: DEPTH_MULTIPLIER },
    stride: schema.window('step between windows (default 1)'),
    padding: schema.padding("'valid' (default: no padding) or 'same' (output size = input size / stride)", false),
    activation: activationSchema('applied to the output (default linear)'),
    alpha: alphaSchema,
    use_bias: schema.useBias('add a trainable bias per output channel (default true)'),
    l2: L2_ATTRIBUTE,
  },
  required: ['kernel'],
  inputs: { min: 1, max: 1 },
  lower(layer, [x], ctx) {
    const hwc = ctx.image(x!, 'depthwise_conv2d');
    if (!hwc) return undefined;
    const [h, w_, c] = hwc;
    const kernel = pair(layer.kernel, [1, 1]);
    const stride = pair(layer.stride, [1, 1]);
    const padding = explicitPadding(layer.padding, [h, w_], kernel, stride);
    const m = (layer.depth_multiplier as number | undefined) ?? DEPTH_MULTIPLIER;
    // Keras's glorot_uniform on a [kh, kw, C, M] kernel: fans of kh·kw·C in and kh·kw·M out
    const init = { kind: 'glorot_uniform', fanIn: kernel[0] * kernel[1] * c, fanOut: kernel[0] * kernel[1] * m } as const;
    const w = ctx.param('w', [kernel[0], kernel[1], c, m], init, l2Option(layer));
    const bias = layer.use_bias !== false;
    const b = bias ? [ctx.param('b', [c * m], { kind: 'zeros' })] : [];
    const y = ctx.node('depthwise_conv2d', [x!, w, ...b], { kernel, stride, padding, depth_multiplier: m, ...(bias ? {} : { use_bias: false }) });
    return y && ctx.activation(y, (layer.activation as string | undefined) ?? 'linear');
  },
};
