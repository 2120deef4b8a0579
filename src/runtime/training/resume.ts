/**
 * A training run's state in a checkpoint: the parameters (state buffers among them), the
 * optimizer's buffers and step, and where the loop stands. Saving and restoring live here, once,
 * so `netc train`, `netc train --resume` and a program continuing a run all do the same.
 */
import { writeCheckpoint, type Checkpoint, type CheckpointHeader, type Progress } from '../checkpoint.js';
import type { CompiledModel } from '../model.js';

/** What a run writes into every checkpoint's header besides where it stands. */
export type RunHeader = Omit<CheckpointHeader, 'tensors' | 'progress'>;

/** Write the model's whole training state at `progress` to `path` (atomically). */
export function saveTraining(path: string, model: CompiledModel, header: RunHeader, progress: Progress): void {
  writeCheckpoint(path, {
    header: { ...header, progress },
    params: model.getParameters(),
    state: model.getOptimizerState().buffers,
  });
}

/**
 * Load a checkpoint's tensors and optimizer step into a model made from the same spec. Returns
 * what does not fit, for a person (a spec edited since the checkpoint), or undefined.
 */
export function restoreTraining(model: CompiledModel, c: Pick<Checkpoint, 'params' | 'state'> & { readonly progress: Progress }): string | undefined {
  const want = model.info.parameters.map((p) => p.name).sort();
  const have = Object.keys(c.params).sort();
  if (want.join('\n') !== have.join('\n')) return `it holds parameters ${have.join(', ') || 'none'}; the spec has ${want.join(', ')}`;
  try {
    model.setParameters(c.params);
    model.setOptimizerState({ step: c.progress.step, buffers: c.state });
  } catch (e) {
    return (e as Error).message;
  }
  return undefined;
}
