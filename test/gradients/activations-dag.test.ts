/**
 * Standalone activation layers (folded into the conv2d or dense before them by the default
 * passes, or left alone where they cannot be), and DAGs: add, concat, pad, values read twice.
 * Each network is checked against TensorFlow.js and float64 finite differences, compiled with
 * netc's default passes and with none; see test/helpers/gradient-suite.ts.
 */
import { describe } from 'vitest';
import { ACTIVATION_CASES, DAG_CASES } from '../helpers/gradient-cases.js';
import { gradientSuite } from '../helpers/gradient-suite.js';

describe('activation layers', () => {
  for (const c of ACTIVATION_CASES) gradientSuite(c, { gradBatches: [5, 1] });
});

describe('add, concat and pad', () => {
  for (const c of DAG_CASES) gradientSuite(c, { gradBatches: [3, 1] });
});
