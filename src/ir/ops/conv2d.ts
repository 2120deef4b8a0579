/**
 * conv2d: 2-D convolution over an [N, H, W, C] batch, weights [kh, kw, cin, filters] (Keras's
 * layout), a bias per filter unless `use_bias: false`. IR inputs: x, weights, the bias when there
 * is one, and with a connection table (the 1998 paper's C3) a fixed 0/1 mask of the weights'
 * shape. A `dilation` d spaces the kernel's taps d pixels apart (Keras's dilation_rate): the
 * window spans (k − 1)·d + 1 pixels, and the kernels take (DH, DW) after their geometry.
 *
 * The spec's `activation:` is lowered to its own node; the fusion pass folds it back in as the
 * IR attribute `activation`.
 */
import { Messages } from '../../diagnostics/messages.js';
import type { LayerDef, LowerContext, OpDef } from '../registry.js';
import { f32, formatShape } from '../types.js';
import { attrNums, BATCH, batch, buf, dilated, explicitPadding, imageDims, pair, problem, rows, schema, windowOutput } from './common.js';
import { activationArgs, activationGradNode, activationSchema, alphaSchema } from './activation.js';
import { L2_ATTRIBUTE, l2Option } from './l2-penalty.js';
import type { KernelArg } from '../registry.js';
import type { KernelName } from '../../runtime/kernels/types.js';
import type { Node, TensorType } from '../types.js';

/** The geometry arguments every conv kernel shares: n, H, W, C, OH, OW, F, KH, KW, SH, SW, PT, PL. */
function geometry(x: TensorType, y: TensorType, attrs: Node['attrs']): KernelArg[] {
  const [, H, W, C] = x.shape as number[];
  const [, OH, OW, F] = y.shape as number[];
  const [KH, KW] = attrNums(attrs.kernel);
  const [SH, SW] = attrNums(attrs.stride);
  const [PT, , PL] = attrNums(attrs.padding);
  return [BATCH, H!, W!, C!, OH!, OW!, F!, KH!, KW!, SH!, SW!, PT!, PL!];
}

/** (DH, DW) when the taps are spaced, for the dilated kernels; nothing for an ordinary convolution. */
function dilationArgs(attrs: Node['attrs']): KernelArg[] {
  const d = attrNums(attrs.dilation);
  return d.length === 2 && (d[0] !== 1 || d[1] !== 1) ? d : [];
}

/** Each conv kernel's twin for spaced taps, which takes (DH, DW) after the geometry. */
const DILATED = {
  conv2d: 'conv2dDilated',
  conv2dGradInput: 'conv2dDilatedGradInput',
  conv2dGradFilter: 'conv2dDilatedGradFilter',
} as const satisfies Record<string, KernelName>;

const kernelName = (name: keyof typeof DILATED, attrs: Node['attrs']): KernelName => (dilationArgs(attrs).length === 0 ? name : DILATED[name]);

/** Whether a conv2d node has a bias (input 2); `use_bias: false` has none. */
export const hasBias = (attrs: Node['attrs']): boolean => attrs.use_bias !== false;

/**
 * Whether a layer's bias input is what its attributes ask for: one value per output channel, or
 * nothing to check with `use_bias: false`. A node a pass left without its bias is refused here
 * rather than failing on a missing input's shape.
 */
export const biasFits = (attrs: Node['attrs'], b: TensorType | undefined, channels: number): boolean =>
  !hasBias(attrs) || (b !== undefined && b.shape.length === 1 && b.shape[0] === channels);

/** Input channels read, summed over the filters: all of them, or as the connection table says. */
function connectedInputs(attrs: Node['attrs'], filters: number, channels: number): number {
  const table = attrs.connections as readonly (readonly number[])[] | undefined;
  return table ? table.reduce((a, t) => a + t.length, 0) : filters * channels;
}

/** The attributes the gradient ops need to redo the forward geometry. */
const geometryAttrs = (n: Node) => ({
  kernel: n.attrs.kernel!,
  stride: n.attrs.stride!,
  padding: n.attrs.padding!,
  ...(n.attrs.dilation !== undefined ? { dilation: n.attrs.dilation } : {}),
});

