/**
 * Loading the native kernels' addon: dist/netc-native.node, which `npm run build` (so `npm ci`)
 * compiles from ./csrc when it can (scripts/build/native.mjs). Loaded once per process; when it
 * is missing or does not load, `nativeAddon()` says why, and netc runs on the WebAssembly backend.
 * NETC_NATIVE_ADDON names another file to load: tests point it at a missing one to see the fallback.
 */
import { packageFile } from '../../package-root.js';
import { createRequire, env, platformName } from '../../platform/index.js';

/** What csrc/addon.cc exports. */
export interface NativeAddon {
  /** an arena of `floats` float32s and an argument block, with a pool of `threads` threads */
  create(floats: number, threads: number): { arena: ArrayBuffer; args: ArrayBuffer; id: number };
  /** run kernel number `kernel` on context `id` with the arguments in its argument block */
  run(id: number, kernel: number): number;
  /** stop the context's threads */
  close(id: number): void;
  /** the kernel table: [name, number of arguments, whether it returns a value] in the order run() numbers them */
  kernels(): [string, number, boolean][];
  /** the instruction set of the matrix kernels: 'avx512', 'avx2' or 'portable' */
  isa(): string;
}

export type NativeLoad = { addon: NativeAddon } | { addon?: undefined; reason: string };

let loaded: NativeLoad | undefined;

export function nativeAddon(): NativeLoad {
  if (loaded) return loaded;
  if (platformName === 'browser') return (loaded = { reason: 'native kernels do not run in a browser' });
  const file = env('NETC_NATIVE_ADDON') || packageFile('dist', 'netc-native.node');
  try {
    loaded = { addon: createRequire(import.meta.url)(file) as NativeAddon };
  } catch (e) {
    const code = (e as { code?: string }).code;
    loaded = { reason: code === 'MODULE_NOT_FOUND' ? `${file} was not built` : `${file} did not load: ${(e as Error).message.split('\n')[0]}` };
  }
  return loaded;
}
