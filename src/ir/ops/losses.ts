/**
 * Losses: a scalar from the network's output and the one-hot labels, averaged over the batch
 * (as Keras averages).
 *   categorical_crossentropy: −Σ y·log(p), on probabilities (a softmax output).
 *   mse: the mean over classes of (p − y)², then over the batch.
 */
import { Messages } from '../../spec/messages.js';
import type { OpDef } from '../registry.js';
import { f32, formatShape, sameShape } from '../types.js';
import { problem } from './common.js';

function lossOp(name: string, summary: string): OpDef {
  return {
    name,
    summary,
    arity: 2,
    shape([p, y], _attrs, ctx) {
      if (!sameShape(p!.shape, y!.shape)) {
        return problem((loc) =>
          Messages.Internal.at(loc, `${name} of ${formatShape(p!.shape)} against labels ${formatShape(y!.shape)} in '${ctx.layer}'`),
        );
      }
      return f32([]);
    },
  };
}

export const LOSSES = {
  categorical_crossentropy: 'cross-entropy of softmax probabilities against one-hot labels',
  mse: 'mean squared error against one-hot labels',
} as const;

export const crossEntropyOp = lossOp('categorical_crossentropy', LOSSES.categorical_crossentropy);
export const mseOp = lossOp('mse', LOSSES.mse);
