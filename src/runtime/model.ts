/**
 * What every generated module's model class extends. The generated subclass holds the three
 * schedules — training step, inference, optimizer update — as straight-line kernel calls with
 * every shape and offset a constant; this class feeds them: it owns the arena, initializes the
 * parameters from a seed, copies batches in and results out, and reads and writes parameters,
 * gradients and optimizer state by name.
 */
import { defaultBackend, defaultThreads, getBackend } from './backend.js';
import { WARP_FLOATS } from './kernels/reference/augment.js';
import type { Backend, Kernels } from './kernels/types.js';
import type { AugmentSpec } from './data/augment.js';
import type { LossName } from './metrics.js';
import type { KernelProfiler } from './profiler.js';
import { hashSeed, Random } from './random.js';
import type { EarlyStoppingSpec } from './training/early-stopping.js';
import type { Schedule } from './training/schedule.js';

export type Init =
  | { readonly kind: 'glorot_uniform'; readonly fanIn: number; readonly fanOut: number }
  | { readonly kind: 'zeros' }
  | { readonly kind: 'ones' }
  | { readonly kind: 'constant'; readonly value: number }
  | { readonly kind: 'uniform'; readonly limit: number }
  | { readonly kind: 'values'; readonly values: readonly number[] }
  /** a 0/1 mask [KH, KW, C, F]: 1 where filter f reads channel c (c in table[f]) */
  | { readonly kind: 'connections'; readonly table: readonly (readonly number[])[] };

export interface ParameterInfo {
  readonly name: string;
  readonly shape: readonly number[];
  readonly offset: number;
  readonly init: Init;
  /** false for fixed weights, which the optimizer leaves alone */
  readonly trainable: boolean;
  /** the gradient's offset after a training step (trainable parameters) */
  readonly gradient?: number;
  /** the optimizer's state buffers for this parameter (Adam: m, v; momentum: the accumulator) */
  readonly state: readonly number[];
  /** the name of a 0/1 mask of the same shape: where it is 0, this weight is held at zero */
  readonly mask?: string;
  /** the loss adds l2·Σw² of this weight (Keras's kernel_regularizer), when it has an `l2` */
  readonly l2?: number;
}

/**
 * The training setup of the spec a module was compiled from, under the spec's names: what `fit`
 * follows where a program does not say otherwise, so that it trains as `netc train` does.
 */
export interface TrainingSetup {
  readonly epochs: number;
  /** the learning rate's schedule over the run (absent: constant) */
  readonly schedule?: Schedule;
  /** random distortions of the training images */
  readonly augment?: AugmentSpec;
  readonly earlyStopping?: EarlyStoppingSpec;
}

/**
 * The optimizer a module was compiled with, as the spec gives it or with the compiler's defaults:
 * `{ name: 'adam', learningRate: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 }`. The update
 * itself is compiled into `updateSchedule`; the runtime reads only the step size, so the other
 * hyperparameters are there for people and tools, under the spec's names in camelCase.
 */
export interface OptimizerInfo {
  readonly name: string;
  readonly learningRate: number;
  readonly [hyperparameter: string]: string | number | boolean;
}

export interface ModelInfo {
  readonly name: string;
  /** the spec it was compiled from, and the netc that compiled it */
  readonly source: string;
  readonly netcVersion: string;
  readonly inputShape: readonly number[];
  readonly classes: number;
  /** the largest batch of a training step, and of one inference pass */
  readonly batchSize: number;
  readonly inferBatch: number;
  readonly arenaFloats: number;
  readonly parameters: readonly ParameterInfo[];
  readonly optimizer?: OptimizerInfo;
  /** the loss it trains on, which evaluation reports too (absent: no train section) */
  readonly loss?: LossName;
  /** the training loss's targets are y·(1 − ε) + ε/classes, as Keras's label_smoothing ε (absent: 0) */
  readonly labelSmoothing?: number;
  /** the spec's epochs, schedule, augmentation and early stopping (absent: no train section) */
  readonly training?: TrainingSetup;
  /** where the schedules read their inputs and leave their results */
  readonly io: {
    readonly trainImages?: number;
    readonly trainLabels?: number;
    readonly loss?: number;
    readonly scores?: number;
    readonly inferImages: number;
    readonly prediction: number;
  };
}

