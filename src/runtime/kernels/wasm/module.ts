/**
 * The fast kernels' compiled module. `npm run build:kernels` builds ./assembly twice:
 * dist/kernels-relaxed.wasm, the 'relaxed' build with relaxed SIMD's fused multiply-adds, and
 * dist/kernels.wasm, the 'plain' build for engines without relaxed SIMD. Unless a build is asked
 * for, the relaxed one runs where this engine has relaxed SIMD (Node 20 does behind a V8 flag,
 * which is set here before compiling) and NETC_RELAXED_SIMD is not 0, else the plain one. Asking
 * is for tests: Node 20 would otherwise never run the plain build, and its bugs would go unseen.
 *
 * In Node the files are read from netc's dist/; a browser has no files, so a page hands their
 * bytes over first (provideKernelFiles, which ../../browser.ts's loadFastKernels calls).
 */
import { packageFile } from '../../package-root.js';
import { env, platformName, readFileSync, setEngineFlags } from '../../platform/index.js';
import './webassembly-api.js';

export type KernelBuild = 'relaxed' | 'plain';

const FILES: Record<KernelBuild, string> = { relaxed: 'kernels-relaxed.wasm', plain: 'kernels.wasm' };

/** Each build compiled once per process, and the build chosen when none is asked for. */
const compiled = new Map<KernelBuild, WebAssembly.Module>();
let preferred: KernelBuild | undefined;
/** The files' bytes, where they were handed over rather than read (in a browser). */
const provided = new Map<string, Uint8Array>();

/** Use these bytes for the kernel files (by name: kernels.wasm, kernels-relaxed.wasm) instead of reading dist/. */
export function provideKernelFiles(files: Readonly<Record<string, Uint8Array>>): void {
  for (const [name, bytes] of Object.entries(files)) provided.set(name, bytes);
}

/** The compiled kernels of `build` (default: the best this engine runs), and which build they are. */
export function kernelModule(build?: KernelBuild): { module: WebAssembly.Module; build: KernelBuild } {
  const chosen = build ?? (preferred ??= env('NETC_RELAXED_SIMD') !== '0' && runsRelaxed() ? 'relaxed' : 'plain');
  let module = compiled.get(chosen);
  if (!module) {
    if (chosen === 'relaxed' && !runsRelaxed()) throw new Error('this engine does not run relaxed SIMD, so it cannot load the relaxed kernels');
    // Compile every kernel with the optimizing compiler from its first call: a training step
    // calls each kernel once, and V8's baseline code, which it would otherwise start with, runs
    // the first epoch several times slower.
    setEngineFlags('--no-liftoff');
    module = new WebAssembly.Module(read(FILES[chosen]));
    compiled.set(chosen, module);
  }
  return { module, build: chosen };
}

/** Whether this engine validates the relaxed build, after enabling relaxed SIMD where it is a flag. */
function runsRelaxed(): boolean {
  const bytes = read(FILES.relaxed);
  if (!WebAssembly.validate(bytes)) setEngineFlags('--experimental-wasm-relaxed-simd');
  return WebAssembly.validate(bytes);
}

function read(name: string): Uint8Array {
  const bytes = provided.get(name);
  if (bytes) return bytes;
  if (platformName === 'browser') throw new Error("the fast kernels' files were not loaded: call loadFastKernels() (from netc's browser runtime) before making a model on the fast backend");
  try {
    return readFileSync(packageFile('dist', name));
  } catch {
    throw new Error("the fast kernels are not built: run 'npm run build' (npm ci does it) in netc's folder, or use --backend reference");
  }
}
