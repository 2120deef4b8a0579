/**
 * The fast kernels' compiled module: dist/kernels-relaxed.wasm, with fused multiply-adds, where
 * this engine runs relaxed SIMD (Node 20 does behind a V8 flag, which is set here before
 * compiling), else dist/kernels.wasm. NETC_RELAXED_SIMD=0 chooses the second. Both are built by
 * `npm run build:kernels` from ./assembly.
 */
import { readFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { packageFile } from '../../package-root.js';
import './webassembly-api.js';

let compiled: WebAssembly.Module | undefined;

/** The compiled kernels, compiled once per process. */
export function kernelModule(): WebAssembly.Module {
  if (compiled) return compiled;
  // Compile every kernel with the optimizing compiler from its first call: a training step calls
  // each kernel once, and V8's baseline code, which it would otherwise start with, runs the
  // first epoch several times slower.
  setFlagsFromString('--no-liftoff');
  const read = (name: string) => {
    try {
      return readFileSync(packageFile('dist', name));
    } catch {
      throw new Error("the fast kernels are not built: run 'npm run build' (npm ci does it) in netc's folder, or use --backend reference");
    }
  };
  if (process.env.NETC_RELAXED_SIMD !== '0') {
    const relaxed = read('kernels-relaxed.wasm');
    if (!WebAssembly.validate(relaxed)) setFlagsFromString('--experimental-wasm-relaxed-simd');
    if (WebAssembly.validate(relaxed)) return (compiled = new WebAssembly.Module(relaxed));
  }
  return (compiled = new WebAssembly.Module(read('kernels.wasm')));
}
