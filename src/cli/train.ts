/**
 * `netc train <spec>`: the arguments, the progress bar and the lines printed. The run itself (its
 * folder, the data, the loop, checkpoints and metrics.json) is src/driver/train-run.ts.
 * `--resume <run folder>` goes on from the last checkpoint and ends exactly where an
 * uninterrupted run would.
 */
import { join } from 'node:path';
import { augmenterOf, newRun, resumeRun, train, type Finished, type Refusal, type RunEnd, type TrainRun } from '../driver/train-run.js';
import { datasetName } from '../driver/data.js';
import { clock, counted, percent } from '../driver/format.js';
import { profileSummary } from '../driver/profile-summary.js';
import { BEST_CHECKPOINT, SPEC, TRACE } from '../driver/run-folder.js';
import { imageGridPng, pixelRange } from '../report/digits.js';
import { reportAfterTraining } from '../report/run-report.js';
import { writeFileAtomic } from '../runtime/atomic.js';
import { Batcher, type Dataset } from '../runtime/data/dataset.js';
import { backendNames, defaultBackend, defaultBackendNotice, DEFAULT_THREADS_HELP, defaultThreads, getBackend } from '../runtime/backend.js';
import { describeEngine, tfjsEngine } from '../runtime/kernels/tfjs/engine.js';
import type { Verdict } from '../runtime/training/early-stopping.js';
import { epochOrder, type EpochMetrics } from '../runtime/training/loop.js';
import { numberOption, parse, UsageError } from './args.js';
import { num, style } from './output.js';
import { printDiagnostics } from './print-diagnostics.js';
import { profileText } from './profile-table.js';
import { ProgressBar } from './progress.js';

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
  --threads N           threads for the kernels (${DEFAULT_THREADS_HELP})
  --backend NAME        ${backendNames().join(', ')} (default: ${defaultBackend.name}: native where its C++ kernels were built,
                        else fast, WebAssembly; reference is the plain TypeScript baseline;
                        tfjs runs TensorFlow.js ops, on @tensorflow/tfjs-node where it is installed)
  --out DIR             the run folder to write (refused when it holds a run, unless --force)
  --force               with --out: overwrite the run already in DIR
  --resume DIR          continue the run in DIR from its last checkpoint
  --no-progress         no live progress bar, only a line per epoch
  --profile             time every kernel call: print the time per layer and per kernel (forward,
                        backward, update) and write trace.json into the run folder (open it in
                        https://ui.perfetto.dev); kernels are timed one by one, so training is
                        a little slower than without
  --show-augment N      write augment.png into the run folder: the first N training images
                        as the first epoch distorts them (the spec's train.augment)
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
    force: { type: 'boolean' },
    resume: { type: 'string' },
    'no-progress': { type: 'boolean' },
    profile: { type: 'boolean' },
    'show-augment': { type: 'string' },
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
  const backend = typeof values.backend === 'string' ? values.backend : defaultBackend.name;
  const notice = typeof values.backend === 'string' || typeof values.resume === 'string' ? undefined : defaultBackendNotice();
  if (notice) process.stderr.write(notice + '\n');
  if (!getBackend(backend)) throw new UsageError(`--backend must be ${backendNames().join(' or ')}, not '${backend}'`);
  const progress = !values['no-progress'];
  const showAugment = numberOption(values, 'show-augment', { integer: true, min: 1, max: 1024 });

  let prepared: TrainRun | Refusal | Finished;
  if (typeof values.resume === 'string') {
    if (positionals.length > 0) throw new UsageError('--resume continues a run folder; do not name a spec as well');
    for (const o of ['batch-size', 'learning-rate', 'seed', 'limit', 'out', 'force', 'backend'] as const) {
      if (values[o] !== undefined) throw new UsageError(`--${o} cannot change when resuming: the run continues with its own settings`);
    }
    prepared = await resumeRun(values.resume, { epochs, threads, profile: values.profile === true });
    if ('finished' in prepared) {
      const { epochs: n, early } = prepared.finished;
      process.stdout.write(
        early
          ? `${values.resume} was stopped early after epoch ${early} (early_stopping); there is nothing to resume\n`
          : `${values.resume} has finished its ${counted(n, 'epoch')}; resume with --epochs N (more than ${n}) to train longer\n`,
      );
      return 0;
    }
  } else {
    if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? 'name the spec to train' : 'train takes one spec');
    const out = typeof values.out === 'string' ? values.out : undefined;
    if (values.force && out === undefined) throw new UsageError('--force overwrites the run folder that --out names; name one with --out');
    prepared = await newRun(positionals[0]!, { epochs, batchSize, learningRate, seed, limit, backend, threads, out, force: Boolean(values.force), profile: values.profile === true });
  }
  if (!('module' in prepared)) {
    printDiagnostics(prepared.diagnostics, prepared.sources);
    return 1;
  }
  printDiagnostics(prepared.warnings.diagnostics, prepared.warnings.sources);
  return trainPrinting(prepared, progress, showAugment);
}

