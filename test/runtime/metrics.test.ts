/**
 * The evaluation metrics on small batches worked out by hand: the losses as Keras defines them
 * (cross-entropy with probabilities clipped to [1e-7, 1 − 1e-7], mean squared error over every
 * output), argmax taking the first of equal maxima as NumPy does, and the confusion matrix
 * indexed [true][predicted] on labels chosen so that its transpose differs.
 */
import { describe, expect, it } from 'vitest';
import { accuracyOf, argmaxRows, confusionMatrix, lossOf } from '../../src/runtime/metrics.js';

const f32 = Math.fround;

describe('lossOf', () => {
  const probs = Float32Array.of(0.7, 0.2, 0.1, 0.1, 0.3, 0.6);
  const labels = Float32Array.of(1, 0, 0, 0, 0, 1);

  it('averages −log p of the true class over the batch for cross-entropy and the RBF posterior', () => {
    const want = -(Math.log(f32(0.7)) + Math.log(f32(0.6))) / 2;
    expect(lossOf('categorical_crossentropy', probs, labels, 3)).toBeCloseTo(want, 12);
    expect(lossOf('rbf_map', probs, labels, 3)).toBeCloseTo(want, 12);
  });

  it('clips probabilities of 0 and 1 to 1e-7 away from them, as Keras does', () => {
    const sure = Float32Array.of(0, 1, 1, 0);
    const truth = Float32Array.of(1, 0, 1, 0);
    // row 1: −log(1e-7); row 2: −log(1 − 1e-7)
    expect(lossOf('categorical_crossentropy', sure, truth, 2)).toBeCloseTo((-Math.log(1e-7) - Math.log(1 - 1e-7)) / 2, 12);
  });

  it('weighs soft labels by their value', () => {
    const soft = Float32Array.of(0.5, 0.5);
    const p = Float32Array.of(0.25, 0.75);
    expect(lossOf('categorical_crossentropy', p, soft, 2)).toBeCloseTo(-(0.5 * Math.log(0.25) + 0.5 * Math.log(0.75)), 12);
  });

  it('averages the squared error over every output for mse', () => {
    const diffs = [f32(0.7) - 1, f32(0.2), f32(0.1), f32(0.1), f32(0.3), f32(0.6) - 1].map((d) => d * d);
    expect(lossOf('mse', probs, labels, 3)).toBeCloseTo(diffs.reduce((a, b) => a + b) / 6, 12);
  });
});

describe('argmaxRows, accuracyOf and confusionMatrix', () => {
  it('picks each row’s most probable class, the first one on a tie', () => {
    const probs = Float32Array.of(0.1, 0.2, 0.7, 0.5, 0.3, 0.2, 0.2, 0.4, 0.4, 0.3, 0.3, 0.3);
    expect(Array.from(argmaxRows(probs, 3))).toEqual([2, 0, 1, 0]);
    // each row on its own: a larger value in the next row does not count
    expect(Array.from(argmaxRows(Float32Array.of(0.1, 0.6, 0.3, 0.9, 0.05, 0.05), 3))).toEqual([1, 0]);
  });

  it('counts the share of predictions equal to the truth', () => {
    expect(accuracyOf(Uint8Array.of(0, 1, 1, 2), Uint8Array.of(0, 1, 2, 2))).toBe(0.75);
    expect(accuracyOf(Uint8Array.of(1, 0), Uint8Array.of(0, 1))).toBe(0);
  });

  it('counts [true class][predicted class]', () => {
    const truth = Uint8Array.of(0, 0, 1, 2, 2, 2);
    const predicted = Uint8Array.of(0, 1, 1, 0, 2, 2);
    expect(confusionMatrix(predicted, truth, 3)).toEqual([
      [1, 1, 0],
      [0, 1, 0],
      [1, 0, 2],
    ]);
    // a class nobody predicted or holds still has its row and column
    expect(confusionMatrix(Uint8Array.of(0), Uint8Array.of(0), 3)).toEqual([
      [1, 0, 0],
      [0, 0, 0],
      [0, 0, 0],
    ]);
  });
});
