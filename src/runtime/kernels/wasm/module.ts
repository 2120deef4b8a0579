/**
 * The fast kernels' compiled module. `npm run build:kernels` builds ./assembly twice:
 * dist/kernels-relaxed.wasm, the 'relaxed' build with relaxed SIMD's fused multiply-adds, and
 * dist/kernels.wasm, the 'plain' build for engines without relaxed SIMD. Unless a build is asked
 * for, the relaxed one runs where this engine has relaxed SIMD (Node 20 does behind a V8 flag,
 * which is set here before compiling) and NETC_RELAXED_SIMD is not 0, else the plain one. Asking
 * is for tests: Node 20 would otherwise never run the plain build, and its bugs would go unseen.
 */
import { readFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { packageFile } from '../../package-root.js';
import './webassembly-api.js';

export type KernelBuild = 'relaxed' | 'plain';

const FILES: Record<KernelBuild, string> = { relaxed: 'kernels-relaxed.wasm', plain: 'kernels.wasm' };

/** Each build compiled once per process, and the build chosen when none is asked for. */
const compiled = new Map<KernelBuild, WebAssembly.Module>();
let preferred: KernelBuild | undefined;

/** The compiled kernels of `build` (default: the best this engine runs), and which build they are. */
export function kernelModule(build?: KernelBuild): { module: WebAssembly.Module; build: KernelBuild } {
  const chosen = build ?? (preferred ??= process.env.NETC_RELAXED_SIMD !== '0' && runsRelaxed() ? 'relaxed' : 'plain');
  let module = compiled.get(chosen);
  if (!module) {
    if (chosen === 'relaxed' && !runsRelaxed()) throw new Error('this engine does not run relaxed SIMD, so it cannot load the relaxed kernels');
    // Compile every kernel with the optimizing compiler from its first call: a training step
    // calls each kernel once, and V8's baseline code, which it would otherwise start with, runs
    // the first epoch several times slower.
    setFlagsFromString('--no-liftoff');
    module = new WebAssembly.Module(read(FILES[chosen]));
    compiled.set(chosen, module);
  }
  return { module, build: chosen };
}

/** Whether this engine validates the relaxed build, after enabling relaxed SIMD where it is a flag. */
function runsRelaxed(): boolean {
  const bytes = read(FILES.relaxed);
  if (!WebAssembly.validate(bytes)) setFlagsFromString('--experimental-wasm-relaxed-simd');
  return WebAssembly.validate(bytes);
}

function read(name: string): Uint8Array {
  try {
    return readFileSync(packageFile('dist', name));
  } catch {
    throw new Error("the fast kernels are not built: run 'npm run build' (npm ci does it) in netc's folder, or use --backend reference");
  }
}
