/**
 * assign: the state update, tinygrad's `assign` for batch normalization's running statistics.
 * `assign(%state, %value)` copies the value into the state's own buffer during the training
 * step; the node's result is the state's new value, in the state's memory (`assigns`).
 *
 *   %bn.mean: f32[6] = param() {init=zeros, role=state, trainable=false}
 *   %bn.mean.next: f32[6] = add(%bn.mean.decayed, %bn.batch_mean.scaled)
 *   %bn.mean.update: f32[6] = assign(%bn.mean, %bn.mean.next)
 *   update: %bn.mean <- %bn.mean.update
 *
 * A copy rather than computing the value in place: any op may compute the new value (most
 * kernels cannot write over an input they still read), and a state is small (one value per
 * channel), so the copy costs nothing that matters.
 */
import { Messages } from '../../diagnostics/messages.js';
import type { OpDef } from '../registry.js';
import { formatShape, sameShape } from '../types.js';
import { buf, problem, size } from './common.js';

export const assignOp: OpDef = {
  name: 'assign',
  summary: 'write a new value into a state (a persistent, non-trainable buffer) in the training step',
  arity: 2,
  assigns: true,
  shape([state, value]) {
    if (state!.shape[0] === 'N' || !sameShape(state!.shape, value!.shape)) {
      const detail = `assign needs a state without a batch dimension and a value of its shape, given ${formatShape(state!.shape)} and ${formatShape(value!.shape)}`;
      return problem((loc) => Messages.Internal.at(loc, detail));
    }
    return state!;
  },
  kernel: (node, [state]) => [{ kernel: 'copy', args: [buf(node.inputs[1]!), buf(node.inputs[0]!), size(state!)] }],
};