/** Train the run, printing its progress; Ctrl-C stops it after a checkpoint. */
async function trainPrinting(run: TrainRun, progress: boolean, showAugment: number | undefined): Promise<number> {
  const s = run.settings;
  const out = process.stdout;
  const st = style(out);
  let stop = false;
  const onSigint = () => {
    if (stop) process.exit(130); // a second Ctrl-C does not wait
    stop = true;
  };
  process.on('SIGINT', onSigint);
  const bar = new ProgressBar(out, s.epochs, progress);
  let end: RunEnd;
  try {
    end = await train(run, {
      onStart: ({ model, data, metrics }) => {
        const train = run.loaded.spec.train!;
        const backend = model.backend.name === 'tfjs' ? `tfjs backend (${describeEngine(tfjsEngine()!)})` : `${model.backend.name} backend`;
        out.write(
          `${run.start ? 'resuming' : 'training'} ${st.bold(run.loaded.spec.name)} (${num(run.params)} parameters) on ${datasetName(train.dataset)}: ` +
            `${counted(data.train.count, 'image')}, ${counted(s.epochs, 'epoch')} of ${counted(Math.ceil(data.train.count / s.batchSize), 'batch')} of ${Math.min(s.batchSize, data.train.count)}; ` +
            `${backend}, ${metrics.threads} thread${metrics.threads === 1 ? '' : 's'}\n`,
        );
        if (showAugment) out.write(`the first ${showAugment} training images as the first epoch distorts them: ${writeAugmentGrid(run, data, showAugment)}\n`);
      },
      onStep: (r) => bar.step(r),
      onEpoch: (m, verdict) => {
        bar.clear();
        out.write(epochLine(m, s.epochs) + (verdict ? `  ${verdictText(verdict, run)}` : '') + '\n');
      },
      shouldStop: () => stop,
      afterTraining: async ({ model, data, metrics }) => {
        const e = metrics.early_stopping;
        if (e?.stopped_after) {
          const p = e.patience === 1 ? '' : 's';
          out.write(`stopped early after epoch ${e.stopped_after}: ${e.monitor} has not improved for ${e.patience} epoch${p} since epoch ${e.best_epoch}, kept as ${join(run.dir, BEST_CHECKPOINT)}\n`);
        }
        const test = metrics.test!;
        const total = metrics.epochs.reduce((t, e) => t + e.seconds, 0);
        out.write(`test loss ${test.loss.toFixed(4)}, test accuracy ${st.bold(percent(test.accuracy))} (${num(data.test.count)} images; ${clock(total)} of training)\n`);
        out.write(`run folder: ${run.dir}\n`);
        await reportAfterTraining({ dir: run.dir, metrics, specFile: join(run.dir, SPEC), model, data });
      },
    });
  } finally {
    bar.clear();
    process.off('SIGINT', onSigint);
  }
  if (end.kind === 'failed') {
    printDiagnostics(end.diagnostics, end.sources);
    return 1;
  }
  if (end.profile) out.write(`${profileText(profileSummary(end.profile))}\ntrace: ${join(run.dir, TRACE)} (open it in https://ui.perfetto.dev)\n`);
  if (end.kind === 'stopped') {
    out.write(`stopped at epoch ${end.at.epoch + 1}, step ${end.at.batch}; the checkpoint is saved. Resume with: netc train --resume ${run.dir}\n`);
    return 130;
  }
  return 0;
}

/** augment.png in the run folder: the first `count` images of epoch 1's order, distorted as epoch 1 distorts them. */
function writeAugmentGrid(run: TrainRun, data: Dataset, count: number): string {
  const n = Math.min(count, data.train.count);
  const batcher = new Batcher(data.train, n);
  batcher.gather(epochOrder(data.train.count, run.settings.seed, 0), 0, n, augmenterOf(run, data), 0);
  const path = join(run.dir, 'augment.png');
  writeFileAtomic(path, imageGridPng(batcher.distorted(n, data.imageShape), n, data.imageShape, pixelRange(data.train), Math.ceil(Math.sqrt(n))));
  return path;
}

/** What early stopping made of an epoch, after its line. */
function verdictText(v: Verdict, run: TrainRun): string {
  const patience = run.loaded.spec.train?.early_stopping?.patience ?? 0;
  return v.improved ? 'best so far' : `no improvement for ${v.waited} of ${patience}`;
}

function epochLine(m: EpochMetrics, epochs: number): string {
  return (
    `epoch ${m.epoch}/${epochs}  loss ${m.train_loss.toFixed(4)}  accuracy ${percent(m.train_accuracy)}  ` +
    `val_loss ${m.val_loss.toFixed(4)}  val_accuracy ${percent(m.val_accuracy)}  ` +
    `${m.seconds.toFixed(1)} s  ${num(Math.round(m.images_per_s))} img/s`
  );
}
