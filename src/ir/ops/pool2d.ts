/**
 * avgpool2d and maxpool2d: one family, two ops that differ only in the reduction. With `same`
 * padding, average pooling divides by the number of real (unpadded) inputs in the window, as
 * Keras does.
 */
import type { KernelArg, LayerDef, OpDef } from '../registry.js';
import { f32, type Node, type TensorType } from '../types.js';
import { activationArgs } from './activation.js';
import { attrNums, BATCH, batch, buf, explicitPadding, imageDims, pair, schema, windowOutput } from './common.js';

/** n, H, W, C, OH, OW, PH, PW, SH, SW, PT, PL */
function geometry(x: TensorType, y: TensorType, attrs: Node['attrs']): KernelArg[] {
  const [, H, W, C] = x.shape as number[];
  const [, OH, OW] = y.shape as number[];
  const [PH, PW] = attrNums(attrs.pool);
  const [SH, SW] = attrNums(attrs.stride);
  const [PT, , PL] = attrNums(attrs.padding);
  return [BATCH, H!, W!, C!, OH!, OW!, PH!, PW!, SH!, SW!, PT!, PL!];
}

const poolAttrs = (n: Node) => ({ pool: n.attrs.pool!, stride: n.attrs.stride!, padding: n.attrs.padding! });

function poolOp(name: 'avgpool2d' | 'maxpool2d', summary: string): OpDef {
  const isMax = name === 'maxpool2d';
  return {
    name,
    summary,
    arity: 1,
    connections(_xs, out, attrs) {
      const [ph, pw] = attrNums(attrs.pool);
      return (out.shape[1] as number) * (out.shape[2] as number) * (out.shape[3] as number) * ph! * pw!;
    },
    kernel: (node, [x]) => [{ kernel: isMax ? 'maxpool' : 'avgpool', args: [buf(node.inputs[0]!), buf(node.id), ...geometry(x!, node.type, node.attrs)] }],
    grad(node, dy, g) {
      if (!g.needsGrad(0)) return [undefined];
      const x = g.input(0);
      const attrs = { ...poolAttrs(node), input: (x.type.shape as number[]).slice(1) };
      return [isMax ? g.node('maxpool2d_grad', [x, dy!], attrs, 0) : g.node('avgpool2d_grad', [dy!], attrs, 0)];
    },
    shape([x], attrs, ctx) {
      const hwc = imageDims(x!, name, ctx);
      if (!Array.isArray(hwc)) return hwc;
      const out = windowOutput(
        hwc,
        attrNums(attrs.pool) as [number, number],
        attrNums(attrs.stride) as [number, number],
        attrNums(attrs.padding) as [number, number, number, number],
        'pool window',
        'pool',
        ctx,
      );
      if (!Array.isArray(out)) return out;
      return f32(batch(out[0], out[1], hwc[2]));
    },
  };
}

function poolLayer(op: 'avgpool2d' | 'maxpool2d', summary: string): LayerDef {
  return {
    op,
    summary,
    properties: {
      pool: schema.window('window height and width: an int, or [ph, pw]'),
      stride: schema.window('step between windows (default: the pool size)'),
      padding: schema.padding("'valid' (default) or 'same'", false),
    },
    required: ['pool'],
    inputs: { min: 1, max: 1 },
    lower(layer, [x], ctx) {
      const hwc = ctx.image(x!, op);
      if (!hwc) return undefined;
      const pool = pair(layer.pool, [2, 2]);
      const stride = pair(layer.stride, pool);
      const padding = explicitPadding(layer.padding, [hwc[0], hwc[1]], pool, stride);
      return ctx.node(op, [x!], { pool, stride, padding });
    },
  };
}

/**
 * dx = each dy spread evenly over the real pixels of its window. With an `activation` (set by
 * the fuse-activation-grads pass) and a second input, the output y of that activation which
 * the pool read (its input, for gelu and swish), dx is the gradient before the activation.
 */
export const avgpool2dGradOp: OpDef = {
  name: 'avgpool2d_grad',
  summary: 'the gradient of average pooling (and of the activation before it, when fused)',
  arity: [1, 2],
  shape: (_xs, attrs) => f32(['N', ...attrNums(attrs.input)]),
  kernel(node, [dy]) {
    const [dyBuf, yBuf] = node.inputs.map(buf);
    const geo = geometry(node.type, dy!, node.attrs);
    if (node.attrs.activation === undefined) return [{ kernel: 'avgpoolGrad', args: [dyBuf!, buf(node.id), ...geo] }];
    return [{ kernel: 'avgpoolGradActivation', args: [dyBuf!, yBuf!, buf(node.id), ...geo, ...activationArgs(node.attrs.activation, node.attrs.alpha)] }];
  },
};

/** dx = each dy routed to the first maximum of its window in x */
export const maxpool2dGradOp: OpDef = {
  name: 'maxpool2d_grad',
  summary: 'the gradient of max pooling, from the pooled input',
  arity: 2,
  shape: ([x]) => x!,
  kernel: (node, [x, dy]) => [{ kernel: 'maxpoolGrad', args: [...node.inputs.map(buf), buf(node.id), ...geometry(x!, dy!, node.attrs)] }],
};

export const avgpool2dOp = poolOp('avgpool2d', 'the mean of each window, per channel');
export const maxpool2dOp = poolOp('maxpool2d', 'the maximum of each window, per channel');
export const avgpool2dLayer = poolLayer('avgpool2d', 'average pooling over height and width');
export const maxpool2dLayer = poolLayer('maxpool2d', 'max pooling over height and width');
