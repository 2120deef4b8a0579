/**
 * The two sides of `npm run bench` (./run.ts), each measured in a process of its own so that its
 * peak memory is its own: netc through `netc bench SPEC --json`, PyTorch through ./torch_net.py
 * on the network netc describes (src/driver/describe-network.ts). Both train on synthetic data
 * of the spec's input shape with the spec's batch size and optimizer, time the same number of
 * steps after three untimed ones, and predict as many images in batches of 1,000.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyze } from '../../src/driver/analyze.js';
import { describeNetwork } from '../../src/driver/describe-network.js';

export interface Measure {
  readonly train: number;
  readonly infer: number;
  readonly peakMiB: number;
}

export const PYTHON = '/usr/bin/python3';

export function netcSide(root: string, spec: string, steps: number, extra: readonly string[] = []): Measure {
  const r = spawnSync(process.execPath, [join(root, 'bin', 'netc.js'), 'bench', spec, '--json', '--steps', String(steps), ...extra], { cwd: root, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`netc bench ${spec} failed:\n${r.stderr}`);
  const j = JSON.parse(r.stdout.trim().split('\n').pop()!) as { trainImagesPerS: number; inferImagesPerS: number; peakRssMiB: number };
  return { train: j.trainImagesPerS, infer: j.inferImagesPerS, peakMiB: j.peakRssMiB };
}

/** Write the spec's network description for the PyTorch side; returns its path. */
export function describe(root: string, spec: string, dir: string): string {
  const d = describeNetwork(analyze(join(root, spec)));
  if (!d) throw new Error(`${spec} does not analyze: run netc check ${spec}`);
  const path = join(dir, `${d.name}.json`);
  writeFileSync(path, JSON.stringify(d, null, 1));
  return path;
}

export function torchSide(here: string, net: string, steps: number, threads: number): Measure {
  const r = spawnSync(PYTHON, [join(here, 'torch_net.py'), net, '--threads', String(threads), '--steps', String(steps)], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`PyTorch on ${net} failed:\n${r.stderr}`);
  const j = JSON.parse(r.stdout.trim().split('\n').pop()!) as { trainImagesPerS: number; inferImagesPerS: number; peakRssMiB: number };
  return { train: j.trainImagesPerS, infer: j.inferImagesPerS, peakMiB: j.peakRssMiB };
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