export const conv2dOp: OpDef = {
  name: 'conv2d',
  summary: 'a 2-D convolution plus bias (unless use_bias=false), optionally followed by a fused activation (last input: a connection mask)',
  arity: [2, 3, 4],
  shape([x, w, b], attrs, ctx) {
    const hwc = imageDims(x!, 'conv2d', ctx);
    if (!Array.isArray(hwc)) return hwc;
    const [kh, kw] = attrNums(attrs.kernel) as [number, number];
    const filters = attrs.filters as number;
    const ws = w!.shape;
    if (ws.length !== 4 || ws[0] !== kh || ws[1] !== kw || ws[2] !== hwc[2] || ws[3] !== filters || !biasFits(attrs, b, filters)) {
      return problem((loc) =>
        Messages.Internal.at(loc, `conv2d '${ctx.layer}' weights ${formatShape(ws)} do not fit input ${formatShape(x!.shape)}`),
      );
    }
    const spaced = dilationArgs(attrs).length > 0;
    const out = windowOutput(
      hwc,
      dilated([kh, kw], attrs.dilation),
      attrNums(attrs.stride) as [number, number],
      attrNums(attrs.padding) as [number, number, number, number],
      spaced ? 'dilated kernel' : 'kernel',
      spaced ? 'dilation' : 'kernel',
      ctx,
    );
    if (!Array.isArray(out)) return out;
    return f32(batch(out[0], out[1], filters));
  },
  // with a connection table, only the connected weights count
  macs([x], out, attrs) {
    const [kh, kw] = attrNums(attrs.kernel);
    const [, oh, ow, f] = out.shape as number[];
    return oh! * ow! * kh! * kw! * connectedInputs(attrs, f!, x!.shape[3] as number);
  },
  connections([x], out, attrs) {
    const [kh, kw] = attrNums(attrs.kernel);
    const [, oh, ow, f] = out.shape as number[];
    return oh! * ow! * (connectedInputs(attrs, f!, x!.shape[3] as number) * kh! * kw! + (hasBias(attrs) ? f! : 0));
  },
  // (weights held at zero where the table disconnects them compute nothing, but cost the same)
  kernel: (node, [x]) => [
    {
      kernel: kernelName('conv2d', node.attrs),
      // without a bias, −1 in its place
      args: [
        ...node.inputs.slice(0, 2).map(buf),
        hasBias(node.attrs) ? buf(node.inputs[2]!) : -1,
        buf(node.id),
        ...geometry(x!, node.type, node.attrs),
        ...dilationArgs(node.attrs),
        ...activationArgs(node.attrs.activation, node.attrs.alpha),
      ],
    },
  ],
  grad(node, dy, g) {
    const [x, w] = [g.input(0), g.input(1)];
    const dz = activationGradNode(node, dy!, g);
    const attrs = geometryAttrs(node);
    const bias = hasBias(node.attrs);
    const mask = bias ? 3 : 2;
    let dw: Node | undefined;
    if (g.needsGrad(1)) {
      // With a connection table, the mask zeroes the gradient of disconnected weights, which
      // start at zero too: they never move.
      dw = node.inputs.length > mask ? g.node('mul', [g.node('conv2d_grad_filter', [x, dz], attrs, 'dense_w'), g.input(mask)], {}, 1) : g.node('conv2d_grad_filter', [x, dz], attrs, 1);
    }
    const grads = [
      g.needsGrad(0) ? g.node('conv2d_grad_input', [dz, w], { ...attrs, input: (x.type.shape as number[]).slice(1) }, 0) : undefined,
      dw,
    ];
    if (bias) grads.push(g.needsGrad(2) ? g.node('bias_grad', [dz], {}, 2) : undefined);
    return [...grads, ...node.inputs.slice(grads.length).map(() => undefined)];
  },
};

/** dx = the gradient of conv2d with respect to its input, from dz and the weights. */
export const conv2dGradInputOp: OpDef = {
  name: 'conv2d_grad_input',
  summary: 'the gradient of a convolution with respect to its input',
  arity: 2,
  shape: (_xs, attrs) => f32(['N', ...attrNums(attrs.input)]),
  kernel: (node, [dz]) => [
    { kernel: kernelName('conv2dGradInput', node.attrs), args: [...node.inputs.map(buf), buf(node.id), ...geometry(node.type, dz!, node.attrs), ...dilationArgs(node.attrs)] },
  ],
};

/** dw = the gradient of conv2d with respect to its weights, from the input and dz. */
export const conv2dGradFilterOp: OpDef = {
  name: 'conv2d_grad_filter',
  summary: 'the gradient of a convolution with respect to its weights',
  arity: 2,
  shape: ([x, dz], attrs) => f32([...attrNums(attrs.kernel), x!.shape[3]!, dz!.shape[3]!]),
  kernel: (node, [x, dz]) => [
    { kernel: kernelName('conv2dGradFilter', node.attrs), args: [...node.inputs.map(buf), buf(node.id), ...geometry(x!, dz!, node.attrs), ...dilationArgs(node.attrs)] },
  ],
};

