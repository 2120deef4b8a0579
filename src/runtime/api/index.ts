/** What programs use besides the generated module: checkpoints, data sets, batches, fit and evaluate. */
export { loadCheckpoint, saveCheckpoint, checkpointBytes, type SaveOptions } from './checkpoints.js';
export { datasets, type DatasetOptions, type ImageFolderOptions, type ArraySplit } from './datasets.js';
export { batches, type Batch, type BatchOptions } from './batches.js';
export { fit, evaluate, type FitOptions, type FitResult, type Evaluation, type EvaluateOptions } from './fit.js';
export { CheckpointError, type CheckpointHeader, type Progress } from '../checkpoint.js';
export type { Dataset, Split } from '../data/dataset.js';
export type { EpochMetrics, StepReport } from '../training/loop.js';
export type { LossName } from '../metrics.js';
