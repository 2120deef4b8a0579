/**
 * netc's runtime for browsers: all that ./core.ts exports, the training loop and its data in
 * memory, and loadFastKernels, which fetches the fast kernels' files (a page has no dist/ to
 * read them from). `npm run build` bundles it, with ./platform/browser.ts in place of
 * ./platform/index.ts, into dist/browser/runtime.js beside those files (scripts/build/browser.mjs).
 *
 * The fast backend compiles and runs its WebAssembly synchronously and its main thread waits for
 * its workers: so it runs in a Web Worker (browsers allow neither on a window's thread for a
 * module this size), on every core where the page is cross-origin isolated, else on one.
 */
import { provideKernelFiles } from './kernels/wasm/module.js';

export * from './core.js';
export { trainLoop, evaluate, epochOrder, type EpochMetrics, type StepReport, type LoopOptions, type LoopEnd } from './training/loop.js';
export { oneHot, toFloats, slice, type Dataset, type Split } from './data/dataset.js';
export { argmaxRows, accuracyOf, confusionMatrix, lossOf, type LossName } from './metrics.js';
export { parseIdxHeader, IdxError, type IdxHeader } from './data/idx.js';
export { defaultThreads } from './backend.js';
// the loop with the spec's own setup (schedule, augmentation, early stopping), as netc train runs it
export { fit, type FitOptions, type FitResult } from './api/fit.js';
// checkpoints as bytes (fetched, or from an <input type=file>): load one netc train wrote, save one to download
export { loadCheckpoint, checkpointBytes, type SaveOptions } from './api/checkpoints.js';
export { CheckpointError, type CheckpointHeader } from './checkpoint.js';

/** The kernel files, as `npm run build` names them beside the bundle. */
const KERNEL_FILES = ['kernels.wasm', 'kernels-relaxed.wasm'];

/** Fetch the fast kernels' files from `base` (default: the bundle's own folder) so that models can run on the fast backend. */
export async function loadFastKernels(base: string | URL = new URL('./', import.meta.url)): Promise<void> {
  const files: Record<string, Uint8Array> = {};
  for (const name of KERNEL_FILES) {
    const url = new URL(name, base);
    const response = await fetch(url);
    if (!response.ok) throw new Error(`netc: cannot load the fast kernels from ${url.href} (HTTP ${response.status}); serve dist/browser/ beside the bundle`);
    files[name] = new Uint8Array(await response.arrayBuffer());
  }
  provideKernelFiles(files);
}
