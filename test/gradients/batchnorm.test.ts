/**
 * Batch normalization's gradients, through the batch statistics, against TensorFlow.js (the same
 * network written with tf.moments and elementary ops) and float64 finite differences, fused and
 * unfused; and predict, which uses the moving statistics (folded into the layer before where it
 * can), against TensorFlow.js. Batches of at least 3: a batch of 1 has nothing to normalize
 * after a dense layer.
 */
import { describe } from 'vitest';
import { BATCHNORM_CASES } from '../helpers/gradient-cases.js';
import { gradientSuite } from '../helpers/gradient-suite.js';

describe('batchnorm', () => {
  for (const c of BATCHNORM_CASES) gradientSuite(c, { gradBatches: [5, 3], fdBatch: 3, predictBatches: [5, 3, 1] });
});