export interface ModelOptions {
  /** the seed of parameter initialization and of dropout masks (default 0) */
  readonly seed?: number;
  /** a Backend, or a backend's name (default: 'fast') */
  readonly backend?: Backend | string;
  /** threads for the kernels (default: the machine's cores; the reference backend uses one) */
  readonly threads?: number;
  /** overrides the spec's learning rate */
  readonly learningRate?: number;
}

export interface OptimizerState {
  /** completed optimizer steps */
  readonly step: number;
  /** parameter name → its state buffers, concatenated */
  readonly buffers: Record<string, Float32Array>;
}

export abstract class CompiledModel {
  readonly info: ModelInfo;
  readonly backend: Backend;
  /** the threads the kernels run on */
  readonly threads: number;
  /** the seed its parameters were initialized from and dropout draws from; fit shuffles by it too */
  readonly seed: number;
  learningRate: number;
  /** completed optimizer steps */
  step = 0;
  /** correct predictions in the last training step's batch */
  lastCorrect = 0;
  protected readonly arena: Float32Array;
  /** what the schedules call: the backend's kernels, or a profiler's timing wrapper of them */
  protected kernels: Kernels;
  private readonly backendKernels: Kernels;
  private profiler: KernelProfiler | undefined;
  /** the seed dropout draws this step's masks from */
  protected stepSeed = 0;
  private readonly imageSize: number;
  /** where augmented batches wait in the arena: the images, then their warps */
  private readonly staging: number;
  private readonly stagedWarps: number;
  private readonly release: () => void;

  /** Stop the backend's threads; the model cannot compute afterwards. */
  close(): void {
    this.release();
  }

  constructor(info: ModelInfo, options: ModelOptions = {}) {
    this.info = info;
    const b = options.backend ?? defaultBackend;
    const backend = typeof b === 'string' ? getBackend(b) : b;
    if (!backend) throw new Error(`unknown backend '${String(b)}'`);
    this.backend = backend;
    const largest = Math.max(16, ...info.parameters.map((p) => size(p.shape) + 4 * p.shape.length));
    this.imageSize = info.inputShape.reduce((a, d) => a * d, 1);
    // After the generated layout, room for a batch of images and their warps when the model
    // trains: augmentation copies the images there and the affineWarp kernel samples them into
    // the training input (2% of LeNet-5's arena).
    this.staging = align16(info.arenaFloats);
    this.stagedWarps = info.io.trainImages === undefined ? this.staging : align16(this.staging + info.batchSize * this.imageSize);
    const floats = info.io.trainImages === undefined ? info.arenaFloats : this.stagedWarps + info.batchSize * WARP_FLOATS;
    const allocation = backend.allocate({ floats, scratchFloats: 4 * largest + 64, threads: options.threads ?? defaultThreads() });
    this.arena = allocation.arena;
    this.kernels = allocation.kernels;
    this.backendKernels = allocation.kernels;
    this.threads = allocation.threads;
    this.release = () => allocation.close();
    this.seed = options.seed ?? 0;
    this.learningRate = options.learningRate ?? info.optimizer?.learningRate ?? 0;
    this.initParameters(this.seed);
  }

  /**
   * Time every kernel call with `profiler` from now on (see ./profiler.ts); undefined stops. Off,
   * the schedules call the backend's kernels directly and nothing is measured.
   */
  profile(profiler: KernelProfiler | undefined): void {
    this.profiler = profiler;
    this.kernels = profiler ? profiler.wrap(this.backendKernels) : this.backendKernels;
  }

  /** Forward, loss and backward for n examples already in the arena. */
  protected abstract trainSchedule(n: number): void;
  /** The prediction for n examples already in the arena. */
  protected abstract inferSchedule(n: number): void;
  /** One optimizer step on every trainable parameter. */
  protected abstract updateSchedule(learningRate: number, step: number): void;

