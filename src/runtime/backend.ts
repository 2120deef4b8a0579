/**
 * Backends: where a model's arena lives and which kernels run on it. The reference backend is
 * plain TypeScript on a Float32Array.
 */
import { availableParallelism } from 'node:os';
import { referenceKernels } from './kernels/reference/index.js';
import type { Kernels } from './kernels/types.js';
import { createFastKernels } from './kernels/wasm/backend.js';
import { tfjsBackend } from './kernels/tfjs/backend.js';

export interface AllocateRequest {
  /** the arena's size in float32 elements */
  readonly floats: number;
  /** room the kernels may use for transformed weights: at least the largest parameter, twice */
  readonly scratchFloats: number;
  /** threads to compute on (the main one included) */
  readonly threads: number;
}

export interface Allocation {
  readonly arena: Float32Array;
  readonly kernels: Kernels;
  /** the threads actually used */
  readonly threads: number;
  /** release threads, if any */
  close(): void;
}

export interface Backend {
  readonly name: string;
  /** one line for --help and for reports: what runs where */
  readonly description: string;
  allocate(request: AllocateRequest): Allocation;
}

export const referenceBackend: Backend = {
  name: 'reference',
  description: 'plain TypeScript kernels on one thread (the correctness baseline)',
  allocate({ floats }) {
    const arena = new Float32Array(floats);
    return { arena, kernels: referenceKernels(arena), threads: 1, close() {} };
  },
};

export const fastBackend: Backend = {
  name: 'fast',
  description: 'WebAssembly SIMD kernels on every core',
  allocate: ({ floats, scratchFloats, threads }) => createFastKernels(floats, scratchFloats, threads),
};

export const defaultThreads = (): number => availableParallelism();

const BACKENDS = new Map<string, Backend>([
  [fastBackend.name, fastBackend],
  [referenceBackend.name, referenceBackend],
  [tfjsBackend.name, tfjsBackend],
]);

export function getBackend(name: string): Backend | undefined {
  return BACKENDS.get(name);
}

export function backendNames(): string[] {
  return [...BACKENDS.keys()];
}
