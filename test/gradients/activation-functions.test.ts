/**
 * leaky_relu, elu, gelu, swish and softplus in tiny networks, against TensorFlow.js and float64
 * finite differences, compiled with netc's default passes and with none; see
 * test/helpers/gradient-suite.ts. TensorFlow.js has no gelu op and an elu of alpha 1 only, so the
 * truth there is their formula in tf ops (test/helpers/tfjs-net.ts).
 */
import { describe } from 'vitest';
import { ACTIVATION_FN_CASES } from '../helpers/gradient-cases.js';
import { gradientSuite } from '../helpers/gradient-suite.js';

describe('activation functions with a parameter or a gradient from their input', () => {
  for (const c of ACTIVATION_FN_CASES) gradientSuite(c, { gradBatches: [5, 1] });
});
