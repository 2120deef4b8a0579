/**
 * The native kernels: the Kernels interface over the addon's kernel table. A call writes its
 * arguments into the context's argument block (a Float64Array over C++ memory) and calls
 * run(context, kernel number): two small integers cross into C++, whatever the kernel. An optional
 * argument left out (alpha) is passed as 0. Every kernel runs in C++; none falls back to another backend.
 */
import { referenceKernels } from '../reference/index.js';
import type { Kernels } from '../types.js';
import type { NativeAddon } from './addon.js';

/** The names every backend implements, read from the reference kernels. */
const KERNEL_NAMES = Object.keys(referenceKernels(new Float32Array(1)));

export function nativeKernels(addon: NativeAddon, id: number, argBlock: ArrayBuffer): Kernels {
  const args = new Float64Array(argBlock);
  const run = addon.run;
  const table = addon.kernels();
  const kernels: Record<string, (...a: number[]) => number | void> = {};
  table.forEach(([name, arity, returns], index) => {
    const write = (a: number[]) => {
      for (let i = 0; i < arity; i++) args[i] = a[i] ?? 0;
    };
    kernels[name] = returns
      ? (...a: number[]) => {
          write(a);
          return run(id, index);
        }
      : (...a: number[]) => {
          write(a);
          run(id, index);
        };
  });
  const missing = KERNEL_NAMES.filter((name) => !(name in kernels));
  if (missing.length > 0) throw new Error(`the native kernels lack ${missing.join(', ')}: rebuild them with 'npm run build'`);
  return kernels as unknown as Kernels;
}
