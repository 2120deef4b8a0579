/** add: the elementwise sum of two or more inputs of one shape (residual connections). */
import { Messages } from '../../diagnostics/messages.js';
import type { LayerDef, OpDef } from '../registry.js';
import { formatShape, sameShape } from '../types.js';
import { buf, problem, size } from './common.js';

export const addOp: OpDef = {
  name: 'add',
  summary: 'the elementwise sum of its inputs',
  arity: 'variadic',
  shape(xs, _attrs, ctx) {
    if (xs.every((x) => sameShape(x.shape, xs[0]!.shape))) return xs[0]!;
    const shapes = xs.map((x, i) => `${formatShape(x.shape.slice(1))} (${ctx.from[i]})`).join(', ');
    return problem((loc) => Messages.AddMismatch.at(loc, ctx.layer, shapes), 'inputs');
  },
  // y = x0 + x1, then y += x2, ...
  kernel: (node, [x]) =>
    node.inputs.slice(1).map((b, i) => ({
      kernel: 'add' as const,
      args: [buf(i === 0 ? node.inputs[0]! : node.id), buf(b), buf(node.id), size(x!)],
    })),
  grad: (node, dy, g) => node.inputs.map((_, i) => (g.needsGrad(i) ? dy : undefined)),
};

export const addLayer: LayerDef = {
  op: 'add',
  summary: 'the elementwise sum of two or more layers of the same shape',
  properties: {},
  required: ['inputs'],
  inputs: { min: 2, max: 64 },
  lower: (_layer, xs, ctx) => ctx.node('add', xs, {}),
};
