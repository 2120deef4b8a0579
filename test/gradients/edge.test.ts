/**
 * Corners of the gradient computation: input pixels that no window of a strided conv2d or pool
 * reads, a value that reaches one node twice (add of a layer to itself, concat of a layer with
 * itself), a linear `activation` layer (no node at all), and a spec whose batch_size is 1. Checked
 * against TensorFlow.js and float64 finite differences, fused and unfused; see
 * test/helpers/gradient-suite.ts.
 */
import { describe } from 'vitest';
import { EDGE_CASES } from '../helpers/gradient-cases.js';
import { gradientSuite } from '../helpers/gradient-suite.js';

describe('edge cases', () => {
  for (const c of EDGE_CASES) {
    const one = (c.batchSize ?? 5) === 1;
    gradientSuite(c, one ? { predictBatches: [1, 5], gradBatches: [1], fdBatch: 1 } : { gradBatches: [5, 1] });
  }
});
