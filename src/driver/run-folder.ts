/**
 * A training run's folder: the resolved spec, the generated module, metrics.json and the
 * checkpoint. Everything is written atomically (a temporary file renamed into place).
 */
import { accessSync, constants, existsSync, mkdirSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { writeFileAtomic } from '../runtime/atomic.js';
import type { EpochMetrics } from '../runtime/training/loop.js';
import { elementsPerExample, type Graph } from '../ir/types.js';

export const CHECKPOINT = 'checkpoint.netc';
/** with early stopping: the checkpoint at the end of the best epoch so far */
export const BEST_CHECKPOINT = 'best.netc';
export const METRICS = 'metrics.json';
export const SPEC = 'spec.yaml';
/** written by `netc train --profile`: a Chrome trace of every kernel call */
export const TRACE = 'trace.json';

export interface Metrics {
  readonly spec: string;
  readonly source: string;
  readonly netc: string;
  readonly backend: string;
  readonly threads: number;
  readonly seed: number;
  readonly batch_size: number;
  readonly learning_rate: number;
  readonly limit: number | null;
  readonly machine: { readonly cpu: string; readonly cores: number; readonly node: string; readonly platform: string };
  readonly epochs: EpochMetrics[];
  test?: { loss: number; accuracy: number };
  /** with validation_split: the fraction and how many training images it held out (val_* in epochs are theirs) */
  validation?: { readonly split: number; readonly images: number };
  /** with early_stopping: its settings, the best epoch so far and its figure, and the epoch it stopped after (null: not stopped) */
  early_stopping?: {
    readonly monitor: string;
    readonly patience: number;
    readonly min_delta: number;
    readonly best_epoch: number | null;
    readonly best: number | null;
    readonly stopped_after: number | null;
  };
}

/** `runs/<name>-<yyyy-mm-ddThh-mm-ss>`, with -2, -3... if that exists already. */
export function newRunFolder(root: string, name: string, now = new Date()): string {
  const stamp = now.toISOString().slice(0, 19).replace(/:/g, '-');
  let dir = join(root, `${name}-${stamp}`);
  for (let k = 2; existsSync(dir); k++) dir = join(root, `${name}-${stamp}-${k}`);
  return dir;
}

/**
 * Make the folder and check it can hold a run: writable, with room for a few checkpoints.
 * Returns a problem for a person, or undefined.
 */
export function prepareRunFolder(dir: string, bytesNeeded: number): string | undefined {
  try {
    makeDirs(dir);
    accessSync(dir, constants.W_OK);
    // access() says yes to root on a read-only file system; a real write does not.
    const probe = join(dir, `.netc-write-test-${process.pid}`);
    writeFileSync(probe, 'netc');
    rmSync(probe);
  } catch (e) {
    return `cannot write the run folder (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); choose another with --out`;
  }
  try {
    const fs = statfsSync(dir);
    const free = fs.bavail * fs.bsize;
    if (free < bytesNeeded) {
      return `the disk has ${(free / 1048576).toFixed(1)} MiB free but the run needs about ${(bytesNeeded / 1048576).toFixed(1)} MiB; free some space or choose another folder with --out`;
    }
  } catch {
    // statfs is not available everywhere; the first write will tell.
  }
  return undefined;
}

/**
 * mkdir -p, one level at a time: Node's recursive mkdir never returns for some paths (under
 * /proc, for one), where a plain mkdir fails at once with a reason.
 */
function makeDirs(dir: string): void {
  if (existsSync(dir)) return;
  const parent = dirname(dir);
  if (parent !== dir) makeDirs(parent);
  mkdirSync(dir);
}

export function writeJson(path: string, value: unknown): void {
  writeFileAtomic(path, JSON.stringify(value, null, 2) + '\n');
}

/**
 * Bytes a run of this graph writes at most at once: the checkpoint (parameters and up to two
 * optimizer state buffers each) twice over — the last one and the one being written — plus the
 * module, the spec and metrics.
 */
export function runFolderBytes(g: Graph): number {
  const floats = g.nodes.filter((n) => n.op === 'param').reduce((s, n) => s + elementsPerExample(n.type.shape), 0);
  return 2 * floats * 4 * 3 + 16 * 1048576;
}
