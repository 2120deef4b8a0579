/**
 * l2_penalty: l2·Σw² of one weight tensor, Keras's `kernel_regularizer=L2(l2)`. A layer asks for
 * it with the `l2` attribute (`L2_ATTRIBUTE` in its schema) and `{ l2 }` among its kernel's param
 * options; the training lowering then adds one penalty per such weight to the data loss:
 *
 *   %out.w.l2: f32[] = l2_penalty(%out.w) {l2=0.0005}
 *   %loss.data: f32[] = categorical_crossentropy(%out.softmax, %labels)
 *   %loss: f32[] = add(%loss.data, %out.w.l2)
 *
 * A penalty is a term of the loss and nothing else reads it, so its gradient rule is the one of
 * a loss: d(l2·Σw²)/dw = 2·l2·w, which autodiff adds to the weight's other gradient.
 */
import type { SpecLayer } from '../../spec/types.js';
import type { JsonSchema, OpDef, ParamOptions } from '../registry.js';
import { f32 } from '../types.js';
import { buf, size } from './common.js';

/** The `l2:` attribute of a layer with a kernel (conv2d, dense, ...). */
export const L2_ATTRIBUTE: JsonSchema = {
  type: 'number',
  minimum: 0,
  description: "adds l2·Σw² over the layer's weights (not its bias) to the training loss, as Keras's kernel_regularizer (default 0: none)",
};

/** The param options that carry a layer's `l2` to its kernel: `ctx.param('w', shape, init, l2Option(layer))`. */
export const l2Option = (layer: SpecLayer): ParamOptions => ({ l2: layer.l2 as number | undefined });

export const l2PenaltyOp: OpDef = {
  name: 'l2_penalty',
  summary: "l2·Σw² of a weight tensor: a term of the training loss (Keras's kernel_regularizer)",
  arity: 1,
  shape: () => f32([]),
  kernel: (node, [w]) => [{ kernel: 'l2Penalty', args: [buf(node.inputs[0]!), buf(node.id), size(w!), node.attrs.l2 as number] }],
  grad(node, dy, g) {
    if (dy) throw new Error(`internal error: the penalty '${node.id}' is read by more than the loss`);
    return [g.needsGrad(0) ? g.node('affine', [g.input(0)], { scale: 2 * (node.attrs.l2 as number), shift: 0 }, 0) : undefined];
  },
};
