/** pad: zero padding around the height and width of an image batch. */
import type { LayerDef, OpDef } from '../registry.js';
import { f32 } from '../types.js';
import { attrNums, batch, imageDims } from './common.js';

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
