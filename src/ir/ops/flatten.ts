/** flatten: [N, H, W, C] to [N, H·W·C], in row-major (NHWC) order as Keras flattens. */
import type { LayerDef, OpDef } from '../registry.js';
import { elementsPerExample, f32 } from '../types.js';
import { batch } from './common.js';

export const flattenOp: OpDef = {
  name: 'flatten',
  summary: 'reshape each example to one dimension (no data moves)',
  arity: 1,
  alias: true,
  shape: ([x]) => f32(batch(elementsPerExample(x!.shape))),
  grad: (node, dy, g) => [
    g.needsGrad(0) ? g.node('reshape', [dy!], { shape: (g.input(0).type.shape as number[]).slice(1) }, 0) : undefined,
  ],
};

/** The same memory seen with another per-example shape; flatten's gradient. */
export const reshapeOp: OpDef = {
  name: 'reshape',
  summary: 'view each example with another shape of the same size (no data moves)',
  arity: 1,
  alias: true,
  shape: (_xs, attrs) => f32(['N', ...(attrs.shape as number[])]),
};

export const flattenLayer: LayerDef = {
  op: 'flatten',
  summary: 'reshape each example to one dimension, for dense layers after convolutions',
  properties: {},
  required: [],
  inputs: { min: 1, max: 1 },
  lower: (_layer, [x], ctx) => ctx.node('flatten', [x!], {}),
};
