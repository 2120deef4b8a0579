/**
 * `netc sweep <file>`: the arguments and what is printed. Checking the sweep, the executors, the
 * results and the report are src/sweep/.
 */
import { existsSync, readdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { Messages } from '../diagnostics/messages.js';
import { checkSweep, type Plan } from '../sweep/check.js';
import { describeValues, trials } from '../sweep/expand.js';
import { loadSweep } from '../sweep/sweep-file.js';
import { defaultSweepFolder, openSweepFolder, PLAN, trialState } from '../sweep/folder.js';
import { emitIndexedJob } from '../sweep/k8s.js';
import { progressLine, runLocal, type ExecutorEvents } from '../sweep/local.js';
import { runSlurm } from '../sweep/slurm.js';
import { collectResults, writeResults, type Results } from '../sweep/results.js';
import { sweepReportHtml } from '../sweep/report.js';
import { runTrial } from '../sweep/run-trial.js';
import { writeFileAtomic } from '../runtime/atomic.js';
import { numberOption, parse, UsageError } from './args.js';
import { num, table } from './output.js';
import { printDiagnostics } from './print-diagnostics.js';
import { SweepProgress } from './sweep-progress.js';

export const sweepUsage = `usage: netc sweep <sweep.yaml> [options]

Trains every trial of a sweep file (the base spec with each combination of the axes' values,
once per seed) and writes a sweep folder (default sweeps/<name>-<time>/) with a run folder per
trial, results.csv, results.json and report.html. Every trial is checked before any trains.

  --out DIR                 the sweep folder; an existing one is resumed (finished trials are skipped)
  --parallel N              trials at once (default: the cores divided by --threads-per-trial)
  --threads-per-trial N     kernel threads per trial (default 1: measured faster on a busy 2-core machine)
  --summary                 print the results table of the sweep folder (--out, or the newest one)
  --no-progress             no live progress line, only a line per trial
  --executor NAME           local (default), slurm (one job array) or k8s (with --emit)
  --partition NAME          slurm: the partition (default: the cluster's default)
  --time LIMIT              slurm: each task's time limit, as sbatch takes it (e.g. 1:00:00)
  --emit DIR                k8s: write DIR/job.yaml, a Kubernetes Indexed Job, and run nothing
  --image NAME              k8s: the container image that holds netc and the specs
  --claim NAME              k8s: the PersistentVolumeClaim with the specs and the sweep folder (default netc-sweeps)
  --mount PATH              k8s: where the claim is mounted (default /work)
  --cpus-per-task N         slurm, k8s: CPUs (and kernel threads) per trial (default 1)
  --max-parallel N          slurm, k8s: trials at once (default: all trials)
  --trial I                 run only trial I in --out (what each executor's task runs)
Ctrl-C stops every running trial after its current step, with a checkpoint; run the same
command with --out to go on.`;

export async function runSweep(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, {
    out: { type: 'string', short: 'o' },
    parallel: { type: 'string' },
    'threads-per-trial': { type: 'string' },
    summary: { type: 'boolean' },
    'no-progress': { type: 'boolean' },
    executor: { type: 'string' },
    emit: { type: 'string' },
    image: { type: 'string' },
    claim: { type: 'string' },
    mount: { type: 'string' },
    'cpus-per-task': { type: 'string' },
    'max-parallel': { type: 'string' },
    partition: { type: 'string' },
    time: { type: 'string' },
    trial: { type: 'string' },
    'progress-json': { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    process.stdout.write(sweepUsage + '\n');
    return 0;
  }
  if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? 'name the sweep file' : 'sweep takes one sweep file');
  const threads = numberOption(values, 'threads-per-trial', { integer: true, min: 1, max: 256 }) ?? 1;
  const parallel = numberOption(values, 'parallel', { integer: true, min: 1, max: 256 }) ?? Math.max(1, Math.floor(availableParallelism() / threads));
  const trial = numberOption(values, 'trial', { integer: true, min: 0 });
  const executor = typeof values.executor === 'string' ? values.executor : 'local';
  if (!['local', 'slurm', 'k8s'].includes(executor)) throw new UsageError(`--executor must be local, slurm or k8s, not '${executor}'`);
  const out = typeof values.out === 'string' ? values.out : undefined;
  if (trial !== undefined && !out) throw new UsageError('--trial runs one trial of a sweep folder: give it with --out');

  const checked = checkSweep(positionals[0]!, trial === undefined ? undefined : combinationOf(positionals[0]!, trial));
  if (!checked.plan) {
    printDiagnostics(checked.diagnostics, checked.sources);
    return 1;
  }
  const plan = checked.plan;
  if (executor === 'k8s') return emitK8s(plan, values);
  if (values.summary) return summary(plan, out);
  const dir = resolve(out ?? defaultSweepFolder(plan.sweep.name));
  const problem = openSweepFolder(dir, plan);
  if (problem) {
    printDiagnostics([Messages.SweepFolder.at(undefined, dir, problem)]);
    return 1;
  }
  if (trial !== undefined) return oneTrial(plan, dir, trial, threads, Boolean(values['progress-json']));
  const progress = !values['no-progress'];
  if (executor === 'local') {
    const how = `${parallel} at once, ${threads} thread${threads === 1 ? '' : 's'} each`;
    return sweepWith(plan, dir, how, progress, (shouldStop, events) => runLocal(plan, dir, { parallel, threads, shouldStop }, events));
  }
  const cpus = numberOption(values, 'cpus-per-task', { integer: true, min: 1, max: 256 }) ?? 1;
  const maxParallel = numberOption(values, 'max-parallel', { integer: true, min: 1 }) ?? plan.trials.length;
  const slurm = { cpusPerTask: cpus, maxParallel, partition: str(values.partition), time: str(values.time) };
  const how = `a Slurm job array, ${maxParallel} at once, ${cpus} CPU${cpus === 1 ? '' : 's'} each`;
  return sweepWith(plan, dir, how, progress, async (shouldStop, events) => {
    const r = await runSlurm(plan, dir, { ...slurm, shouldStop }, events);
    if (r.job) process.stdout.write(`Slurm job ${r.job}${r.stopped ? ' goes on running on the cluster (scancel it to stop it)' : ' has ended'}\n`);
    return r;
  });
}

/** The combination of trial `index`, when the file loads and has that trial (else the full check says why). */
function combinationOf(file: string, index: number): number | undefined {
  const sweep = loadSweep(file).sweep;
  return sweep ? trials(sweep)[index]?.combination : undefined;
}

const str = (v: string | boolean | undefined) => (typeof v === 'string' ? v : undefined);

type Executor = (shouldStop: () => boolean, events: ExecutorEvents) => Promise<{ stopped: boolean }>;

/** Run the sweep's unfinished trials with an executor, showing progress; then results and report. */
async function sweepWith(plan: Plan, dir: string, how: string, progress: boolean, execute: Executor): Promise<number> {
  const out = process.stdout;
  const already = plan.trials.filter((t) => trialState(dir, t) === 'done').length;
  out.write(
    `sweep ${plan.sweep.name}: ${plan.trials.length} trials (${plan.combinations.length} combinations × ${plan.trials.length / plan.combinations.length} seeds)` +
      `${already ? `, ${already} already done` : ''}; ${how}\nsweep folder: ${dir}\n`,
  );
  let stop = false;
  const onSigint = () => {
    if (stop) process.exit(130);
    stop = true;
  };
  process.on('SIGINT', onSigint);
  const id = (i: number) => plan.trials[i]!.id;
  const bar = new SweepProgress(out, plan.trials.length, already, id, progress);
  let stopped: boolean;
  try {
    ({ stopped } = await execute(() => stop, {
      onStart: (i) => bar.start(i),
      onProgress: (i, p) => bar.progress(i, p),
      onEnd: (i, state) => bar.end(i, state, trialLine(plan, dir, i, state)),
    }));
  } finally {
    bar.clear();
    process.off('SIGINT', onSigint);
  }
  const r = collectResults(plan, dir);
  writeResults(dir, r);
  writeFileAtomic(join(dir, 'report.html'), await sweepReportHtml(r));
  printTable(r);
  out.write(`results: ${join(dir, 'results.csv')}, ${join(dir, 'results.json')}\nreport: ${join(dir, 'report.html')}\n`);
  if (stopped) {
    out.write(`stopped. Go on with: netc sweep ${plan.sweep.file} --out ${dir}\n`);
    return 130;
  }
  const failed = r.trials.filter((t) => t.state === 'failed').length;
  if (failed) out.write(`${failed} trial${failed === 1 ? '' : 's'} failed (their errors are in results.json and the report); run again with --out ${dir} to retry them\n`);
  return failed ? 1 : 0;
}

function trialLine(plan: Plan, dir: string, index: number, state: string): string {
  const t = collectResults(plan, dir).trials[index]!;
  const what = `${describeValues(t.values)}, seed ${t.seed}`;
  if (state === 'done' && t.test_accuracy !== undefined) return `${what}: test accuracy ${(100 * t.test_accuracy).toFixed(2)}% in ${t.seconds!.toFixed(1)} s`;
  if (state === 'failed') return `${what}: ${(t.error ?? '').split('\n')[0]}`;
  return what;
}

async function oneTrial(plan: Plan, dir: string, index: number, threads: number, json: boolean): Promise<number> {
  if (index >= plan.trials.length) throw new UsageError(`--trial must be below ${plan.trials.length}, the number of trials`);
  let stop = false;
  const onSigint = () => {
    if (stop) process.exit(130);
    stop = true;
  };
  process.on('SIGINT', onSigint);
  let last = 0;
  try {
    const end = await runTrial(plan, dir, index, threads, {
      shouldStop: () => stop,
      onStep: (r) => {
        const now = performance.now();
        if (!json || (now - last < 200 && r.batch < r.batches)) return;
        last = now;
        process.stdout.write(progressLine({ epoch: r.epoch, epochs: plan.sweep.epochs ?? plan.baseEpochs, batch: r.batch, batches: r.batches }));
      },
    });
    if (end.kind === 'failed') {
      printDiagnostics(end.diagnostics, end.sources);
      return 1;
    }
    if (end.kind === 'stopped') return 130;
    process.stdout.write(`${plan.trials[index]!.id} ${end.kind === 'skipped' ? 'was already done' : 'done'}\n`);
    return 0;
  } finally {
    process.off('SIGINT', onSigint);
  }
}

function summary(plan: Plan, out: string | undefined): number {
  const dir = out ?? newestFolder(plan.sweep.name);
  if (!dir || !existsSync(join(dir, PLAN))) {
    printDiagnostics([Messages.SweepFolder.at(undefined, dir ?? join('sweeps', `${plan.sweep.name}-*`), 'is not a sweep folder (it has no plan.json); run the sweep first, or name its folder with --out')]);
    return 1;
  }
  const problem = openSweepFolder(dir, plan);
  if (problem) {
    printDiagnostics([Messages.SweepFolder.at(undefined, dir, problem)]);
    return 1;
  }
  process.stdout.write(`sweep folder: ${dir}\n`);
  printTable(collectResults(plan, dir));
  return 0;
}

/** sweeps/<name>-<time> with the latest time (the names sort by it). */
function newestFolder(name: string): string | undefined {
  if (!existsSync('sweeps')) return undefined;
  const mine = readdirSync('sweeps').filter((f) => f.startsWith(`${name}-`) && /^\d{4}-/.test(f.slice(name.length + 1))).sort();
  return mine.length > 0 ? join('sweeps', mine[mine.length - 1]!) : undefined;
}

/** The combinations, the most accurate first. */
function printTable(r: Results): void {
  const rows = [...r.combinations]
    .sort((a, b) => (b.test_accuracy?.mean ?? -1) - (a.test_accuracy?.mean ?? -1))
    .map((c) => [
      ...r.axes.map((a) => (typeof c.values[a] === 'string' ? String(c.values[a]) : JSON.stringify(c.values[a]))),
      num(c.params),
      `${c.done}/${c.trials}`,
      c.test_accuracy ? `${(100 * c.test_accuracy.mean).toFixed(2)}%` : '',
      c.test_accuracy ? `±${(100 * c.test_accuracy.std).toFixed(2)}` : '',
      c.seconds ? c.seconds.mean.toFixed(1) : '',
      [c.pareto_params ? 'size' : '', c.pareto_seconds ? 'time' : ''].filter(Boolean).join(', '),
    ]);
  const head = [...r.axes, 'params', 'done', 'accuracy', 'std', 'seconds', 'Pareto'];
  const numeric = [...r.axes.map(() => false), true, true, true, true, true, false];
  process.stdout.write(table(head, rows, numeric).map((l) => `  ${l}`).join('\n') + '\n');
}

function emitK8s(plan: Plan, values: Record<string, string | boolean | undefined>): number {
  if (typeof values.emit !== 'string') throw new UsageError('--executor k8s writes a Job and runs nothing: give the folder to write it into with --emit DIR');
  if (typeof values.image !== 'string') throw new UsageError('--executor k8s needs --image: a container image with netc and the specs');
  const mount = typeof values.mount === 'string' ? values.mount : '/work';
  const cpus = numberOption(values, 'cpus-per-task', { integer: true, min: 1, max: 256 }) ?? 1;
  const emitted = emitIndexedJob(plan, values.emit, {
    image: values.image,
    claim: typeof values.claim === 'string' ? values.claim : 'netc-sweeps',
    mount,
    file: plan.sweep.file,
    out: typeof values.out === 'string' ? values.out : join(mount, 'sweeps', plan.sweep.name),
    command: ['npx', 'netc'],
    parallelism: numberOption(values, 'max-parallel', { integer: true, min: 1 }) ?? plan.trials.length,
    cpus,
    threads: cpus,
  });
  if ('problem' in emitted) {
    printDiagnostics([Messages.CannotWrite.at(undefined, values.emit, emitted.problem)]);
    return 1;
  }
  process.stdout.write(`${emitted.path}: an Indexed Job of ${plan.trials.length} trials; netc has run nothing. Apply it with: kubectl apply -f ${emitted.path}\n`);
  return 0;
}
