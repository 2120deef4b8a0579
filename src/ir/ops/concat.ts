/** concat: join two or more inputs along the last axis (channels, or features when flat). */
import { Messages } from '../../diagnostics/messages.js';
import type { LayerDef, OpDef } from '../registry.js';
import { f32, formatShape } from '../types.js';
import { buf, last, problem, rows } from './common.js';

export const concatOp: OpDef = {
  name: 'concat',
  summary: 'join the inputs along the last axis',
  arity: 'variadic',
  shape(xs, _attrs, ctx) {
    const first = xs[0]!.shape;
    const fits = xs.every(
      (x) => x.shape.length === first.length && x.shape.slice(0, -1).every((d, i) => d === first[i]),
    );
    if (!fits) {
      const shapes = xs.map((x, i) => `${formatShape(x.shape.slice(1))} (${ctx.from[i]})`).join(', ');
      return problem((loc) => Messages.ConcatMismatch.at(loc, ctx.layer, shapes), 'inputs');
    }
    const channels = xs.reduce((n, x) => n + last(x), 0);
    return f32([...first.slice(0, -1), channels]);
  },
  kernel(node, xs) {
    let offset = 0;
    return xs.map((x, i) => {
      const call = { kernel: 'copyChannels' as const, args: [buf(node.inputs[i]!), buf(node.id), rows(x), last(x), last(node.type), offset] };
      offset += last(x);
      return call;
    });
  },
  grad(node, dy, g) {
    let offset = 0;
    return node.inputs.map((_, i) => {
      const channels = last(g.input(i).type);
      const d = g.needsGrad(i) ? g.node('slice_channels', [dy!], { offset, channels }, i) : undefined;
      offset += channels;
      return d;
    });
  },
};

/** Channels [offset, offset + channels) of each row: concat's gradient. */
export const sliceChannelsOp: OpDef = {
  name: 'slice_channels',
  summary: 'a range of the last axis',
  arity: 1,
  shape: ([x], attrs) => f32([...x!.shape.slice(0, -1), attrs.channels as number]),
  kernel: (node, [x]) => [
    { kernel: 'sliceChannels', args: [buf(node.inputs[0]!), buf(node.id), rows(x!), node.attrs.channels as number, last(x!), node.attrs.offset as number] },
  ],
};

export const concatLayer: LayerDef = {
  op: 'concat',
  summary: 'join two or more layers along channels (their height and width must agree)',
  properties: {},
  required: ['inputs'],
  inputs: { min: 2, max: 64 },
  lower: (_layer, xs, ctx) => ctx.node('concat', xs, {}),
};
