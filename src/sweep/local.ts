/**
 * The local executor: trials as child processes (`netc sweep FILE --trial I`), `parallel` at a
 * time with `threads` kernel threads each. Children run in their own process group, so a Ctrl-C
 * at the terminal reaches only this process, which passes exactly one SIGINT to each running
 * child: each stops after its current step with a checkpoint (a second one would make it quit
 * without), and the next run of the sweep goes on from there.
 *
 * The default split of the cores, measured on this project's 2-core machine while other work
 * ran on it (`netc sweep` of lenet5 with 2 trials of 1 epoch on 3,000 images, the whole command):
 * 2 trials × 1 thread took 25.0 s, 1 trial × 2 threads 64.9 s. Separate processes need no
 * synchronisation between steps and a busy core slows one trial, not both: one thread per trial
 * and as many trials as cores is the default (src/cli/sweep.ts).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { packageFile } from '../runtime/package-root.js';
import type { Plan } from './check.js';
import { readFailure, trialDir, trialState, writeFailure } from './folder.js';

export interface TrialProgress {
  readonly epoch: number;
  readonly epochs: number;
  readonly batch: number;
  readonly batches: number;
}

export interface ExecutorEvents {
  onStart?(index: number): void;
  onProgress?(index: number, p: TrialProgress): void;
  onEnd?(index: number, state: 'done' | 'failed' | 'stopped'): void;
}

export interface LocalOptions {
  readonly parallel: number;
  readonly threads: number;
  /** polled: stop starting trials and stop the running ones (after a checkpoint) */
  readonly shouldStop: () => boolean;
}

/** The line a trial process prints per step with --progress-json. */
export const progressLine = (p: TrialProgress) => `${JSON.stringify({ progress: p })}\n`;

/** Run every trial that is not done; resolves when all have ended or the sweep was stopped. */
export async function runLocal(plan: Plan, dir: string, o: LocalOptions, events: ExecutorEvents = {}): Promise<{ stopped: boolean }> {
  const queue = plan.trials.filter((t) => trialState(dir, t) !== 'done');
  const running = new Map<number, ChildProcess>();
  let stopped = false;
  const poll = setInterval(() => {
    if (stopped || !o.shouldStop()) return;
    stopped = true;
    for (const child of running.values()) child.kill('SIGINT');
  }, 100);
  const next = async (): Promise<void> => {
    for (let t = queue.shift(); t && !stopped; t = queue.shift()) {
      const index = t.index;
      events.onStart?.(index);
      const { child, code, stderr } = spawnTrial(plan, dir, index, o.threads, (p) => events.onProgress?.(index, p));
      running.set(index, child);
      const exit = await code;
      running.delete(index);
      if (exit === 0) {
        events.onEnd?.(index, 'done');
        continue;
      }
      if (stopped && exit === 130) {
        events.onEnd?.(index, 'stopped');
        continue;
      }
      const folder = trialDir(dir, t);
      if (!readFailure(folder)) writeFailure(folder, { error: stderr().trim() || `the trial process ended with exit code ${exit}`, exit_code: exit });
      events.onEnd?.(index, 'failed');
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.max(1, o.parallel) }, next));
  } finally {
    clearInterval(poll);
  }
  return { stopped };
}

function spawnTrial(plan: Plan, dir: string, index: number, threads: number, onProgress: (p: TrialProgress) => void) {
  const args = [packageFile('bin', 'netc.js'), 'sweep', plan.sweep.file, '--trial', String(index), '--out', dir, '--threads-per-trial', String(threads), '--progress-json'];
  const child = spawn(process.execPath, args, { detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
  let err = '';
  let buffered = '';
  child.stderr!.on('data', (b: Buffer) => (err = (err + String(b)).slice(-8000)));
  child.stdout!.on('data', (b: Buffer) => {
    buffered += String(b);
    const lines = buffered.split('\n');
    buffered = lines.pop()!;
    for (const line of lines) {
      if (!line.startsWith('{"progress"')) continue;
      onProgress((JSON.parse(line) as { progress: TrialProgress }).progress);
    }
  });
  const code = new Promise<number>((done) => child.on('close', (c, signal) => done(c ?? (signal ? 128 + 2 : 1))));
  return { child, code, stderr: () => err };
}
