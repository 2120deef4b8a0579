/** concat: join two or more inputs along the last axis (channels, or features when flat). */
import { Messages } from '../../spec/messages.js';
import type { LayerDef, OpDef } from '../registry.js';
import { f32, formatShape } from '../types.js';
import { problem } from './common.js';

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
    const last = xs.reduce((n, x) => n + (x.shape[x.shape.length - 1] as number), 0);
    return f32([...first.slice(0, -1), last]);
  },
};

export const concatLayer: LayerDef = {
  op: 'concat',
  summary: 'join two or more layers along channels (their height and width must agree)',
  properties: {},
  required: ['inputs'],
  inputs: { min: 2, max: 64 },
  lower: (_layer, xs, ctx) => ctx.node('concat', xs, {}),
};
