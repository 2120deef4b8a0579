/**
 * A sweep folder: `plan.json` (the trials, so that a resumed sweep or an array task can tell the
 * folder belongs to this sweep), the sweep file as given, and one ordinary run folder per trial.
 * A trial's state is read from its folder alone, so any executor (local, Slurm, Kubernetes)
 * and any re-run agree on what is finished: metrics.json with its `test` is done; failed.json
 * is a failure with its error; a checkpoint without either is a run to resume.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { newRunFolder, prepareRunFolder, writeJson, type Metrics } from '../driver/run-folder.js';
import { writeFileAtomic } from '../runtime/atomic.js';
import type { Plan } from './check.js';
import type { Trial } from './expand.js';

export const PLAN = 'plan.json';
export const FAILED = 'failed.json';

export type TrialState = 'done' | 'failed' | 'partial' | 'pending';

export interface Failure {
  readonly error: string;
  readonly exit_code?: number | null;
}

export const defaultSweepFolder = (name: string) => newRunFolder('sweeps', name);

const planJson = (plan: Plan) => ({
  sweep: plan.sweep.name,
  file: resolve(plan.sweep.file),
  trials: plan.trials.map((t) => ({ index: t.index, id: t.id, values: t.values, seed: t.seed ?? plan.baseSeed })),
});

/**
 * Make the sweep folder, or check that an existing one was made for this plan. Returns a
 * problem for a person, or undefined.
 */
export function openSweepFolder(dir: string, plan: Plan): string | undefined {
  const problem = prepareRunFolder(dir, 16 * 1048576);
  if (problem) return problem;
  const want = planJson(plan);
  const path = join(dir, PLAN);
  if (existsSync(path)) {
    let had: ReturnType<typeof planJson> | undefined;
    try {
      had = JSON.parse(readFileSync(path, 'utf8')) as ReturnType<typeof planJson>;
    } catch {
      return `${PLAN} is not what netc sweep writes; choose another folder with --out`;
    }
    if (JSON.stringify(had.trials) !== JSON.stringify(want.trials)) {
      return `it holds another sweep's trials (${had.sweep}, ${had.trials?.length ?? 0} trials); choose another folder with --out, or sweep what it was made for`;
    }
    return undefined;
  }
  writeJson(path, want);
  writeFileAtomic(join(dir, 'sweep.yaml'), plan.sweep.text);
  return undefined;
}

export const trialDir = (dir: string, t: Trial) => join(dir, t.id);

export function trialState(dir: string, t: Trial): TrialState {
  const d = trialDir(dir, t);
  if (readMetrics(d)?.test) return 'done';
  if (existsSync(join(d, FAILED))) return 'failed';
  if (existsSync(join(d, 'checkpoint.netc'))) return 'partial';
  return 'pending';
}

export function readMetrics(trialFolder: string): Metrics | undefined {
  try {
    return JSON.parse(readFileSync(join(trialFolder, 'metrics.json'), 'utf8')) as Metrics;
  } catch {
    return undefined;
  }
}

export function readFailure(trialFolder: string): Failure | undefined {
  try {
    return JSON.parse(readFileSync(join(trialFolder, FAILED), 'utf8')) as Failure;
  } catch {
    return undefined;
  }
}

export function writeFailure(trialFolder: string, f: Failure): void {
  prepareRunFolder(trialFolder, 0);
  writeJson(join(trialFolder, FAILED), f);
}
