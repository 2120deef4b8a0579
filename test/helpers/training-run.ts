/**
 * Training runs in-process, recorded bit for bit: what the loop fed (which examples, in which
 * order), what it reported, and where it ended (parameters with their state buffers, optimizer
 * state). A run can be stopped at a chosen step, saved to a checkpoint file and continued in a
 * new model from that file alone, with the functions `netc train` and `netc train --resume` use
 * (src/runtime/training/resume.ts: saveTraining, then restoreTraining and trainLoop's `start`).
 */
import { join } from 'node:path';
import { readCheckpoint, type Progress } from '../../src/runtime/checkpoint.js';
import { Augmenter, type AugmentSpec } from '../../src/runtime/data/augment.js';
import type { Dataset, Split } from '../../src/runtime/data/dataset.js';
import type { CompiledModel, ModelOptions } from '../../src/runtime/model.js';
import { Random } from '../../src/runtime/random.js';
import { trainLoop, type LoopEnd } from '../../src/runtime/training/loop.js';
import { restoreTraining, saveTraining } from '../../src/runtime/training/resume.js';
import type { ModelModule } from './modules.js';

/** A float array as its bits: -0 and +0, or two NaNs, are told apart. */
export const bitsOf = (a: Float32Array): number[] => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));

export interface Recording {
  /** per training step, the indices of the examples fed, in the order fed */
  readonly fed: number[][];
  /** per step: the epoch's running loss and accuracy, as onStep reports them */
  readonly steps: { epoch: number; batch: number; loss: number; accuracy: number; seen: number }[];
  /** per finished epoch, the metrics without the timings */
  readonly epochs: { epoch: number; train_loss: number; train_accuracy: number; val_loss: number; val_accuracy: number }[];
}

export interface EndState {
  readonly step: number;
  /** parameter name → bits; includes non-trainable state buffers (the tally layer's sums) */
  readonly params: Record<string, number[]>;
  /** parameter name → bits of its optimizer buffers */
  readonly optimizer: Record<string, number[]>;
}

export interface RunSettings {
  readonly seed: number;
  readonly epochs: number;
  readonly batchSize: number;
  readonly backend: string;
  readonly threads: number;
  /** distort the training images, as a spec's train.augment does */
  readonly augment?: AugmentSpec;
}

/**
 * A data set of random images whose examples can be told apart by their pixels, so a batch fed
 * to the model says which examples it holds.
 */
export function randomDataset(shape: readonly [number, number, number], classes: number, trainCount: number, testCount: number): Dataset {
  const rng = new Random(20);
  const size = shape[0] * shape[1] * shape[2];
  const split = (count: number): Split => {
    const images = Float32Array.from({ length: count * size }, () => rng.next());
    const labelOf = Uint8Array.from({ length: count }, () => rng.below(classes));
    const labels = new Float32Array(count * classes);
    labelOf.forEach((c, i) => (labels[i * classes + c] = 1));
    return { images, labels, classes: labelOf, count };
  };
  return { train: split(trainCount), test: split(testCount), imageShape: [...shape], numClasses: classes };
}

/** Which training example each image of a batch is, by its first two pixels. */
function identifier(data: Dataset): (images: Float32Array, n: number) => number[] {
  const size = data.train.images.length / data.train.count;
  const key = (a: Float32Array, i: number) => `${a[i * size]},${a[i * size + 1]}`;
  const index = new Map<string, number>();
  for (let i = 0; i < data.train.count; i++) index.set(key(data.train.images, i), i);
  if (index.size !== data.train.count) throw new Error('two training examples share their first pixels; pick another data seed');
  return (images, n) =>
    Array.from({ length: n }, (_, j) => {
      const i = index.get(key(images, j));
      if (i === undefined) throw new Error('the model was fed an image that is not a training example');
      return i;
    });
}

export function endState(model: CompiledModel): EndState {
  const map = (r: Record<string, Float32Array>) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, bitsOf(v)]));
  const optimizer = model.getOptimizerState();
  return { step: optimizer.step, params: map(model.getParameters()), optimizer: map(optimizer.buffers) };
}

interface Segment {
  /** stop (through shouldStop) once this many steps have been taken in this segment */
  readonly stopAfter?: number;
  /** the checkpoint file to continue from */
  readonly resumeFrom?: string;
  /** where every checkpoint of this segment is written */
  readonly checkpointTo?: string;
}

