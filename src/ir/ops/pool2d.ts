/**
 * avgpool2d and maxpool2d: one family, two ops that differ only in the reduction. With `same`
 * padding, average pooling divides by the number of real (unpadded) inputs in the window, as
 * Keras does.
 */
import type { LayerDef, OpDef } from '../registry.js';
import { f32 } from '../types.js';
import { attrNums, batch, explicitPadding, imageDims, pair, schema, windowOutput } from './common.js';

function poolOp(name: 'avgpool2d' | 'maxpool2d', summary: string): OpDef {
  return {
    name,
    summary,
    arity: 1,
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

export const avgpool2dOp = poolOp('avgpool2d', 'the mean of each window, per channel');
export const maxpool2dOp = poolOp('maxpool2d', 'the maximum of each window, per channel');
export const avgpool2dLayer = poolLayer('avgpool2d', 'average pooling over height and width');
export const maxpool2dLayer = poolLayer('maxpool2d', 'max pooling over height and width');
