/**
 * A sweep's results, read from its trial folders alone (whichever executor ran them): per
 * trial the axes' values, its size, its time and speed, every epoch's figures and the final test
 * accuracy; per combination the mean and standard deviation over its seeds, and whether it is
 * on the Pareto front of accuracy against parameters and against training time. Written as
 * results.json and results.csv, each atomically.
 */
import { join } from 'node:path';
import { writeJson } from '../driver/run-folder.js';
import { writeFileAtomic } from '../runtime/atomic.js';
import type { EpochMetrics } from '../runtime/training/loop.js';
import type { Plan } from './check.js';
import type { AxisValues } from './expand.js';
import { readFailure, readMetrics, trialDir, trialState, type TrialState } from './folder.js';
import { paretoFront } from './pareto.js';

export const RESULTS_JSON = 'results.json';
export const RESULTS_CSV = 'results.csv';

export interface TrialResult {
  readonly index: number;
  readonly id: string;
  readonly combination: number;
  readonly values: AxisValues;
  readonly seed: number;
  readonly state: TrialState;
  readonly error?: string;
  readonly params: number;
  readonly macs: number;
  readonly seconds?: number;
  readonly images_per_s?: number;
  readonly epochs?: readonly EpochMetrics[];
  readonly test_loss?: number;
  readonly test_accuracy?: number;
}

export interface Spread {
  readonly mean: number;
  /** the sample standard deviation over the seeds (0 for one seed) */
  readonly std: number;
}

export interface CombinationResult {
  readonly index: number;
  readonly values: AxisValues;
  readonly params: number;
  readonly macs: number;
  /** trials of this combination that are done, of all its trials */
  readonly done: number;
  readonly trials: number;
  readonly test_accuracy?: Spread;
  readonly seconds?: Spread;
  readonly images_per_s?: Spread;
  readonly pareto_params: boolean;
  readonly pareto_seconds: boolean;
}

export interface Results {
  readonly sweep: string;
  readonly file: string;
  readonly axes: readonly string[];
  readonly trials: readonly TrialResult[];
  readonly combinations: readonly CombinationResult[];
}

export function spread(xs: readonly number[]): Spread {
  const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
  const variance = xs.length < 2 ? 0 : xs.reduce((s, x) => s + (x - mean) ** 2, 0) / (xs.length - 1);
  return { mean, std: Math.sqrt(variance) };
}

export function collectResults(plan: Plan, dir: string): Results {
  const facts = new Map(plan.combinations.map((c) => [c.index, c]));
  const trials = plan.trials.map((t): TrialResult => {
    const folder = trialDir(dir, t);
    const state = trialState(dir, t);
    const f = facts.get(t.combination)!;
    const base = { index: t.index, id: t.id, combination: t.combination, values: t.values, seed: t.seed ?? plan.baseSeed, state, params: f.params, macs: f.macs };
    if (state === 'failed') return { ...base, error: readFailure(folder)?.error ?? 'unknown' };
    const m = readMetrics(folder);
    if (state !== 'done' || !m?.test) return base;
    const seconds = m.epochs.reduce((s, e) => s + e.seconds, 0);
    const images = m.epochs.reduce((s, e) => s + e.images_per_s * e.seconds, 0);
    return { ...base, seconds, images_per_s: images / seconds, epochs: m.epochs, test_loss: m.test.loss, test_accuracy: m.test.accuracy };
  });
  const combos = plan.combinations.map((c): Omit<CombinationResult, 'pareto_params' | 'pareto_seconds'> => {
    const mine = trials.filter((t) => t.combination === c.index);
    const done = mine.filter((t) => t.test_accuracy !== undefined);
    const of = (k: 'test_accuracy' | 'seconds' | 'images_per_s') => (done.length > 0 ? { [k]: spread(done.map((t) => t[k]!)) } : {});
    return { index: c.index, values: c.values, params: c.params, macs: c.macs, done: done.length, trials: mine.length, ...of('test_accuracy'), ...of('seconds'), ...of('images_per_s') };
  });
  const measured = combos.filter((c) => c.test_accuracy && c.seconds);
  const onFront = (cost: (c: (typeof measured)[number]) => number) =>
    new Set(paretoFront(measured.map((c) => ({ cost: cost(c), accuracy: c.test_accuracy!.mean }))).map((i) => measured[i]!.index));
  const byParams = onFront((c) => c.params);
  const bySeconds = onFront((c) => c.seconds!.mean);
  return {
    sweep: plan.sweep.name,
    file: plan.sweep.file,
    axes: plan.sweep.axes.map((a) => a.name),
    trials,
    combinations: combos.map((c) => ({ ...c, pareto_params: byParams.has(c.index), pareto_seconds: bySeconds.has(c.index) })),
  };
}

export function writeResults(dir: string, r: Results): void {
  writeJson(join(dir, RESULTS_JSON), r);
  writeFileAtomic(join(dir, RESULTS_CSV), resultsCsv(r));
}

/** One row per trial; its combination's mean and std over seeds in the last columns. */
export function resultsCsv(r: Results): string {
  const epochs = Math.max(0, ...r.trials.map((t) => t.epochs?.length ?? 0));
  const perEpoch = Array.from({ length: epochs }, (_, k) => ['train_loss', 'train_accuracy', 'val_loss', 'val_accuracy'].map((f) => `epoch${k + 1}_${f}`)).flat();
  const head = ['trial', 'id', ...r.axes, 'seed', 'state', 'params', 'macs', 'seconds', 'images_per_s', 'test_loss', 'test_accuracy', ...perEpoch, 'combination', 'mean_test_accuracy', 'std_test_accuracy', 'error'];
  const rows = r.trials.map((t) => {
    const c = r.combinations.find((x) => x.index === t.combination);
    const figures = Array.from({ length: epochs }, (_, k) => {
      const e = t.epochs?.[k];
      return e ? [e.train_loss, e.train_accuracy, e.val_loss, e.val_accuracy] : ['', '', '', ''];
    }).flat();
    const values = r.axes.map((a) => (typeof t.values[a] === 'string' ? t.values[a] : JSON.stringify(t.values[a])));
    return [t.index, t.id, ...values, t.seed, t.state, t.params, t.macs, t.seconds, t.images_per_s, t.test_loss, t.test_accuracy, ...figures, t.combination, c?.test_accuracy?.mean, c?.test_accuracy?.std, t.error];
  });
  return [head, ...rows].map((row) => row.map(csvCell).join(',')).join('\n') + '\n';
}

function csvCell(v: unknown): string {
  const s = v === undefined || v === null ? '' : String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
