/**
 * The two sides of `npm run bench` (./run.ts), each measured in a process of its own so that its
 * peak memory is its own: netc through `netc bench SPEC --json`, PyTorch through ./torch_bench.py
 * on the program `netc export SPEC --format pytorch` writes. Both train on synthetic data
 * of the spec's input shape with the spec's batch size and optimizer, time the same number of
 * steps after three untimed ones, and predict as many images in batches of 1,000.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyze } from '../../src/driver/analyze.js';
import { exportPytorch } from '../../src/interop/pytorch-export.js';

export interface Measure {
  readonly train: number;
  readonly infer: number;
  readonly peakMiB: number;
  /** netc's threads (its default's choice where none were named); absent for PyTorch */
  readonly threads?: number;
}

export const PYTHON = '/usr/bin/python3';

export function netcSide(root: string, spec: string, steps: number, extra: readonly string[] = []): Measure {
  const r = spawnSync(process.execPath, [join(root, 'bin', 'netc.js'), 'bench', spec, '--json', '--steps', String(steps), ...extra], { cwd: root, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`netc bench ${spec} failed:\n${r.stderr}`);
  const j = JSON.parse(r.stdout.trim().split('\n').pop()!) as { trainImagesPerS: number; inferImagesPerS: number; peakRssMiB: number; threads: number };
  return { train: j.trainImagesPerS, infer: j.inferImagesPerS, peakMiB: j.peakRssMiB, threads: j.threads };
}

/** Write the spec's PyTorch program, as `netc export SPEC --format pytorch` writes it, for the PyTorch side; returns its path. */
export function exportProgram(root: string, spec: string, dir: string): string {
  const a = analyze(join(root, spec), { training: false });
  const r = a.graph && a.loaded ? exportPytorch({ graph: a.graph, loaded: a.loaded, netcVersion: 'bench', from: spec }) : undefined;
  if (!r || Array.isArray(r)) throw new Error(`${spec} does not export as a PyTorch program: run netc export ${spec} --format pytorch -o x.py`);
  const path = join(dir, `${a.graph!.name}.py`);
  writeFileSync(path, r.program);
  return path;
}

export function torchSide(here: string, program: string, steps: number, threads: number): Measure {
  const r = spawnSync(PYTHON, [join(here, 'torch_bench.py'), program, '--threads', String(threads), '--steps', String(steps)], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`PyTorch on ${program} failed:\n${r.stderr}`);
  const j = JSON.parse(r.stdout.trim().split('\n').pop()!) as { trainImagesPerS: number; inferImagesPerS: number; peakRssMiB: number; threads: number };
  return { train: j.trainImagesPerS, infer: j.inferImagesPerS, peakMiB: j.peakRssMiB, threads: j.threads };
}

export function torchVersion(): string | undefined {
  const r = spawnSync(PYTHON, ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

/** One busy process, as another user's job would be: `node -e 'for(;;){}'`. Stop it with kill(). */
export function competitor(): ChildProcess {
  const c = spawn(process.execPath, ['-e', 'for(;;){}'], { stdio: 'ignore' });
  c.unref();
  return c;
}