  /**
   * Glorot-uniform kernels and zero biases (Keras's defaults), one seeded stream per parameter;
   * fixed values and connection masks as given; then masked weights zeroed where disconnected.
   */
  initParameters(seed: number): void {
    for (const p of this.info.parameters) {
      const rng = new Random(hashSeed(seed, p.name));
      const view = this.view(p.offset, size(p.shape));
      const init = p.init;
      if (init.kind === 'zeros') view.fill(0);
      else if (init.kind === 'ones') view.fill(1);
      else if (init.kind === 'constant') view.fill(init.value);
      else if (init.kind === 'values') view.set(init.values);
      else if (init.kind === 'connections') {
        const [C, F] = p.shape.slice(-2) as [number, number];
        view.fill(0);
        for (let t = 0; t < view.length / (C * F); t++) init.table.forEach((reads, f) => reads.forEach((c) => (view[(t * C + c) * F + f] = 1)));
      } else {
        const limit = init.kind === 'uniform' ? init.limit : Math.sqrt(6 / (init.fanIn + init.fanOut));
        for (let i = 0; i < view.length; i++) view[i] = (2 * rng.next() - 1) * limit;
      }
      for (const s of p.state) this.view(s, size(p.shape)).fill(0);
    }
    for (const p of this.info.parameters) {
      if (!p.mask) continue;
      const w = this.view(p.offset, size(p.shape));
      const m = this.view(this.param(p.mask).offset, w.length);
      for (let i = 0; i < w.length; i++) w[i]! *= m[i]!;
    }
    this.step = 0;
  }

  /**
   * Forward and backward for a batch; leaves the gradients readable and returns the loss. With
   * `warps` (6 per image, as Augmenter.warpInto writes them), each image is distorted on its way
   * in by the backend's affineWarp kernel, on the model's threads.
   */
  computeGradients(images: Float32Array, labels: Float32Array, n = images.length / this.imageSize, warps?: Float32Array): number {
    const io = this.info.io;
    if (io.trainImages === undefined || io.trainLabels === undefined || io.loss === undefined) {
      throw new Error(`${this.info.name} was compiled without a 'train' section, so it cannot be trained`);
    }
    this.checkBatch(n, this.info.batchSize, images, labels);
    if (warps) {
      if (this.info.inputShape.length !== 3) throw new Error(`augmentation distorts images (H×W×C); ${this.info.name}'s input is ${this.info.inputShape.join('×')}`);
      if (warps.length < n * WARP_FLOATS) throw new Error(`${n} images need ${n * WARP_FLOATS} warp values, got ${warps.length}`);
      this.arena.set(images.subarray(0, n * this.imageSize), this.staging);
      this.arena.set(warps.subarray(0, n * WARP_FLOATS), this.stagedWarps);
      const [H, W, C] = this.info.inputShape;
      this.kernels.affineWarp(this.staging, io.trainImages, this.stagedWarps, n, H, W, C);
    } else this.arena.set(images.subarray(0, n * this.imageSize), io.trainImages);
    this.arena.set(labels.subarray(0, n * this.info.classes), io.trainLabels);
    this.stepSeed = hashSeed(this.seed, `step ${this.step}`);
    this.profiler?.enter('train');
    this.trainSchedule(n);
    this.profiler?.leave();
    this.lastCorrect = this.kernels.countCorrect(io.scores!, io.trainLabels, n, this.info.classes);
    return this.arena[io.loss]!;
  }

  /** Apply one optimizer step with the gradients of the last computeGradients. */
  applyUpdate(): void {
    this.step++;
    this.profiler?.enter('update');
    this.updateSchedule(this.learningRate, this.step);
    this.profiler?.leave();
  }

  /** One training step on a batch of n ≤ batchSize examples; returns the batch's loss. */
  trainStep(images: Float32Array, labels: Float32Array, n = images.length / this.imageSize): number {
    const loss = this.computeGradients(images, labels, n);
    this.applyUpdate();
    return loss;
  }

