/**
 * The 'native' backend: C++ kernels (./csrc) compiled by node-gyp during `npm ci`, with matrix
 * kernels for AVX-512, AVX2 + FMA or plain C++ chosen at run time, on a C++ thread pool. The
 * arena is C++ memory that JavaScript sees as a Float32Array.
 */
import type { Allocation, Backend } from '../types.js';
import { nativeAddon } from './addon.js';
import { nativeKernels } from './index.js';

export function createNativeKernels(floats: number, threads: number): Allocation {
  const load = nativeAddon();
  if (!load.addon) throw new Error(`the native kernels are not available: ${load.reason}`);
  const addon = load.addon;
  const ctx = addon.create(floats, threads);
  return {
    arena: new Float32Array(ctx.arena, 0, floats),
    kernels: nativeKernels(addon, ctx.id, ctx.args),
    threads,
    close: () => addon.close(ctx.id),
  };
}

export const nativeBackend: Backend = {
  name: 'native',
  get description() {
    const isa = nativeAddon().addon?.isa();
    return `C++ kernels (${isa ?? 'not built'}) on every core`;
  },
  allocate: ({ floats, threads }) => createNativeKernels(floats, threads),
};
