/**
 * Backends: where a model's arena lives and which kernels run on it. The reference backend is
 * plain TypeScript on a Float32Array.
 */
import { referenceKernels } from './kernels/reference/index.js';
import type { Kernels } from './kernels/types.js';

export interface Backend {
  readonly name: string;
  /** one line for --help and for reports: what runs where */
  readonly description: string;
  /** the model's arena of `floats` float32 elements, and kernels bound to it */
  allocate(floats: number): { arena: Float32Array; kernels: Kernels };
}

export const referenceBackend: Backend = {
  name: 'reference',
  description: 'plain TypeScript kernels on one thread (the correctness baseline)',
  allocate(floats) {
    const arena = new Float32Array(floats);
    return { arena, kernels: referenceKernels(arena) };
  },
};

const BACKENDS = new Map<string, Backend>([[referenceBackend.name, referenceBackend]]);

export function getBackend(name: string): Backend | undefined {
  return BACKENDS.get(name);
}

export function backendNames(): string[] {
  return [...BACKENDS.keys()];
}
