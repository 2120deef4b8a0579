/**
 * Losses: a scalar from the network's output and the one-hot labels, averaged over the batch
 * (as Keras averages).
 *   categorical_crossentropy: −Σ y·log(p), on probabilities (a softmax output).
 *   mse: the mean over classes of (p − y)², then over the batch.
 */
import { Messages } from '../../diagnostics/messages.js';
import type { OpDef } from '../registry.js';
import { f32, formatShape, sameShape } from '../types.js';
import { BATCH, buf, last, problem } from './common.js';
import type { KernelName } from '../../runtime/kernels/types.js';

/**
 * A loss of (scores, one-hot labels) and the op of its gradient with respect to the scores,
 * which the loss's gradient rule emits (the loss's own gradient is 1).
 */
function lossOp(name: string, summary: string, kernel: KernelName, gradOp: string): OpDef {
  return {
    name,
    summary,
    arity: 2,
    kernel: (node, [p]) => [{ kernel, args: [...node.inputs.map(buf), buf(node.id), BATCH, last(p!)] }],
    grad: (_node, _dy, g) => [g.needsGrad(0) ? g.node(gradOp, [g.input(0), g.input(1)], {}, 0) : undefined, undefined],
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
  rbf_map: "the 1998 paper's MAP loss on RBF penalties: the correct class's penalty plus log(e^−j + Σ e^−y)",
} as const;

/**
 * j of the MAP loss, E = mean of y[label] + log(e^−j + Σ_i e^−y_i) (LeCun et al. 1998, eq. 9).
 * The paper calls j only "a positive constant": the penalty of a "rubbish" class, so that the
 * competitive term stops pushing up penalties that are already large (e^−y_i ≪ e^−j) and acts
 * only on wrong classes that come close. RBF penalties here are squared distances between 84
 * values in [−1.7, 1.7] and ±1 prototypes: a wrong class starts tens of units away. A small j
 * keeps the competition to near misses, as the paper intends; we take j = 0.1.
 */
export const RBF_MAP_J = 0.1;

function lossGradOp(name: string, summary: string, kernel: KernelName): OpDef {
  return {
    name,
    summary,
    arity: 2,
    shape: ([p]) => p!,
    kernel: (node, [p]) => [{ kernel, args: [...node.inputs.map(buf), buf(node.id), BATCH, last(p!)] }],
  };
}

export const crossEntropyOp = lossOp('categorical_crossentropy', LOSSES.categorical_crossentropy, 'crossEntropy', 'categorical_crossentropy_grad');
export const mseOp = lossOp('mse', LOSSES.mse, 'mse', 'mse_grad');
/** softmax then cross-entropy in one node, computed from the logits in log-sum-exp form */
/** The MAP loss of RBF outputs; like the others, a scalar of (penalties, one-hot labels). */
export const rbfMapOp: OpDef = {
  ...lossOp('rbf_map', LOSSES.rbf_map, 'rbfMap', 'rbf_map_grad'),
  kernel: (node, [y]) => [{ kernel: 'rbfMap', args: [...node.inputs.map(buf), buf(node.id), BATCH, last(y!), RBF_MAP_J] }],
};
export const rbfMapGradOp: OpDef = {
  ...lossGradOp('rbf_map_grad', 'the gradient of the MAP loss: (t − e^−y / (e^−j + Σ e^−y)) / n', 'rbfMapGrad'),
  kernel: (node, [y]) => [{ kernel: 'rbfMapGrad', args: [...node.inputs.map(buf), buf(node.id), BATCH, last(y!), RBF_MAP_J] }],
};

export const softmaxCrossEntropyOp = lossOp(
  'softmax_cross_entropy',
  'cross-entropy of softmax(logits) against one-hot labels, in log-sum-exp form',
  'softmaxCrossEntropy',
  'softmax_cross_entropy_grad',
);

export const crossEntropyGradOp = lossGradOp('categorical_crossentropy_grad', 'the gradient of cross-entropy: −t / p / n', 'crossEntropyGrad');
export const mseGradOp = lossGradOp('mse_grad', 'the gradient of mean squared error: 2(p − t) / (n·C)', 'mseGrad');
export const softmaxCrossEntropyGradOp = lossGradOp(
  'softmax_cross_entropy_grad',
  'the gradient of softmax cross-entropy with respect to the logits: (softmax(z) − t) / n',
  'softmaxCrossEntropyGrad',
);
