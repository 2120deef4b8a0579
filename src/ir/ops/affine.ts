/**
 * affine: y = scale·x + shift, elementwise. Lowered from a spec's `preprocess: {range}` (the 1998
 * paper's pixel scaling) and used to negate RBF penalties into scores. No parameters.
 */
import type { OpDef } from '../registry.js';
import { buf, size } from './common.js';

export const affineOp: OpDef = {
  name: 'affine',
  summary: 'scale·x + shift, elementwise',
  arity: 1,
  shape: ([x]) => x!,
  kernel: (node, [x]) => [
    { kernel: 'affine', args: [buf(node.inputs[0]!), buf(node.id), size(x!), node.attrs.scale as number, node.attrs.shift as number] },
  ],
  grad: (node, dy, g) => [g.needsGrad(0) ? g.node('affine', [dy!], { scale: node.attrs.scale!, shift: 0 }, 0) : undefined],
};
