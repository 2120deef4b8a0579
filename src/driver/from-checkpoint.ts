/**
 * A trained model from a run folder or a checkpoint file: the checkpoint holds the resolved spec,
 * which is compiled again, and the parameters, which are loaded into the new model.
 */
import { existsSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { compileAndLoad } from './load.js';
import { CheckpointError, readCheckpoint, type Checkpoint } from '../runtime/checkpoint.js';
import type { CompiledModel } from '../runtime/model.js';
import { Messages } from '../diagnostics/messages.js';
import type { Diagnostic } from '../diagnostics/diagnostics.js';
import type { LoadedSpec } from '../spec/types.js';
import { analyze } from './analyze.js';
import { CHECKPOINT } from './run-folder.js';
import { scratchDir } from './scratch.js';

export interface Restored {
  readonly checkpointPath: string;
  readonly checkpoint: Checkpoint;
  readonly loaded: LoadedSpec;
  readonly model: CompiledModel;
}

export async function restore(path: string, options: { threads?: number } = {}): Promise<Restored | Diagnostic[]> {
  const checkpointPath = existsSync(path) && statSync(path).isDirectory() ? join(path, CHECKPOINT) : path;
  let checkpoint: Checkpoint;
  try {
    checkpoint = readCheckpoint(checkpointPath);
  } catch (e) {
    if (e instanceof CheckpointError) return [Messages.Checkpoint.at(undefined, e.path, e.problem)];
    throw e;
  }
  // a program's saveCheckpoint writes the spec only when given it
  if (checkpoint.header.spec.trim() === '') {
    return [Messages.Checkpoint.at(undefined, checkpointPath, "holds no spec to compile the model from; a program saved it: pass the spec's YAML to saveCheckpoint(model, path, { spec })")];
  }
  const dir = scratchDir('restore');
  const specFile = join(dir, 'spec.yaml');
  writeFileSync(specFile, checkpoint.header.spec);
  const a = analyze(specFile);
  if (!a.ok || !a.loaded) return a.diagnostics;
  const loaded = await compileAndLoad(specFile, dir, { batchSize: a.loaded.spec.train?.batch_size ?? 32 });
  if (!('module' in loaded)) return loaded.compiled.diagnostics;
  const model = loaded.module.createModel(options.threads ? { threads: options.threads } : {});
  try {
    model.setParameters(checkpoint.params);
  } catch (e) {
    return [Messages.Checkpoint.at(undefined, checkpointPath, `does not fit its own spec (${(e as Error).message})`)];
  }
  return { checkpointPath, checkpoint, loaded: a.loaded, model };
}
