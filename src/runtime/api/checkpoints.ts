/**
 * Checkpoints for programs: load one that `netc train` wrote into a model made from the same
 * spec, and save a model's training state as one. A checkpoint is a file path in Node, or its
 * bytes anywhere (fetched in a browser, read from a database). The format and its checks are
 * the CLI's (../checkpoint.ts), and so is restoring a training state (../training/resume.ts).
 */
import { writeFileAtomic } from '../atomic.js';
import { CheckpointError, decodeCheckpoint, encodeCheckpoint, readCheckpoint, type Checkpoint, type CheckpointHeader, type Progress } from '../checkpoint.js';
import type { CompiledModel } from '../model.js';
import { restoreTraining } from '../training/resume.js';

/** What messages call a checkpoint given as bytes. */
const BYTES = 'the checkpoint bytes';

/**
 * Load a checkpoint into `model`: its parameters, the optimizer's state and step, so that
 * predicting, evaluating or training on continues from it. `from` is a file path (Node) or the
 * checkpoint's bytes. Returns the checkpoint's header (the spec it was trained from, where
 * training stood). Throws a CheckpointError saying what is wrong when the checkpoint is damaged,
 * or when it holds another network's parameters.
 */
export async function loadCheckpoint(model: CompiledModel, from: string | Uint8Array | ArrayBuffer): Promise<CheckpointHeader> {
  const name = typeof from === 'string' ? from : BYTES;
  const c: Checkpoint = typeof from === 'string' ? readCheckpoint(from) : decodeCheckpoint(name, from instanceof Uint8Array ? from : new Uint8Array(from));
  const misfit = restoreTraining(model, { params: c.params, state: c.state, progress: c.header.progress });
  if (misfit) throw new CheckpointError(name, `does not fit the model ${model.info.name}: ${misfit}; compile the spec the checkpoint was trained from`);
  return c.header;
}

export interface SaveOptions {
  /** completed epochs, for the header (default 0) */
  readonly epochs?: number;
  /** the spec's YAML, for `netc eval`, `predict` and `export` (which compile the checkpoint's spec) */
  readonly spec?: string;
}

/** A checkpoint of `model`'s parameters, optimizer state and step, as bytes. */
export function checkpointBytes(model: CompiledModel, options: SaveOptions = {}): Uint8Array {
  const progress: Progress = { epoch: options.epochs ?? 0, batch: 0, step: model.step, lossSum: 0, correct: 0, seen: 0, seconds: 0 };
  return encodeCheckpoint({
    header: {
      model: model.info.name,
      netcVersion: model.info.netcVersion,
      spec: options.spec ?? '',
      source: model.info.source,
      seed: model.seed,
      learningRate: model.learningRate,
      progress,
    },
    params: model.getParameters(),
    state: model.getOptimizerState().buffers,
  });
}

/** Write a checkpoint of `model` to the file `path` (Node), atomically: a crash leaves the old file or the new one. */
export function saveCheckpoint(model: CompiledModel, path: string, options: SaveOptions = {}): void {
  writeFileAtomic(path, checkpointBytes(model, options));
}
