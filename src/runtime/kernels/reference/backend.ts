/** The 'reference' backend: the plain TypeScript kernels on one thread, the correctness baseline. */
import type { Backend } from '../types.js';
import { referenceKernels } from './index.js';

export const referenceBackend: Backend = {
  name: 'reference',
  description: 'plain TypeScript kernels on one thread (the correctness baseline)',
  allocate({ floats }) {
    const arena = new Float32Array(floats);
    return { arena, kernels: referenceKernels(arena), threads: 1, close() {} };
  },
};
