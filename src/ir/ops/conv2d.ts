/**
 * conv2d: 2-D convolution over an [N, H, W, C] batch, weights [kh, kw, cin, filters] (Keras's
 * layout), a bias per filter. IR inputs: x, weights, bias.
 *
 * The spec's `activation:` is lowered to its own node; the fusion pass folds it back in as the
 * IR attribute `activation`.
 */
import { Messages } from '../../spec/messages.js';
import type { LayerDef, OpDef } from '../registry.js';
import { f32, formatShape } from '../types.js';
import { attrNums, batch, explicitPadding, imageDims, pair, problem, schema, windowOutput } from './common.js';
import { activationSchema } from './activation.js';

export const conv2dOp: OpDef = {
  name: 'conv2d',
  summary: 'a 2-D convolution plus bias, optionally followed by a fused activation',
  arity: 3,
  shape([x, w, b], attrs, ctx) {
    const hwc = imageDims(x!, 'conv2d', ctx);
    if (!Array.isArray(hwc)) return hwc;
    const [kh, kw] = attrNums(attrs.kernel) as [number, number];
    const filters = attrs.filters as number;
    const ws = w!.shape;
    if (ws.length !== 4 || ws[0] !== kh || ws[1] !== kw || ws[2] !== hwc[2] || ws[3] !== filters || b!.shape[0] !== filters) {
      return problem((loc) =>
        Messages.Internal.at(loc, `conv2d '${ctx.layer}' weights ${formatShape(ws)} do not fit input ${formatShape(x!.shape)}`),
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
    return f32(batch(out[0], out[1], filters));
  },
  macs([x], out, attrs) {
    const [kh, kw] = attrNums(attrs.kernel);
    const cin = x!.shape[3] as number;
    const [, oh, ow, co] = out.shape as number[];
    return oh! * ow! * co! * kh! * kw! * cin;
  },
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
  },
  required: ['filters', 'kernel'],
  inputs: { min: 1, max: 1 },
  lower(layer, [x], ctx) {
    const hwc = ctx.image(x!, 'conv2d');
    if (!hwc) return undefined;
    const [h, w_, cin] = hwc;
    const kernel = pair(layer.kernel, [1, 1]);
    const stride = pair(layer.stride, [1, 1]);
    const padding = explicitPadding(layer.padding, [h, w_], kernel, stride);
    const filters = layer.filters as number;
    const w = ctx.param('w', [kernel[0], kernel[1], cin, filters], {
      kind: 'glorot_uniform',
      fanIn: kernel[0] * kernel[1] * cin,
      fanOut: kernel[0] * kernel[1] * filters,
    });
    const b = ctx.param('b', [filters], { kind: 'zeros' });
    const y = ctx.node('conv2d', [x!, w, b], { filters, kernel, stride, padding });
    return y && ctx.activation(y, (layer.activation as string | undefined) ?? 'linear');
  },
};
