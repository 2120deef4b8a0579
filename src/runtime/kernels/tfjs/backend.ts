/**
 * The 'tfjs' backend: netc's schedule, kernel call by kernel call, through TensorFlow.js ops
 * (tfjs-node's TensorFlow C++ kernels where it is installed, else the pure-JavaScript ones).
 * Load TensorFlow.js first with `await prepareTfjsBackend()`; `netc train --backend tfjs` does.
 */
import type { Backend } from '../types.js';
import { tfjsEngine } from './engine.js';
import { tfjsKernels } from './index.js';

export const tfjsBackend: Backend = {
  name: 'tfjs',
  description: 'TensorFlow.js ops: @tensorflow/tfjs-node where it is installed, else @tensorflow/tfjs in pure JavaScript',
  allocate({ floats }) {
    const engine = tfjsEngine();
    if (!engine) throw new Error("the tfjs backend has not loaded TensorFlow.js: await prepareTfjsBackend() (from netc's runtime) before creating the model");
    const arena = new Float32Array(floats);
    // TensorFlow's C++ kernels use their own thread pool; the pure-JavaScript ones run on this thread.
    return { arena, kernels: tfjsKernels(engine.tf, arena), threads: 1, close() {} };
  },
};
