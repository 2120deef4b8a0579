/**
 * mul: the elementwise product of two tensors of one shape. The gradient of a sparsely connected
 * convolution's weights goes through it, times the connection mask, so that disconnected weights
 * stay at zero.
 */
import { Messages } from '../../diagnostics/messages.js';
import type { OpDef } from '../registry.js';
import { formatShape, sameShape } from '../types.js';
import { buf, problem, size } from './common.js';

export const mulOp: OpDef = {
  name: 'mul',
  summary: 'the elementwise product of two tensors of one shape',
  arity: 2,
  shape([a, b], _attrs, ctx) {
    if (sameShape(a!.shape, b!.shape)) return a!;
    return problem((loc) => Messages.Internal.at(loc, `mul of ${formatShape(a!.shape)} and ${formatShape(b!.shape)} in '${ctx.layer}'`));
  },
  kernel: (node, [a]) => [{ kernel: 'mul', args: [...node.inputs.map(buf), buf(node.id), size(a!)] }],
  grad: (_node, dy, g) => [
    g.needsGrad(0) ? g.node('mul', [dy!, g.input(1)], {}, 0) : undefined,
    g.needsGrad(1) ? g.node('mul', [dy!, g.input(0)], {}, 1) : undefined,
  ],
};