  /**
   * Σ l2·Σw² over the weights with an `l2`: what the training loss adds to the data loss, and
   * what an evaluation's loss adds too, as Keras's evaluate does. 0 without regularization.
   */
  regularizationLoss(): number {
    let loss = 0;
    for (const p of this.info.parameters) {
      if (!p.l2) continue;
      let squares = 0;
      for (const w of this.view(p.offset, size(p.shape))) squares += w * w;
      loss += p.l2 * squares;
    }
    return loss;
  }

  /** Class probabilities (n × classes) for n images, run in chunks of inferBatch. */
  predict(images: Float32Array, n = images.length / this.imageSize): Float32Array {
    this.checkBatch(n, Infinity, images);
    const out = new Float32Array(n * this.info.classes);
    for (let start = 0; start < n; start += this.info.inferBatch) {
      const m = Math.min(this.info.inferBatch, n - start);
      this.arena.set(images.subarray(start * this.imageSize, (start + m) * this.imageSize), this.info.io.inferImages);
      this.profiler?.enter('infer');
      this.inferSchedule(m);
      this.profiler?.leave();
      out.set(this.view(this.info.io.prediction, m * this.info.classes), start * this.info.classes);
    }
    return out;
  }

  /** Copies of the parameters by name. */
  getParameters(): Record<string, Float32Array> {
    return Object.fromEntries(this.info.parameters.map((p) => [p.name, this.view(p.offset, size(p.shape)).slice()]));
  }

  /** Set parameters by name; each must have its parameter's size. Unnamed ones keep their values. */
  setParameters(values: Readonly<Record<string, ArrayLike<number>>>): void {
    for (const [name, v] of Object.entries(values)) {
      const p = this.param(name);
      if (v.length !== size(p.shape)) throw new Error(`parameter '${name}' has ${size(p.shape)} values, not ${v.length}`);
      this.arena.set(v, p.offset);
    }
  }

  /** Copies of the gradients of the last computeGradients, by parameter name. */
  getGradients(): Record<string, Float32Array> {
    return Object.fromEntries(
      this.info.parameters.filter((p) => p.gradient !== undefined).map((p) => [p.name, this.view(p.gradient!, size(p.shape)).slice()]),
    );
  }

  getOptimizerState(): OptimizerState {
    const buffers: Record<string, Float32Array> = {};
    for (const p of this.info.parameters) {
      const n = size(p.shape);
      const all = new Float32Array(n * p.state.length);
      p.state.forEach((s, i) => all.set(this.view(s, n), i * n));
      buffers[p.name] = all;
    }
    return { step: this.step, buffers };
  }

  setOptimizerState(state: OptimizerState): void {
    for (const p of this.info.parameters) {
      const n = size(p.shape);
      const all = state.buffers[p.name];
      if (!all || all.length !== n * p.state.length) throw new Error(`optimizer state for '${p.name}' is missing or has the wrong size`);
      p.state.forEach((s, i) => this.arena.set(all.subarray(i * n, (i + 1) * n), s));
    }
    this.step = state.step;
  }

  private param(name: string): ParameterInfo {
    const p = this.info.parameters.find((x) => x.name === name);
    if (!p) throw new Error(`${this.info.name} has no parameter '${name}'`);
    return p;
  }

  private view(offset: number, length: number): Float32Array {
    return this.arena.subarray(offset, offset + length);
  }

  private checkBatch(n: number, max: number, images: Float32Array, labels?: Float32Array): void {
    if (!Number.isInteger(n) || n < 1 || n > max) {
      throw new Error(`batch of ${n} examples: a batch holds from 1 to ${max} examples of ${this.info.inputShape.join('×')}`);
    }
    if (images.length < n * this.imageSize) throw new Error(`${n} images need ${n * this.imageSize} values, got ${images.length}`);
    if (labels && labels.length < n * this.info.classes) throw new Error(`${n} one-hot labels need ${n * this.info.classes} values, got ${labels.length}`);
  }
}

const align16 = (floats: number) => Math.ceil(floats / 16) * 16;

function size(shape: readonly number[]): number {
  return shape.reduce((a, d) => a * d, 1);
}
