/**
 * A few training steps of LeNet-5 on the fast backend, written once and run both in Node (by
 * vitest) and in Chromium (bundled into ./worker.ts): the same seed and thread count must give
 * the same parameters, bit for bit. The data are random images and labels drawn from the seed.
 */
import { createModel } from '../../../generated/lenet5.js';
import { createFastKernels, type FastMemory } from '../../../src/runtime/kernels/wasm/backend.js';
import { startedWorkers } from '../../../src/runtime/kernels/wasm/threads.js';
import { Random, type Backend } from '../../../src/runtime/core.js';
import { checkpointBytes, loadCheckpoint } from '../../../src/runtime/api/checkpoints.js';

export interface StepsRequest {
  readonly seed: number;
  readonly threads: number;
  readonly steps: number;
  readonly batch: number;
}

export interface StepsResult {
  /** each parameter's float32 bits */
  readonly bits: Record<string, number[]>;
  readonly losses: number[];
  /** the threads the model ran on, and how many workers had started before the first step */
  readonly threads: number;
  readonly startedWorkers: number;
  /** the build of the kernels that ran (relaxed or plain SIMD) */
  readonly build: string;
  /** the trained model's checkpoint as bytes (an FNV-1a hash of them, and their length) */
  readonly checkpoint: { readonly hash: number; readonly length: number };
  /** whether a fresh model loaded from those bytes has the trained parameters, bit for bit */
  readonly reloaded: boolean;
}

/** FNV-1a over the bytes: equal checkpoints, equal hashes. */
function fnv1a(bytes: Uint8Array): number {
  let h = 0x811c9dc5;
  for (const b of bytes) h = Math.imul(h ^ b, 0x01000193) >>> 0;
  return h;
}

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function trainSteps(r: StepsRequest): Promise<StepsResult> {
  let memory: FastMemory | undefined;
  // the fast backend, keeping its memory in view to see its workers start
  const fast: Backend = { name: 'fast', description: 'fast, watched', allocate: (a) => (memory = createFastKernels(a.floats, a.scratchFloats, a.threads)) };
  const model = createModel({ seed: r.seed, backend: fast, threads: r.threads });
  try {
    // Wait (up to 20 s) for the workers: until they start, every kernel runs on this thread alone.
    for (let i = 0; i < 2000 && startedWorkers(memory!.memory) < model.threads - 1; i++) await pause(10);
    const started = startedWorkers(memory!.memory);
    const random = new Random(r.seed + 1000);
    const size = model.info.inputShape.reduce((a, d) => a * d, 1);
    const images = new Float32Array(r.batch * size);
    const labels = new Float32Array(r.batch * model.info.classes);
    const losses: number[] = [];
    for (let s = 0; s < r.steps; s++) {
      for (let i = 0; i < images.length; i++) images[i] = random.next();
      labels.fill(0);
      for (let n = 0; n < r.batch; n++) labels[n * model.info.classes + random.below(model.info.classes)] = 1;
      losses.push(model.trainStep(images, labels, r.batch));
    }
    const bitsOf = (m: typeof model) => {
      const bits: Record<string, number[]> = {};
      for (const [name, values] of Object.entries(m.getParameters())) bits[name] = Array.from(new Uint32Array(values.buffer, values.byteOffset, values.length));
      return bits;
    };
    const bits = bitsOf(model);
    // a checkpoint as bytes, and back into a fresh model: what a page does without files
    const bytes = checkpointBytes(model, { epochs: 1 });
    const fresh = createModel({ seed: r.seed + 1, backend: 'reference' });
    await loadCheckpoint(fresh, bytes);
    const reloaded = JSON.stringify(bitsOf(fresh)) === JSON.stringify(bits) && fresh.step === model.step;
    fresh.close();
    return { bits, losses, threads: model.threads, startedWorkers: started, build: memory!.build, checkpoint: { hash: fnv1a(bytes), length: bytes.length }, reloaded };
  } finally {
    model.close();
  }
}
