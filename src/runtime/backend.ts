/**
 * The backends a model can run on, by name. Each lives in its own folder under kernels/ with a
 * backend.ts, and implements the contract in kernels/types.ts.
 */
import { availableParallelism } from 'node:os';
import { referenceBackend } from './kernels/reference/backend.js';
import { tfjsBackend } from './kernels/tfjs/backend.js';
import type { Backend } from './kernels/types.js';
import { fastBackend } from './kernels/wasm/backend.js';

/** The backend a model runs on unless it names one. */
export const defaultBackend: Backend = fastBackend;

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
