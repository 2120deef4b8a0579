/**
 * The backends a model can run on, by name. Each lives in its own folder under kernels/ with a
 * backend.ts, and implements the contract in kernels/types.ts.
 */
import { nativeAddon } from './kernels/native/addon.js';
import { nativeBackend } from './kernels/native/backend.js';
import { referenceBackend } from './kernels/reference/backend.js';
import { tfjsBackend } from './kernels/tfjs/backend.js';
import type { Backend } from './kernels/types.js';
import { fastBackend } from './kernels/wasm/backend.js';
import { threadsTheMachineCanGive } from './idle-cores.js';
import { sharedMemory } from './platform/index.js';

/** Whether the native kernels were built and load here. */
export const nativeAvailable = (): boolean => nativeAddon().addon !== undefined;

/** The backend a model runs on unless it names one: native where it was built, else fast. */
export const defaultBackend: Backend = nativeAvailable() ? nativeBackend : fastBackend;

/**
 * One line to print when a command runs on the default backend and that is not the native one
 * (undefined when it is): why, and what runs instead.
 */
export function defaultBackendNotice(): string | undefined {
  const load = nativeAddon();
  return load.addon ? undefined : `netc: native kernels unavailable (${load.reason}); using the WebAssembly backend ('fast')`;
}

/**
 * Threads when none are named: the cores idle when first asked (idle-cores.ts), where threads
 * can share memory (in a browser: a cross-origin isolated page, every core); else one.
 */
export const defaultThreads = (): number => (sharedMemory() ? threadsTheMachineCanGive() : 1);

/** How --help describes the default thread count (without measuring it). */
export const DEFAULT_THREADS_HELP = 'default: the cores idle when it starts';

const BACKENDS = new Map<string, Backend>([
  ...(nativeAvailable() ? [[nativeBackend.name, nativeBackend] as const] : []),
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
