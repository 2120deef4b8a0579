/** pad: zero padding around the height and width of an image batch. */
import type { LayerDef, OpDef } from '../registry.js';
import { f32 } from '../types.js';
import { attrNums, BATCH, batch, buf, imageDims } from './common.js';
import type { TensorType } from '../types.js';

/** n, H, W, C of the unpadded tensor, then the padding. */
const geometry = (x: TensorType, padding: unknown) => [BATCH, ...(x.shape.slice(1) as number[]), ...attrNums(padding)];

export const padOp: OpDef = {
  name: 'pad',
  summary: 'zeros around height and width: padding = [top, bottom, left, right]',
  arity: 1,
  shape([x], attrs, ctx) {
    const hwc = imageDims(x!, 'pad', ctx);
    if (!Array.isArray(hwc)) return hwc;
    const [t, b, l, r] = attrNums(attrs.padding) as [number, number, number, number];
    return f32(batch(hwc[0] + t + b, hwc[1] + l + r, hwc[2]));
  },
  kernel: (node, [x]) => [{ kernel: 'pad', args: [buf(node.inputs[0]!), buf(node.id), ...geometry(x!, node.attrs.padding)] }],
  grad: (node, dy, g) => [g.needsGrad(0) ? g.node('crop', [dy!], { padding: node.attrs.padding! }, 0) : undefined],
};

/** The inverse of pad: drop `padding` = [top, bottom, left, right]; pad's gradient. */
export const cropOp: OpDef = {
  name: 'crop',
  summary: 'remove rows and columns from the edges: padding = [top, bottom, left, right]',
  arity: 1,
  shape([x], attrs) {
    const [t, b, l, r] = attrNums(attrs.padding) as [number, number, number, number];
    const [, h, w, c] = x!.shape as number[];
    return f32(batch(h! - t - b, w! - l - r, c!));
  },
  kernel: (node) => [{ kernel: 'padGrad', args: [buf(node.inputs[0]!), buf(node.id), ...geometry(node.type, node.attrs.padding)] }],
};

export const padLayer: LayerDef = {
  op: 'pad',
  summary: 'zero padding around height and width',
  properties: {
    padding: { type: 'integer', minimum: 0, description: 'pixels of zeros on each side' },
  },
  required: ['padding'],
  inputs: { min: 1, max: 1 },
  lower(layer, [x], ctx) {
    if (!ctx.image(x!, 'pad')) return undefined;
    const p = layer.padding as number;
    return ctx.node('pad', [x!], { padding: [p, p, p, p] });
  },
};
