/**
 * `netc bench`'s measurement of one spec, in this process: compile it for the batch size, make a
 * model on a backend and thread count, and time training steps and inference on synthetic data
 * (seeded random images of the spec's input shape in [0, 1) and random one-hot labels: speed does
 * not depend on what the pixels show, and no data set need be installed). A few steps of each
 * run first, untimed, so that the engine's compiler tiers and the kernels' scratch are warm.
 * Peak memory is this process's peak resident set size.
 */
import type { Diagnostic } from '../diagnostics/diagnostics.js';
import { Messages } from '../diagnostics/messages.js';
import { prepareTfjsBackend } from '../runtime/kernels/tfjs/engine.js';
import { KernelProfiler } from '../runtime/profiler.js';
import { Random } from '../runtime/random.js';
import { compileAndLoad } from './load.js';
import { profileLabels } from './profile-labels.js';
import { profileSummary, type ProfileSummary } from './profile-summary.js';
import { scratchDir } from './scratch.js';

export interface BenchOptions {
  readonly backend: string;
  readonly threads: number;
  /** the training step's batch (default: the spec's) */
  readonly batchSize?: number | undefined;
  /** timed training steps; inference is timed over as many images */
  readonly steps: number;
  /** time each kernel call of the timed training steps and inference batches */
  readonly profile?: boolean;
}

export interface BenchResult {
  readonly spec: string;
  readonly name: string;
  readonly backend: string;
  readonly threads: number;
  readonly batchSize: number;
  readonly steps: number;
  readonly trainImagesPerS: number;
  readonly inferImagesPerS: number;
  /** the module's inference chunk: predict runs this many images at a time */
  readonly inferBatch: number;
  readonly peakRssMiB: number;
  readonly profile?: ProfileSummary;
}

export const WARMUP_STEPS = 3;

export async function benchSpec(file: string, o: BenchOptions): Promise<BenchResult | { diagnostics: Diagnostic[]; sources?: ReadonlyMap<string, string> }> {
  const loaded = await compileAndLoad(file, scratchDir('bench'), o.batchSize ? { batchSize: o.batchSize } : {});
  const analysis = loaded.compiled.analysis;
  if (!('module' in loaded)) return { diagnostics: loaded.compiled.diagnostics, sources: analysis.sources };
  const spec = analysis.loaded!.spec;
  if (!spec.train) return { diagnostics: [Messages.NoTrainSection.at(analysis.loaded!.map.locate([]))], sources: analysis.sources };
  if (o.backend === 'tfjs') {
    const engine = await prepareTfjsBackend();
    if ('problem' in engine) return { diagnostics: [Messages.TfjsUnavailable.at(undefined, engine.problem)] };
  }
  const info = loaded.module.info;
  const batch = info.batchSize;
  const imageSize = info.inputShape.reduce((a, d) => a * d, 1);
  const rng = new Random(1);
  const images = Float32Array.from({ length: batch * imageSize }, () => rng.next());
  const labels = new Float32Array(batch * info.classes);
  for (let i = 0; i < batch; i++) labels[i * info.classes + Math.floor(rng.next() * info.classes)] = 1;
  const model = loaded.module.createModel({ seed: 1, backend: o.backend, threads: o.threads });
  try {
    for (let s = 0; s < WARMUP_STEPS; s++) model.trainStep(images, labels);
    const profiler = o.profile ? new KernelProfiler(profileLabels(loaded.compiled)) : undefined;
    model.profile(profiler);
    const t0 = performance.now();
    for (let s = 0; s < o.steps; s++) model.trainStep(images, labels);
    const trainImagesPerS = (o.steps * batch) / ((performance.now() - t0) / 1000);
    // inference over as many images as the timed steps trained on, in the module's chunks
    const inferImages = Float32Array.from({ length: Math.min(o.steps * batch, 4 * info.inferBatch) * imageSize }, () => rng.next());
    const chunks = Math.max(1, Math.ceil((o.steps * batch) / (inferImages.length / imageSize)));
    model.profile(undefined);
    model.predict(inferImages.subarray(0, Math.min(info.inferBatch, batch) * imageSize));
    model.profile(profiler);
    const t1 = performance.now();
    for (let c = 0; c < chunks; c++) model.predict(inferImages);
    const inferImagesPerS = (chunks * (inferImages.length / imageSize)) / ((performance.now() - t1) / 1000);
    return {
      spec: file,
      name: spec.name,
      backend: o.backend,
      threads: model.threads,
      batchSize: batch,
      steps: o.steps,
      trainImagesPerS,
      inferImagesPerS,
      inferBatch: info.inferBatch,
      peakRssMiB: process.resourceUsage().maxRSS / 1024,
      ...(profiler ? { profile: profileSummary(profiler) } : {}),
    };
  } finally {
    model.close();
  }
}
