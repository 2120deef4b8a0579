/** flatten: [N, H, W, C] to [N, H·W·C], in row-major (NHWC) order as Keras flattens. */
import type { LayerDef, OpDef } from '../registry.js';
import { elementsPerExample, f32 } from '../types.js';
import { batch } from './common.js';

export const flattenOp: OpDef = {
  name: 'flatten',
  summary: 'reshape each example to one dimension (no data moves)',
  arity: 1,
  shape: ([x]) => f32(batch(elementsPerExample(x!.shape))),
};

export const flattenLayer: LayerDef = {
  op: 'flatten',
  summary: 'reshape each example to one dimension, for dense layers after convolutions',
  properties: {},
  required: [],
  inputs: { min: 1, max: 1 },
  lower: (_layer, [x], ctx) => ctx.node('flatten', [x!], {}),
};
