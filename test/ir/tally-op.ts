/**
 * A test-only layer with a state update, added without touching the compiler: this file, and
 * registerTally() in the test that uses it. Its kernel is one the runtime already has.
 *
 * `tally` passes its input through unchanged and, in the training step, adds the per-channel
 * sum of the batch (over every axis but the last) to its state `<layer>.sum`:
 *
 *   %t.sum: f32[C] = param() {init=zeros, role=state, trainable=false}
 *   %t.batch_sum: f32[C] = channel_sum(%x)
 *   %t.next: f32[C] = add(%t.sum, %t.batch_sum)
 *   %t.sum.update: f32[C] = assign(%t.sum, %t.next)
 *   update: %t.sum <- %t.sum.update
 *
 * At inference it adds nothing. The shape of what a batch-normalization layer does with its
 * moving mean, without the arithmetic.
 */
import { buf, last, rows } from '../../src/ir/ops/common.js';
import { registerLayer, registerOp } from '../../src/ir/ops/index.js';
import type { LayerDef, OpDef } from '../../src/ir/registry.js';
import { f32 } from '../../src/ir/types.js';

/** The sum over every axis but the last: the kernel of a bias's gradient, used forwards. */
export const channelSumOp: OpDef = {
  name: 'channel_sum',
  summary: 'the sum of each channel (the last axis) over the batch and every other axis',
  arity: 1,
  shape: ([x]) => f32([last(x!)]),
  kernel: (node, [x]) => [{ kernel: 'biasGrad', args: [buf(node.inputs[0]!), buf(node.id), rows(x!), last(x!)] }],
};

export const tallyLayer: LayerDef = {
  op: 'tally',
  summary: 'the identity, which keeps the running per-channel sum of what it saw in training',
  properties: {},
  required: [],
  inputs: { min: 1, max: 1 },
  lower(layer, [x], ctx) {
    if (!ctx.training) return x;
    const sum = ctx.state('sum', [last(x!.type)], { kind: 'zeros' });
    const batch = ctx.node('channel_sum', [x!], {}, `${layer.name}.batch_sum`);
    const next = batch && ctx.node('add', [sum, batch], {}, `${layer.name}.next`);
    return next && ctx.update(sum, next) ? x : undefined;
  },
};

export function registerTally(): void {
  registerOp(channelSumOp);
  registerLayer(tallyLayer);
}