/** db = dz summed over every axis but the last. */
export const biasGradOp: OpDef = {
  name: 'bias_grad',
  summary: 'the gradient of a bias: the incoming gradient summed over all but its last axis',
  arity: 1,
  shape: ([dz]) => f32([dz!.shape[dz!.shape.length - 1]!]),
  kernel: (node, [dz]) => [{ kernel: 'biasGrad', args: [buf(node.inputs[0]!), buf(node.id), rows(dz!), node.type.shape[0] as number] }],
};

export const conv2dLayer: LayerDef = {
  op: 'conv2d',
  summary: '2-D convolution over height and width, with a bias per filter',
  properties: {
    filters: schema.positiveInt('number of output channels'),
    kernel: schema.window('kernel height and width: an int for a square kernel, or [kh, kw]'),
    stride: schema.window('step between windows (default 1)'),
    padding: schema.padding("'valid' (default: no padding), 'same' (output size = input size / stride), or pixels on each side", true),
    activation: activationSchema('applied to the output (default linear)'),
    alpha: alphaSchema,
    connections: {
      type: 'array',
      description: 'for each filter, the input channels it reads (default: all); disconnected weights stay zero',
      items: { type: 'array', items: { type: 'integer', minimum: 0 }, minItems: 1 },
    },
    use_bias: schema.useBias('add a trainable bias per filter (default true); false leaves the layer without one, as before a batchnorm'),
    dilation: { ...schema.window("spacing between the kernel's taps, an int or [dh, dw] (default 1: adjacent pixels); Keras's dilation_rate"), default: 1 },
    l2: L2_ATTRIBUTE,
  },
  required: ['filters', 'kernel'],
  inputs: { min: 1, max: 1 },
  lower(layer, [x], ctx) {
    const hwc = ctx.image(x!, 'conv2d');
    if (!hwc) return undefined;
    const [h, w_, cin] = hwc;
    const kernel = pair(layer.kernel, [1, 1]);
    const stride = pair(layer.stride, [1, 1]);
    const dilation = pair(layer.dilation, [1, 1]);
    const padding = explicitPadding(layer.padding, [h, w_], dilated(kernel, dilation), stride);
    const filters = layer.filters as number;
    const table = layer.connections as number[][] | undefined;
    if (table && !checkConnections(table, cin, filters, layer.name, ctx)) return undefined;
    const maskNode = table && ctx.param('mask', [kernel[0], kernel[1], cin, filters], { kind: 'connections', table }, { trainable: false, role: 'mask' });
    const w = ctx.param(
      'w',
      [kernel[0], kernel[1], cin, filters],
      { kind: 'glorot_uniform', fanIn: kernel[0] * kernel[1] * cin, fanOut: kernel[0] * kernel[1] * filters },
      maskNode ? { mask: maskNode, ...l2Option(layer) } : l2Option(layer),
    );
    const bias = layer.use_bias !== false;
    const b = bias ? [ctx.param('b', [filters], { kind: 'zeros' })] : [];
    const attrs = {
      filters,
      kernel,
      stride,
      padding,
      ...(dilation[0] !== 1 || dilation[1] !== 1 ? { dilation } : {}),
      ...(bias ? {} : { use_bias: false }),
      ...(table ? { connections: table } : {}),
    };
    const y = ctx.node('conv2d', [x!, w, ...b, ...(maskNode ? [maskNode] : [])], attrs);
    return y && ctx.activation(y, (layer.activation as string | undefined) ?? 'linear');
  },
};

/** Whether a connection table fits the layer: one list per filter, of distinct input channels (reported when not). */
function checkConnections(table: number[][], cin: number, filters: number, layer: string, ctx: LowerContext): boolean {
  const at = ctx.locate('connections');
  if (table.length !== filters) {
    ctx.report(Messages.ConnectionsTable.at(at, layer, `'connections' lists ${table.length} filters, but the layer has ${filters}: give one list of input channels per filter`));
    return false;
  }
  for (const [f, reads] of table.entries()) {
    const bad = reads.find((c) => c >= cin);
    if (bad !== undefined) {
      ctx.report(Messages.ConnectionsTable.at(at, layer, `filter ${f} reads channel ${bad}, but the input has channels 0 to ${cin - 1}`));
      return false;
    }
    if (new Set(reads).size !== reads.length) {
      ctx.report(Messages.ConnectionsTable.at(at, layer, `filter ${f} lists a channel twice (${reads.join(', ')})`));
      return false;
    }
  }
  return true;
}
