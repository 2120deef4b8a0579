/** The Web Worker of test/runtime/browser-runtime.test.ts: load the fast kernels, train, post the result. */
import { loadFastKernels } from '../../../src/runtime/browser.js';
import { trainSteps, type StepsRequest } from './train-steps.js';

declare const self: { onmessage: ((e: { data: StepsRequest }) => void) | null; postMessage(data: unknown): void };

self.onmessage = async (e) => {
  try {
    await loadFastKernels();
    self.postMessage({ ok: true, result: await trainSteps(e.data) });
  } catch (error) {
    self.postMessage({ ok: false, error: String((error as Error).stack ?? error) });
  }
};
