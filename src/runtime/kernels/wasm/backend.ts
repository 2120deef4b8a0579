/**
 * The 'fast' backend: the WebAssembly SIMD kernels of ./assembly, on every core.
 *
 * Memory is one shared WebAssembly.Memory: [kernel statics and the thread control block |
 * the model's arena | scratch for transformed weights | as many floats that stay zero]. The
 * main thread's instance and every worker's (./threads.ts) run on it.
 */
import type { Allocation, Backend } from '../types.js';
import { fastKernels } from './index.js';
import { kernelModule, type KernelBuild } from './module.js';
import { startThreads, type Exports } from './threads.js';
import './webassembly-api.js';
import { sharedMemory } from '../../platform/index.js';

/** The arena's first byte: after the kernels' statics and the control block. */
const ARENA_BYTE = 65536;
const WASM_PAGE = 65536;

export interface FastMemory extends Allocation {
  readonly memory: WebAssembly.Memory;
  /** the build of the kernels that runs */
  readonly build: KernelBuild;
}

/**
 * `build` chooses the build of the kernels (./module.ts); by default, the best this engine runs.
 * Where workers cannot share the memory (a browser page that is not cross-origin isolated), the
 * kernels run on one thread whatever `threads` asks.
 */
export function createFastKernels(floats: number, scratchFloats: number, threads: number, options: { build?: KernelBuild } = {}): FastMemory {
  if (!sharedMemory()) threads = 1;
  const { module, build } = kernelModule(options.build);
  // After the arena: scratch for transformed weights, then as many floats that stay zero.
  const scratch = floats + 16;
  const zeros = scratch + scratchFloats;
  const bytes = ARENA_BYTE + (zeros + scratchFloats + 64) * 4;
  const pages = Math.ceil(bytes / WASM_PAGE);
  const memory = new WebAssembly.Memory({ initial: pages, maximum: 65536, shared: true });
  const instance = new WebAssembly.Instance(module, { env: { memory, abort: () => { throw new Error('kernel abort'); } } });
  const ex = instance.exports as unknown as Exports;
  ex.setArena!(ARENA_BYTE);
  const arena = new Float32Array(memory.buffer, ARENA_BYTE, floats);
  const pool = startThreads(module, memory, ex, ARENA_BYTE, threads);
  return { memory, arena, kernels: fastKernels(ex, pool, scratch, zeros), threads, build, close: () => pool.close() };
}

export const fastBackend: Backend = {
  name: 'fast',
  description: 'WebAssembly SIMD kernels on every core',
  allocate: ({ floats, scratchFloats, threads }) => createFastKernels(floats, scratchFloats, threads),
};