/** One call of trainLoop on a model made for it, recorded into `rec`. */
async function segment(module: ModelModule, data: Dataset, s: RunSettings, seg: Segment, rec: Recording): Promise<{ end: LoopEnd; model: CompiledModel }> {
  const options: ModelOptions = { seed: s.seed, backend: s.backend, threads: s.threads };
  let start: Progress | undefined;
  let seed = s.seed;
  let model: CompiledModel;
  if (seg.resumeFrom) {
    // From the file alone, as --resume does: the seed and learning rate come from its header.
    const c = readCheckpoint(seg.resumeFrom);
    seed = c.header.seed;
    model = module.createModel({ ...options, seed, learningRate: c.header.learningRate });
    const misfit = restoreTraining(model, { ...c, progress: c.header.progress });
    if (misfit) throw new Error(`the checkpoint does not fit: ${misfit}`);
    start = c.header.progress;
  } else model = module.createModel(options);
  const which = identifier(data);
  const compute = model.computeGradients.bind(model);
  // the images come in undistorted (warps beside them), so they say which examples they are
  model.computeGradients = (images, labels, n, warps) => {
    rec.fed.push(which(images, n!));
    return compute(images, labels, n, warps);
  };
  let taken = 0;
  const end = await trainLoop(model, data, {
    epochs: s.epochs,
    batchSize: s.batchSize,
    seed,
    loss: 'categorical_crossentropy',
    ...(start ? { start } : {}),
    ...(s.augment ? { augment: new Augmenter(s.augment, data.imageShape, seed) } : {}),
    onStep: ({ epoch, batch, loss, accuracy, seen }) => {
      taken++;
      rec.steps.push({ epoch, batch, loss, accuracy, seen });
    },
    onEpoch: ({ epoch, train_loss, train_accuracy, val_loss, val_accuracy }) => rec.epochs.push({ epoch, train_loss, train_accuracy, val_loss, val_accuracy }),
    ...(seg.checkpointTo ? { checkpoint: (progress: Progress) => save(seg.checkpointTo!, model, s, progress) } : {}),
    shouldStop: () => seg.stopAfter !== undefined && taken >= seg.stopAfter,
  });
  return { end, model };
}

/** A checkpoint as `netc train` writes it, minus the spec text this test has no use for. */
function save(path: string, model: CompiledModel, s: RunSettings, progress: Progress): void {
  saveTraining(path, model, { model: model.info.name, netcVersion: 'test', spec: '', source: model.info.source, seed: s.seed, learningRate: model.learningRate }, progress);
}

const emptyRecording = (): Recording => ({ fed: [], steps: [], epochs: [] });

/** A whole run, uninterrupted. */
export async function runThrough(module: ModelModule, data: Dataset, s: RunSettings): Promise<{ rec: Recording; end: EndState }> {
  const rec = emptyRecording();
  const { end, model } = await segment(module, data, s, {}, rec);
  if (end.kind !== 'done') throw new Error(`the run ended ${end.kind}`);
  const state = endState(model);
  model.close();
  return { rec, end: state };
}

/**
 * A run stopped after `stopAfter` steps, checkpointed to a file in `dir`, and finished by a new
 * model loaded from that file; the recording spans both parts. `at` is where the checkpoint said
 * the run stood.
 */
export async function runResumed(module: ModelModule, data: Dataset, s: RunSettings, stopAfter: number, dir: string): Promise<{ rec: Recording; end: EndState; at: Progress }> {
  const rec = emptyRecording();
  const file = join(dir, `resume-${s.seed}-${s.backend}-${s.threads}-${stopAfter}.ckpt`);
  const first = await segment(module, data, s, { stopAfter, checkpointTo: file }, rec);
  first.model.close();
  if (first.end.kind !== 'stopped') throw new Error(`the first part ended ${first.end.kind}, not stopped`);
  const second = await segment(module, data, s, { resumeFrom: file, checkpointTo: file }, rec);
  if (second.end.kind !== 'done') throw new Error(`the resumed part ended ${second.end.kind}`);
  const state = endState(second.model);
  second.model.close();
  return { rec, end: state, at: first.end.at };
}
