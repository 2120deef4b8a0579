/**
 * One trial, in this process: what `netc sweep FILE --trial I --out DIR` does, whichever executor
 * started it (a local child process, a Slurm array task, a Kubernetes index). The trial's spec
 * is written into its folder and trained as `netc train` trains a spec; a trial with a
 * checkpoint goes on from it; a trial that fails leaves failed.json with its error.
 */
import { rmSync } from 'node:fs';
import { Messages } from '../diagnostics/messages.js';
import { join } from 'node:path';
import { formatDiagnostic } from '../diagnostics/diagnostics.js';
import { newRun, resumeRun, train, type RunEnd, type RunHooks, type TrainRun, type Refusal, type Finished } from '../driver/train-run.js';
import { prepareRunFolder } from '../driver/run-folder.js';
import { writeFileAtomic } from '../runtime/atomic.js';
import { trialText, type Plan } from './check.js';
import { FAILED, trialDir, trialState, writeFailure } from './folder.js';

export const TRIAL_SPEC = 'trial.yaml';

export type TrialEnd = RunEnd | { readonly kind: 'skipped' };

export async function runTrial(plan: Plan, dir: string, index: number, threads: number, hooks: RunHooks = {}): Promise<TrialEnd> {
  const trial = plan.trials[index]!;
  const folder = trialDir(dir, trial);
  if (trialState(dir, trial) === 'done') return { kind: 'skipped' };
  rmSync(join(folder, FAILED), { force: true }); // a failed trial is tried again, from its checkpoint if it has one
  const state = trialState(dir, trial);
  let prepared: TrainRun | Refusal | Finished;
  if (state === 'partial') {
    prepared = await resumeRun(folder, { threads });
  } else {
    const file = join(folder, TRIAL_SPEC);
    const problem = prepareRunFolder(folder, 0);
    if (problem) return fail(folder, { kind: 'failed', diagnostics: [Messages.RunFolder.at(undefined, folder, problem)] });
    writeFileAtomic(file, trialText(plan.sweep, trial.values, `trial ${trial.index}`).text);
    const s = plan.sweep;
    prepared = await newRun(file, { epochs: s.epochs, seed: trial.seed, limit: s.limit, backend: 'fast', threads, out: folder });
  }
  if ('finished' in prepared) return { kind: 'skipped' };
  if (!('module' in prepared)) return fail(folder, { kind: 'failed', ...prepared });
  const end = await train(prepared, hooks);
  return end.kind === 'failed' ? fail(folder, end) : end;
}

function fail(folder: string, end: RunEnd & { kind: 'failed' }): RunEnd {
  writeFailure(folder, { error: end.diagnostics.map(formatDiagnostic).join('\n') });
  return end;
}
