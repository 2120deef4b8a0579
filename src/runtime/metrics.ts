/** Evaluation from predicted probabilities: the loss as the spec defines it, accuracy, confusion. */

export type LossName = 'categorical_crossentropy' | 'mse' | 'rbf_map';

const EPS = 1e-7;

/**
 * The batch-averaged loss of probabilities against one-hot labels, as Keras computes it. For RBF
 * networks (rbf_map), predictions are the posterior softmax(−y) of the penalties y, and this is
 * its cross-entropy: the MAP loss without its rubbish-class term log(1 + e^−j / Σ e^−y), which
 * the posterior does not keep (so a lower bound of the training loss, equal to it when one
 * penalty is small). With `labelSmoothing`, cross-entropy against the smoothed targets the
 * training loss uses.
 */
export function lossOf(loss: LossName, probs: Float32Array, labels: Float32Array, classes: number, labelSmoothing = 0): number {
  const n = probs.length / classes;
  let s = 0;
  if (loss === 'mse') {
    for (let i = 0; i < probs.length; i++) s += (probs[i]! - labels[i]!) ** 2;
    return s / (n * classes);
  }
  // Keras's label smoothing ε: the targets are y·(1 − ε) + ε/classes (y itself when ε is 0)
  const keep = 1 - labelSmoothing;
  const spread = labelSmoothing / classes;
  for (let i = 0; i < probs.length; i++) {
    const t = labels[i]! * keep + spread;
    if (t) s -= t * Math.log(Math.min(Math.max(probs[i]!, EPS), 1 - EPS));
  }
  return s / n;
}

/** The most probable class of each row. */
export function argmaxRows(probs: Float32Array, classes: number): Uint8Array {
  const n = probs.length / classes;
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let c = 1; c < classes; c++) if (probs[i * classes + c]! > probs[i * classes + best]!) best = c;
    out[i] = best;
  }
  return out;
}

export function accuracyOf(predicted: Uint8Array, truth: Uint8Array): number {
  let right = 0;
  for (let i = 0; i < truth.length; i++) if (predicted[i] === truth[i]) right++;
  return right / truth.length;
}

/** counts[true][predicted] */
export function confusionMatrix(predicted: Uint8Array, truth: Uint8Array, classes: number): number[][] {
  const m = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
  for (let i = 0; i < truth.length; i++) m[truth[i]!]![predicted[i]!]!++;
  return m;
}
