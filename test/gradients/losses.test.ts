/**
 * The losses: categorical cross-entropy of a softmax output — fused into softmax_cross_entropy by
 * default, and compiled without that fusion (categorical_crossentropy, then softmax_grad) — and
 * mean squared error on softmax, sigmoid and linear outputs. Batches of 5, 3 and 1: both losses
 * average over the batch, so a wrong divisor shows. See test/helpers/gradient-suite.ts.
 */
import { describe } from 'vitest';
import { LOSS_CASES } from '../helpers/gradient-cases.js';
import { gradientSuite } from '../helpers/gradient-suite.js';

describe('losses', () => {
  for (const c of LOSS_CASES) {
    const pipelines = (c.loss ?? 'categorical_crossentropy') === 'categorical_crossentropy'
      ? (['fused', 'unfused', 'activations-only', 'loss-only'] as const)
      : (['fused', 'unfused'] as const);
    gradientSuite(c, { pipelines, gradBatches: [5, 3, 1], fdBatch: 5 });
  }
});
