/**
 * `netc train <spec>`: compile the spec (or reuse its fresh module), load the data set, train for
 * the spec's epochs with progress, evaluate, and leave a run folder with the resolved spec,
 * metrics.json, the module and a checkpoint after every epoch. `--resume <run folder>` goes on
 * from the last checkpoint and ends exactly where an uninterrupted run would.
 */
import { existsSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { stringify } from 'yaml';
import { compileAndLoad, type ModelModule } from '../driver/load.js';
import { writeFileAtomic } from '../runtime/atomic.js';
import { backendNames, defaultThreads, getBackend } from '../runtime/backend.js';
import { CheckpointError, readCheckpoint, writeCheckpoint, type CheckpointHeader, type Progress } from '../runtime/checkpoint.js';
import type { Dataset } from '../runtime/data/dataset.js';
import type { CompiledModel } from '../runtime/model.js';
import { trainLoop, type EpochMetrics } from '../runtime/training/loop.js';
import { Messages } from '../diagnostics/messages.js';
import { packageVersion } from '../runtime/package-root.js';
import type { LoadedSpec } from '../spec/types.js';
import { numberOption, parse, UsageError } from './args.js';
import { loadSpecData } from '../driver/data.js';
import { analyze } from '../driver/analyze.js';
import { DEFAULT_OPTIMIZER, resolveOptimizer } from '../ir/optimizers/index.js';
import { num, style } from './output.js';
import { printDiagnostics } from './print-diagnostics.js';
import { ProgressBar } from './progress.js';
import { clock, percent } from '../driver/format.js';
import { CHECKPOINT, METRICS, newRunFolder, prepareRunFolder, runFolderBytes, SPEC, writeJson, type Metrics } from '../driver/run-folder.js';
import { reportAfterTraining } from '../report/run-report.js';
import { describeEngine, prepareTfjsBackend, tfjsEngine } from '../runtime/kernels/tfjs/engine.js';

export const trainUsage = `usage: netc train <spec.yaml> [options]
       netc train --resume <run folder> [--epochs N]

Trains the network of a spec on its data set, evaluates it on the test set after every epoch,
and writes a run folder (default runs/<name>-<time>/) with the resolved spec, metrics.json, the
generated module and a checkpoint after every epoch. Options override the spec:

  --epochs N            epochs to train (with --resume: the new total)
  --batch-size N        examples per training step
  --learning-rate X     the optimizer's step size
  --seed N              the seed of initialization, shuffling and dropout
  --limit N             train on the first N training images only
  --threads N           threads for the kernels (default: the machine's ${defaultThreads()} cores)
  --backend NAME        ${backendNames().join(', ')} (default: fast; reference is the plain TypeScript baseline;
                        tfjs runs TensorFlow.js ops, on @tensorflow/tfjs-node where it is installed)
  --out DIR             the run folder to write
  --resume DIR          continue the run in DIR from its last checkpoint
  --no-progress         no live progress bar, only a line per epoch
Ctrl-C stops after the current step and writes a checkpoint to resume from.`;

export async function runTrain(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, {
    epochs: { type: 'string' },
    'batch-size': { type: 'string' },
    'learning-rate': { type: 'string' },
    seed: { type: 'string' },
    limit: { type: 'string' },
    threads: { type: 'string' },
    backend: { type: 'string' },
    out: { type: 'string', short: 'o' },
    resume: { type: 'string' },
    'no-progress': { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    process.stdout.write(trainUsage + '\n');
    return 0;
  }
  const epochs = numberOption(values, 'epochs', { integer: true, min: 1, max: 100000 });
  const batchSize = numberOption(values, 'batch-size', { integer: true, min: 1, max: 65536 });
  const learningRate = numberOption(values, 'learning-rate', { min: Number.MIN_VALUE });
  const seed = numberOption(values, 'seed', { integer: true, min: 0, max: 4294967295 });
  const limit = numberOption(values, 'limit', { integer: true, min: 1 });
  const threads = numberOption(values, 'threads', { integer: true, min: 1, max: 256 }) ?? defaultThreads();
  const backend = typeof values.backend === 'string' ? values.backend : 'fast';
  if (!getBackend(backend)) throw new UsageError(`--backend must be ${backendNames().join(' or ')}, not '${backend}'`);
  const progress = !values['no-progress'];

  if (typeof values.resume === 'string') {
    if (positionals.length > 0) throw new UsageError('--resume continues a run folder; do not name a spec as well');
    for (const o of ['batch-size', 'learning-rate', 'seed', 'limit', 'out', 'backend'] as const) {
      if (values[o] !== undefined) throw new UsageError(`--${o} cannot change when resuming: the run continues with its own settings`);
    }
    return resumeRun(values.resume, { ...(epochs ? { epochs } : {}), threads, progress });
  }
  if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? 'name the spec to train' : 'train takes one spec');
  const file = positionals[0]!;

  const a = analyze(file);
  if (!printDiagnostics(a.diagnostics, a.sources) || !a.loaded) return 1;
  const spec = a.loaded.spec;
  if (!spec.train) {
    printDiagnostics([Messages.NoTrainSection.at(a.loaded.map.locate([]))], a.sources);
    return 1;
  }
  const settings: RunSettings = {
    epochs: epochs ?? spec.train.epochs ?? 1,
    batchSize: batchSize ?? spec.train.batch_size ?? 32,
    seed: seed ?? spec.train.seed ?? 0,
    learningRate: learningRate ?? resolveOptimizer(spec.train.optimizer).learningRate,
    limit: limit ?? null,
    backend,
    threads,
  };
  const dir = resolve(typeof values.out === 'string' ? values.out : newRunFolder('runs', spec.name));
  const problem = prepareRunFolder(dir, a.graph ? runFolderBytes(a.graph) : 64 * 1048576);
  if (problem) {
    printDiagnostics([Messages.RunFolder.at(undefined, dir, problem)], a.sources);
    return 1;
  }
  const resolvedSpec = resolvedSpecText(a.loaded, settings);
  writeFileAtomic(join(dir, SPEC), resolvedSpec);
  const loaded = await compileAndLoad(file, dir, { batchSize: settings.batchSize });
  if (!('module' in loaded)) {
    printDiagnostics(loaded.compiled.diagnostics, a.sources);
    return 1;
  }
  return execute({ dir, file, loaded: a.loaded, module: loaded.module, settings, resolvedSpec, progress, start: undefined, metrics: undefined, params: a.summary?.params ?? 0 });
}

interface RunSettings {
  readonly epochs: number;
  readonly batchSize: number;
  readonly seed: number;
  readonly learningRate: number;
  readonly limit: number | null;
  readonly backend: string;
  readonly threads: number;
}

interface Run {
  readonly dir: string;
  readonly file: string;
  readonly loaded: LoadedSpec;
  readonly module: ModelModule;
  readonly settings: RunSettings;
  readonly resolvedSpec: string;
  readonly progress: boolean;
  /** set when resuming */
  readonly start: { progress: Progress; params: Record<string, Float32Array>; state: Record<string, Float32Array> } | undefined;
  readonly metrics: Metrics | undefined;
  /** trainable parameters, as netc check counts them */
  readonly params: number;
}

async function execute(run: Run): Promise<number> {
  const { dir, settings: s, module } = run;
  const out = process.stdout;
  const st = style(out);
  const data = loadSpecData(run.loaded, module.info.classes, s.limit ? { limit: s.limit } : {});
  if ('code' in data) {
    printDiagnostics([data], run.loaded.sources);
    return 1;
  }
  if (s.backend === 'tfjs') {
    const engine = await prepareTfjsBackend();
    if ('problem' in engine) {
      printDiagnostics([Messages.TfjsUnavailable.at(undefined, engine.problem)], run.loaded.sources);
      return 1;
    }
  }
  const model = module.createModel({ seed: s.seed, learningRate: s.learningRate, backend: s.backend, threads: s.threads });
  try {
    return await trainWith(run, model, data);
  } finally {
    model.close();
  }
}

async function trainWith(run: Run, model: CompiledModel, data: Dataset): Promise<number> {
  const { dir, settings: s, module } = run;
  const out = process.stdout;
  const st = style(out);
  if (run.start) {
    const misfit = restoreInto(model, run.start);
    if (misfit) {
      printDiagnostics([Messages.Checkpoint.at(undefined, join(dir, CHECKPOINT), `does not fit the run's spec.yaml (${misfit}); was the spec edited?`)], run.loaded.sources);
      return 1;
    }
  }
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
  const params = run.params;
  const datasetName = typeof run.loaded.spec.train!.dataset === 'string' ? run.loaded.spec.train!.dataset : 'IDX files';
  out.write(
    `${run.start ? 'resuming' : 'training'} ${st.bold(run.loaded.spec.name)} (${num(params)} parameters) on ${datasetName}: ` +
      `${num(data.train.count)} images, ${s.epochs} epochs of ${Math.ceil(data.train.count / s.batchSize)} batches of ${s.batchSize}; ` +
      `${model.backend.name} backend${model.backend.name === 'tfjs' ? ` (${describeEngine(tfjsEngine()!)})` : ''}, ${metrics.threads} thread${metrics.threads === 1 ? '' : 's'}\n`,
  );

  let stop = false;
  const onSigint = () => {
    if (stop) process.exit(130); // a second Ctrl-C does not wait
    stop = true;
  };
  process.on('SIGINT', onSigint);
  const bar = new ProgressBar(out, s.epochs, run.progress);
  const schedule = run.loaded.spec.train!.optimizer?.schedule;
  const save = (progress: Progress) => saveCheckpoint(join(dir, CHECKPOINT), model, run, progress);
  try {
    const end = await trainLoop(model, data, {
      epochs: s.epochs,
      batchSize: s.batchSize,
      seed: s.seed,
      loss: run.loaded.spec.train!.loss ?? 'categorical_crossentropy',
      ...(schedule ? { learningRateAt: (epoch: number) => rateAt(schedule, s.learningRate, epoch) } : {}),
      ...(run.start ? { start: run.start.progress } : {}),
      onStep: (r) => bar.step(r),
      onEpoch: (m) => {
        bar.clear();
        out.write(epochLine(m, s.epochs) + '\n');
        metrics.epochs.push(m);
        writeJson(join(dir, METRICS), metrics);
      },
      checkpoint: save,
      shouldStop: () => stop,
    });
    bar.clear();
    if (end.kind === 'diverged') {
      const at = run.loaded.map.locate(['train', 'optimizer', 'learning_rate']);
      printDiagnostics([Messages.NonFiniteLoss.at(at, end.epoch, end.step, String(end.value), model.learningRate)], run.loaded.sources);
      return 1;
    }
    if (end.kind === 'stopped') {
      out.write(`stopped at epoch ${end.at.epoch + 1}, step ${end.at.batch}; the checkpoint is saved. Resume with: netc train --resume ${dir}\n`);
      return 130;
    }
  } catch (e) {
    // A full disk or a folder that became unwritable while training: the last checkpoint that
    // was written is whole (writes are atomic), so the run can go on from it elsewhere.
    const err = e as NodeJS.ErrnoException;
    if (typeof err.code !== 'string' || typeof err.syscall !== 'string') throw e;
    bar.clear();
    const problem = `cannot write (${err.code}, ${err.syscall}); the last checkpoint written is kept: free some space, then netc train --resume ${dir}`;
    printDiagnostics([Messages.RunFolder.at(undefined, dir, problem)], run.loaded.sources);
    return 1;
  } finally {
    process.off('SIGINT', onSigint);
  }
  // The tutorial validates on the test set, so the last epoch's validation is the final evaluation.
  const last = metrics.epochs[metrics.epochs.length - 1]!;
  const test = { loss: last.val_loss, accuracy: last.val_accuracy };
  metrics.test = test;
  writeJson(join(dir, METRICS), metrics);
  const total = metrics.epochs.reduce((t, e) => t + e.seconds, 0);
  out.write(`test loss ${test.loss.toFixed(4)}, test accuracy ${st.bold(percent(test.accuracy))} (${num(data.test.count)} images; ${clock(total)} of training)\n`);
  out.write(`run folder: ${dir}\n`);
  await reportAfterTraining({ dir, metrics, specFile: join(dir, SPEC), model, data });
  return 0;
}

/** The learning rate of epoch e (from 0): the last schedule entry whose epoch (from 1) has come. */
export function rateAt(schedule: readonly (readonly [number, number])[], initial: number, epoch: number): number {
  let rate = initial;
  for (const [from, lr] of [...schedule].sort((a, b) => a[0] - b[0])) if (epoch + 1 >= from) rate = lr;
  return rate;
}

/** Load a checkpoint's tensors into the model; what does not fit, or undefined. */
function restoreInto(model: CompiledModel, start: NonNullable<Run['start']>): string | undefined {
  const want = model.info.parameters.map((p) => p.name).sort();
  const have = Object.keys(start.params).sort();
  if (want.join('\n') !== have.join('\n')) return `it holds parameters ${have.join(', ') || 'none'}; the spec has ${want.join(', ')}`;
  try {
    model.setParameters(start.params);
    model.setOptimizerState({ step: start.progress.step, buffers: start.state });
  } catch (e) {
    return (e as Error).message;
  }
  return undefined;
}

function epochLine(m: EpochMetrics, epochs: number): string {
  return (
    `epoch ${m.epoch}/${epochs}  loss ${m.train_loss.toFixed(4)}  accuracy ${percent(m.train_accuracy)}  ` +
    `val_loss ${m.val_loss.toFixed(4)}  val_accuracy ${percent(m.val_accuracy)}  ` +
    `${m.seconds.toFixed(1)} s  ${num(Math.round(m.images_per_s))} img/s`
  );
}

function saveCheckpoint(path: string, model: CompiledModel, run: Run, progress: Progress): void {
  const state = model.getOptimizerState();
  writeCheckpoint(path, {
    header: {
      model: run.loaded.spec.name,
      netcVersion: packageVersion(),
      spec: run.resolvedSpec,
      source: run.file,
      seed: run.settings.seed,
      learningRate: run.settings.learningRate,
      progress,
      settings: { ...run.settings },
    },
    params: model.getParameters(),
    state: state.buffers,
  });
}

async function resumeRun(dirArg: string, o: { epochs?: number; threads: number; progress: boolean }): Promise<number> {
  const dir = resolve(dirArg);
  const ckpt = join(dir, CHECKPOINT);
  let c;
  try {
    c = readCheckpoint(ckpt);
  } catch (e) {
    if (e instanceof CheckpointError) {
      printDiagnostics([Messages.Checkpoint.at(undefined, e.path, e.problem)]);
      return 1;
    }
    throw e;
  }
  const header = c.header as CheckpointHeader & { settings: RunSettings };
  if (!header.settings) {
    printDiagnostics([Messages.Checkpoint.at(undefined, ckpt, 'has no run settings; it was not written by netc train')]);
    return 1;
  }
  const specFile = join(dir, SPEC);
  const a = analyze(specFile);
  if (!printDiagnostics(a.diagnostics, a.sources) || !a.loaded) return 1;
  const settings: RunSettings = { ...header.settings, epochs: o.epochs ?? header.settings.epochs, threads: o.threads };
  if (header.progress.epoch >= settings.epochs) {
    process.stdout.write(`${dirArg} has finished its ${settings.epochs} epochs; resume with --epochs N (more than ${settings.epochs}) to train longer\n`);
    return 0;
  }
  const loaded = await compileAndLoad(specFile, dir, { batchSize: settings.batchSize });
  if (!('module' in loaded)) {
    printDiagnostics(loaded.compiled.diagnostics, a.sources);
    return 1;
  }
  const metricsPath = join(dir, METRICS);
  let metrics: Metrics | undefined;
  let readable = true;
  try {
    metrics = existsSync(metricsPath) ? (JSON.parse(readFileSync(metricsPath, 'utf8')) as Metrics) : undefined;
  } catch {
    readable = false;
  }
  if (!readable || (metrics !== undefined && !Array.isArray((metrics as Partial<Metrics> | null)?.epochs))) {
    printDiagnostics([Messages.RunFolder.at(undefined, dir, `${METRICS} is not what netc train writes; move it away to start the metrics afresh`)]);
    return 1;
  }
  if (metrics) metrics.epochs.splice(header.progress.epoch); // epochs after the checkpoint are redone
  return execute({
    dir,
    file: header.source,
    loaded: a.loaded,
    module: loaded.module,
    settings,
    resolvedSpec: header.spec,
    progress: o.progress,
    start: { progress: header.progress, params: c.params, state: c.state },
    metrics,
    params: a.summary?.params ?? 0,
  });
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
