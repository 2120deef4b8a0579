/**
 * A training run, as `netc train` makes one: set it up from a spec (or from a run folder to
 * resume), train with a checkpoint after every epoch, and leave the run folder with the resolved
 * spec, metrics.json, the module and the checkpoint. The command line only parses its arguments
 * and prints what the hooks report; everything that decides what is computed and written is here.
 */
import { existsSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { stringify } from 'yaml';
import type { Diagnostic } from '../diagnostics/diagnostics.js';
import { Messages } from '../diagnostics/messages.js';
import { DEFAULT_OPTIMIZER, resolveOptimizer } from '../ir/optimizers/index.js';
import { writeFileAtomic } from '../runtime/atomic.js';
import { CheckpointError, readCheckpoint, type CheckpointHeader, type Progress } from '../runtime/checkpoint.js';
import { Augmenter } from '../runtime/data/augment.js';
import { holdOut, type Dataset } from '../runtime/data/dataset.js';
import { prepareTfjsBackend } from '../runtime/kernels/tfjs/engine.js';
import type { CompiledModel } from '../runtime/model.js';
import { packageVersion } from '../runtime/package-root.js';
import { KernelProfiler, type ScheduleLabels } from '../runtime/profiler.js';
import { EarlyStopping, type Verdict } from '../runtime/training/early-stopping.js';
import { evaluate, fit } from '../runtime/api/fit.js';
import type { EpochMetrics, StepReport } from '../runtime/training/loop.js';
import { restoreTraining, saveTraining } from '../runtime/training/resume.js';
import { scheduledRate, type StepPosition } from '../runtime/training/schedule.js';
import type { LoadedSpec } from '../spec/types.js';
import { analyze } from './analyze.js';
import { loadSpecData } from './data.js';
import { compileAndLoad, type ModelModule } from './load.js';
import { profileLabels } from './profile-labels.js';
import { BEST_CHECKPOINT, CHECKPOINT, METRICS, TRACE, newRunFolder, prepareRunFolder, runFolderBytes, SPEC, writeJson, type Metrics } from './run-folder.js';
import { chromeTrace } from './trace.js';

/** How a run trains: the spec's values with the command line's overrides applied. */
export interface RunSettings {
  readonly epochs: number;
  readonly batchSize: number;
  readonly seed: number;
  readonly learningRate: number;
  readonly limit: number | null;
  readonly backend: string;
  readonly threads: number;
}

/** What a command line may override; unset ones come from the spec, then the defaults. */
export interface RunOverrides {
  readonly epochs?: number | undefined;
  readonly batchSize?: number | undefined;
  readonly learningRate?: number | undefined;
  readonly seed?: number | undefined;
  readonly limit?: number | undefined;
  readonly backend: string;
  readonly threads: number;
  /** the run folder (default: runs/<name>-<time>/) */
  readonly out?: string | undefined;
  /** time every kernel call; the run folder gets trace.json */
  readonly profile?: boolean | undefined;
  /** write into `out` even when it holds a run already */
  readonly force?: boolean;
}

/** A run ready to train: its folder prepared, its module compiled and loaded. */
export interface TrainRun {
  readonly dir: string;
  /** the spec file it came from */
  readonly file: string;
  readonly loaded: LoadedSpec;
  readonly module: ModelModule;
  readonly settings: RunSettings;
  readonly resolvedSpec: string;
  /** set when resuming: where the checkpoint stood, and its tensors */
  readonly start?: { readonly progress: Progress; readonly params: Record<string, Float32Array>; readonly state: Record<string, Float32Array> };
  /** metrics.json of the epochs before the checkpoint, when resuming */
  readonly metrics?: Metrics;
  /** trainable parameters, as netc check counts them */
  readonly params: number;
  /** the analysis's warnings, to show before training */
  readonly warnings: Refusal;
  /** when profiling: the layer and phase of each kernel call of the module's schedules */
  readonly profileLabels?: ScheduleLabels;
}

/** Diagnostics for a person, with the texts of the files they point into. */
export interface Refusal {
  readonly diagnostics: readonly Diagnostic[];
  readonly sources?: ReadonlyMap<string, string>;
}

/** Set up a new run of the spec in `file`. */
export async function newRun(file: string, o: RunOverrides): Promise<TrainRun | Refusal> {
  const a = analyze(file);
  if (!a.ok || !a.loaded) return { diagnostics: a.diagnostics, sources: a.sources };
  const warnings = a.diagnostics;
  const spec = a.loaded.spec;
  if (!spec.train) return { diagnostics: [...warnings, Messages.NoTrainSection.at(a.loaded.map.locate([]))], sources: a.sources };
  const settings: RunSettings = {
    epochs: o.epochs ?? spec.train.epochs ?? 1,
    batchSize: o.batchSize ?? spec.train.batch_size ?? 32,
    seed: o.seed ?? spec.train.seed ?? 0,
    learningRate: o.learningRate ?? resolveOptimizer(spec.train.optimizer).learningRate,
    limit: o.limit ?? null,
    backend: o.backend,
    threads: o.threads,
  };
  const dir = resolve(o.out ?? newRunFolder('runs', spec.name));
  const earlier = o.force ? undefined : [CHECKPOINT, METRICS, SPEC].find((f) => existsSync(join(dir, f)));
  if (earlier) {
    const problem = `holds a run already (${earlier}); choose another --out, continue it with netc train --resume ${o.out ?? dir}, or add --force to overwrite it`;
    return { diagnostics: [...warnings, Messages.RunFolder.at(undefined, dir, problem)], sources: a.sources };
  }
  const problem = prepareRunFolder(dir, a.graph ? runFolderBytes(a.graph) : 64 * 1048576);
  if (problem) return { diagnostics: [...warnings, Messages.RunFolder.at(undefined, dir, problem)], sources: a.sources };
  const resolvedSpec = resolvedSpecText(a.loaded, settings);
  writeFileAtomic(join(dir, SPEC), resolvedSpec);
  const loaded = await compileAndLoad(file, dir, { batchSize: settings.batchSize });
  if (!('module' in loaded)) return { diagnostics: loaded.compiled.diagnostics, sources: a.sources };
  const profiled = o.profile ? { profileLabels: profileLabels(loaded.compiled) } : {};
  return { dir, file, loaded: a.loaded, module: loaded.module, settings, resolvedSpec, params: a.summary?.params ?? 0, warnings: { diagnostics: warnings, sources: a.sources }, ...profiled };
}

/** A run folder whose epochs are all trained: nothing to resume. */
export interface Finished {
  /** its epochs; `early`: the epoch after which early stopping ended it */
  readonly finished: { readonly epochs: number; readonly early?: number };
}

/** Set up the run in folder `dirArg` to go on from its checkpoint (to `epochs` in all, if given). */
export async function resumeRun(dirArg: string, o: { readonly epochs?: number | undefined; readonly threads: number; readonly profile?: boolean | undefined }): Promise<TrainRun | Refusal | Finished> {
  const dir = resolve(dirArg);
  const ckpt = join(dir, CHECKPOINT);
  let c;
  try {
    c = readCheckpoint(ckpt);
  } catch (e) {
    if (e instanceof CheckpointError) return { diagnostics: [Messages.Checkpoint.at(undefined, e.path, e.problem)] };
    throw e;
  }
  const header = c.header as CheckpointHeader & { settings: RunSettings };
  if (!header.settings) return { diagnostics: [Messages.Checkpoint.at(undefined, ckpt, 'has no run settings; it was not written by netc train')] };
  const specFile = join(dir, SPEC);
  const a = analyze(specFile);
  if (!a.ok || !a.loaded) return { diagnostics: a.diagnostics, sources: a.sources };
  const settings: RunSettings = { ...header.settings, epochs: o.epochs ?? header.settings.epochs, threads: o.threads };
  if (header.progress.epoch >= settings.epochs) return { finished: { epochs: settings.epochs } };
  const loaded = await compileAndLoad(specFile, dir, { batchSize: settings.batchSize });
  if (!('module' in loaded)) return { diagnostics: loaded.compiled.diagnostics, sources: a.sources };
  const metricsPath = join(dir, METRICS);
  let metrics: Metrics | undefined;
  let readable = true;
  try {
    metrics = existsSync(metricsPath) ? (JSON.parse(readFileSync(metricsPath, 'utf8')) as Metrics) : undefined;
  } catch {
    readable = false;
  }
  if (!readable || (metrics !== undefined && !Array.isArray((metrics as Partial<Metrics> | null)?.epochs))) {
    return { diagnostics: [Messages.RunFolder.at(undefined, dir, `${METRICS} is not what netc train writes; move it away to start the metrics afresh`)] };
  }
  if (metrics) metrics.epochs.splice(header.progress.epoch); // epochs after the checkpoint are redone
  // A run that early stopping ended has nothing left to train, whatever its epochs say.
  const early = a.loaded.spec.train?.early_stopping;
  if (early && metrics && header.progress.batch === 0) {
    const stopper = new EarlyStopping(early);
    const stopped = metrics.epochs.find((m) => stopper.observe(m).stop);
    if (stopped) return { finished: { epochs: settings.epochs, early: stopped.epoch } };
  }
  return {
    dir,
    file: header.source,
    loaded: a.loaded,
    module: loaded.module,
    settings,
    resolvedSpec: header.spec,
    start: { progress: header.progress, params: c.params, state: c.state },
    ...(metrics ? { metrics } : {}),
    params: a.summary?.params ?? 0,
    warnings: { diagnostics: a.diagnostics, sources: a.sources },
    ...(o.profile ? { profileLabels: profileLabels(loaded.compiled) } : {}),
  };
}

/** What a run tells its caller while it trains. */
export interface RunHooks {
  /** the data set is loaded and the model made: training starts (or resumes) */
  onStart?(s: { readonly model: CompiledModel; readonly data: Dataset; readonly metrics: Metrics }): void;
  onStep?(r: StepReport): void;
  /** after each epoch; with early stopping, its verdict on the epoch */
  onEpoch?(m: EpochMetrics, verdict?: Verdict): void;
  /** polled between steps: stop after a checkpoint (Ctrl-C) */
  shouldStop?(): boolean;
  /** after the last epoch, before the model is closed (the report is written here) */
  afterTraining?(s: { readonly model: CompiledModel; readonly data: Dataset; readonly metrics: Metrics }): Promise<void>;
}

export type RunEnd =
  | {
      readonly kind: 'done';
      readonly metrics: Metrics;
      readonly test: { readonly loss: number; readonly accuracy: number };
      readonly testImages: number;
      /** when early stopping ended the run: after which epoch, and the best one (kept as best.netc) */
      readonly early?: { readonly epoch: number; readonly best: number };
      /** when profiling: the kernel times, also written to the run folder's trace.json */
      readonly profile?: KernelProfiler;
    }
  | { readonly kind: 'stopped'; readonly at: Progress; readonly profile?: KernelProfiler }
  | ({ readonly kind: 'failed' } & Refusal);

/** Train the run to its last epoch (or a stop), writing metrics.json and checkpoints as it goes. */
export async function train(run: TrainRun, hooks: RunHooks = {}): Promise<RunEnd> {
  const s = run.settings;
  const failed = (...diagnostics: Diagnostic[]): RunEnd => ({ kind: 'failed', diagnostics, sources: run.loaded.sources });
  const loadedData = loadSpecData(run.loaded, run.module.info.classes, s.limit ? { limit: s.limit } : {});
  if ('code' in loadedData) return failed(loadedData);
  const data = withValidation(run.loaded, loadedData);
  if ('code' in data) return failed(data);
  if (s.backend === 'tfjs') {
    const engine = await prepareTfjsBackend();
    if ('problem' in engine) return failed(Messages.TfjsUnavailable.at(undefined, engine.problem));
  }
  const model = run.module.createModel({ seed: s.seed, learningRate: s.learningRate, backend: s.backend, threads: s.threads });
  try {
    if (run.start) {
      const misfit = restoreTraining(model, run.start);
      if (misfit) return failed(Messages.Checkpoint.at(undefined, join(run.dir, CHECKPOINT), `does not fit the run's spec.yaml (${misfit}); was the spec edited?`));
    }
    const profiler = run.profileLabels ? new KernelProfiler(run.profileLabels) : undefined;
    model.profile(profiler);
    const end = await trainModel(run, model, data, hooks);
    // a run stopped with Ctrl-C keeps the profile of the steps it took, as a finished one does
    if (!profiler || (end.kind !== 'done' && end.kind !== 'stopped')) return end;
    const about = { spec: run.loaded.spec.name, backend: s.backend, threads: model.threads, batch_size: s.batchSize, steps: profiler.steps };
    writeFileAtomic(join(run.dir, TRACE), JSON.stringify(chromeTrace(profiler, about)));
    return { ...end, profile: profiler };
  } finally {
    model.close();
  }
}

async function trainModel(run: TrainRun, model: CompiledModel, data: Dataset, hooks: RunHooks): Promise<RunEnd> {
  const { dir, settings: s } = run;
  const train = run.loaded.spec.train!;
  const metrics: Metrics = run.metrics ?? {
    spec: run.loaded.spec.name,
    source: run.file,
    netc: packageVersion(),
    backend: s.backend,
    threads: model.threads,
    seed: s.seed,
    batch_size: s.batchSize,
    learning_rate: s.learningRate,
    limit: s.limit,
    machine: machine(),
    epochs: [],
  };
  if (data.validation) metrics.validation = { split: train.validation_split!, images: data.validation.count };
  const stopper = train.early_stopping ? new EarlyStopping(train.early_stopping) : undefined;
  // a resumed run's stopper has seen the epochs before its checkpoint
  for (const m of stopper ? metrics.epochs : []) stopper!.observe(m);
  const noteEarlyStopping = (stoppedAfter?: number) => {
    if (!stopper) return;
    metrics.early_stopping = {
      monitor: stopper.monitor,
      patience: stopper.patience,
      min_delta: stopper.minDelta,
      best_epoch: stopper.best?.epoch ?? null,
      best: stopper.best?.value ?? null,
      stopped_after: stoppedAfter ?? null,
    };
  };
  hooks.onStart?.({ model, data, metrics });
  const header = {
    model: run.loaded.spec.name,
    netcVersion: packageVersion(),
    spec: run.resolvedSpec,
    source: run.file,
    seed: s.seed,
    learningRate: s.learningRate,
    settings: { ...s },
    ...(data.classNames ? { classNames: data.classNames } : {}),
  };
  const schedule = train.optimizer?.schedule;
  let early: { epoch: number; best: number } | undefined;
  try {
    const end = await fit(model, data, {
      epochs: s.epochs,
      batchSize: s.batchSize,
      seed: s.seed,
      loss: train.loss ?? 'categorical_crossentropy',
      // said outright, from the run's spec and settings (a resumed run's stopper has its past)
      learningRateAt: schedule ? (at: StepPosition) => scheduledRate(schedule, s.learningRate, at) : false,
      ...(run.start ? { start: run.start.progress } : {}),
      ...(hooks.onStep ? { onStep: hooks.onStep } : {}),
      earlyStopping: stopper ?? false,
      augment: train.augment ? augmenterOf(run, data) : false,
      onEpoch: (m, verdict) => {
        metrics.epochs.push(m);
        noteEarlyStopping();
        writeJson(join(dir, METRICS), metrics);
        hooks.onEpoch?.(m, verdict);
      },
      checkpoint: (progress, best) => {
        saveTraining(join(dir, CHECKPOINT), model, header, progress);
        if (best) saveTraining(join(dir, BEST_CHECKPOINT), model, header, progress);
      },
      ...(hooks.shouldStop ? { shouldStop: hooks.shouldStop } : {}),
    });
    if (end.kind === 'diverged') {
      const at = run.loaded.map.locate(['train', 'optimizer', 'learning_rate']);
      return { kind: 'failed', diagnostics: [Messages.NonFiniteLoss.at(at, end.epoch, end.step, String(end.value), model.learningRate)], sources: run.loaded.sources };
    }
    if (end.kind === 'stopped') return end;
    if (end.kind === 'early_stopped') {
      noteEarlyStopping(end.epoch);
      early = { epoch: end.epoch, best: end.best };
    }
  } catch (e) {
    // A full disk or a folder that became unwritable while training: the last checkpoint that
    // was written is whole (writes are atomic), so the run can go on from it elsewhere.
    const err = e as NodeJS.ErrnoException;
    if (typeof err.code !== 'string' || typeof err.syscall !== 'string') throw e;
    const problem = `cannot write (${err.code}, ${err.syscall}); the last checkpoint written is kept: free some space, then netc train --resume ${dir}`;
    return { kind: 'failed', diagnostics: [Messages.RunFolder.at(undefined, dir, problem)], sources: run.loaded.sources };
  }
  // Without a validation split the tutorial validates on the test set, so the last epoch's
  // validation is the final evaluation; with one, the test set is seen only now.
  const last = metrics.epochs[metrics.epochs.length - 1]!;
  const evaluated = data.validation ? evaluate(model, data.test, { loss: train.loss ?? 'categorical_crossentropy' }) : undefined;
  const test = evaluated ? { loss: evaluated.loss, accuracy: evaluated.accuracy } : { loss: last.val_loss, accuracy: last.val_accuracy };
  metrics.test = test;
  writeJson(join(dir, METRICS), metrics);
  await hooks.afterTraining?.({ model, data, metrics });
  return { kind: 'done', metrics, test, testImages: data.test.count, ...(early ? { early } : {}) };
}

/** The distortions of the run's training images (none when the spec asks for none). */
export function augmenterOf(run: TrainRun, data: Dataset): Augmenter {
  return new Augmenter(run.loaded.spec.train?.augment ?? {}, data.imageShape, run.settings.seed);
}

/** The data set with the spec's validation split held out of its training images. */
function withValidation(loaded: LoadedSpec, data: Dataset): Dataset | Diagnostic {
  const split = loaded.spec.train?.validation_split;
  if (split === undefined) return data;
  const held = holdOut(data, split);
  // at least one image is held out (n − ⌊n·(1 − split)⌋ ≥ 1 for split > 0), but all may be
  return held.train.count === 0 ? Messages.ValidationSplitEmpty.at(loaded.map.locate(['train', 'validation_split']), split, data.train.count) : held;
}

/**
 * The spec as this run trains it: extends resolved, the command line's overrides written in,
 * IDX paths made absolute so the run folder's copy works from anywhere.
 */
function resolvedSpecText(loaded: LoadedSpec, s: RunSettings): string {
  const spec = structuredClone(loaded.spec) as unknown as Record<string, unknown>;
  const train = spec.train as Record<string, unknown>;
  train.epochs = s.epochs;
  train.batch_size = s.batchSize;
  train.seed = s.seed;
  train.optimizer = { ...((train.optimizer as object | undefined) ?? { name: DEFAULT_OPTIMIZER }), learning_rate: s.learningRate };
  const ds = train.dataset as { idx?: Record<string, string> } | string;
  const absolute = (p: string, at: (string | number)[]) => (isAbsolute(p) ? p : resolve(join(loaded.map.locate(at).file, '..'), p));
  if (typeof ds === 'object' && ds.idx) {
    for (const k of Object.keys(ds.idx)) ds.idx[k] = absolute(ds.idx[k]!, ['train', 'dataset', 'idx', k]);
  }
  // an images folder and its test folder (a test fraction is a number)
  for (const k of ['images', 'test'] as const) {
    const folders = ds as Partial<Record<typeof k, unknown>>;
    if (typeof folders[k] === 'string') folders[k] = absolute(folders[k], ['train', 'dataset', k]);
  }
  // files the layers read (RBF prototypes), likewise
  (spec.layers as Record<string, unknown>[]).forEach((layer, i) => {
    if (typeof layer.prototypes === 'string') layer.prototypes = absolute(layer.prototypes, ['layers', i, 'prototypes']);
  });
  return `# The spec of this run, resolved by netc ${packageVersion()} from ${loaded.file}\n# (extends applied, command-line overrides written in).\n${stringify(spec)}`;
}

function machine(): Metrics['machine'] {
  const c = cpus();
  return { cpu: c[0]?.model.trim() ?? 'unknown', cores: c.length, node: process.version, platform: `${process.platform}-${process.arch}` };
}
