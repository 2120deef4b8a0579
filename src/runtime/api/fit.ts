/**
 * Training and evaluation for programs: `fit` is the loop `netc train` runs (../training/loop.ts,
 * which src/driver/train-run.ts calls through this function), with its defaults taken from the
 * model, so the same model, data and seed give the figures `netc train` reports; `evaluate` is
 * the evaluation `netc eval` prints.
 */
import type { Dataset, Split } from '../data/dataset.js';
import { Augmenter } from '../data/augment.js';
import { confusionMatrix, type LossName } from '../metrics.js';
import type { CompiledModel } from '../model.js';
import type { Progress } from '../checkpoint.js';
import { EarlyStopping } from '../training/early-stopping.js';
import { evaluate as evaluateSplit, trainLoop, type EpochMetrics, type LoopEnd, type LoopOptions } from '../training/loop.js';
import { scheduledRate, type StepPosition } from '../training/schedule.js';

export interface FitOptions extends Partial<Omit<LoopOptions, 'shouldStop' | 'learningRateAt' | 'augment' | 'earlyStopping'>> {
  /** the learning rate of each step (default: the spec's schedule over the model's rate); false: the model's rate throughout */
  readonly learningRateAt?: ((at: StepPosition) => number) | false;
  /** distorts each training image, each epoch (default: the spec's `augment`, seeded by `seed`); false: none */
  readonly augment?: Augmenter | false;
  /**
   * stops when the validation stops improving (default: the spec's `early_stopping`); false:
   * never. Resuming from `start`, pass one that has observed the epochs before it.
   */
  readonly earlyStopping?: EarlyStopping | false;
  /** stops training after the current step (the result's kind is then 'stopped') */
  readonly signal?: AbortSignal;
  /** polled between steps, as `signal` is */
  shouldStop?(): boolean;
}

/** How fit ended, and the metrics of each epoch it trained (val_*: on data.validation, else data.test). */
export type FitResult = LoopEnd & { readonly history: readonly EpochMetrics[] };

/** The loss a model is evaluated with: the one it trains on. */
export const lossOf = (model: CompiledModel): LossName => model.info.loss ?? 'categorical_crossentropy';

/**
 * Train `model` on `data.train` as `netc train` does: shuffled batches, evaluating after each
 * epoch, with the spec's epochs, batch size, learning-rate schedule, augmentation and early
 * stopping (from the model's `info.training`) wherever `options` does not say otherwise. The
 * shuffle and the distortions are seeded by the model's seed unless `seed` is given.
 */
export async function fit(model: CompiledModel, data: Dataset, options: FitOptions = {}): Promise<FitResult> {
  const { signal, shouldStop, onEpoch, learningRateAt, augment, earlyStopping, ...loop } = options;
  const setup = model.info.training;
  const seed = options.seed ?? model.seed;
  const history: EpochMetrics[] = [];
  const stop = signal || shouldStop ? () => Boolean(signal?.aborted) || Boolean(shouldStop?.()) : undefined;
  const schedule = setup?.schedule;
  const peak = model.learningRate; // the loop sets the model's rate each step: the schedule's scale is the one it starts with
  const rate = learningRateAt ?? (schedule ? (at: StepPosition) => scheduledRate(schedule, peak, at) : false);
  const distort = augment ?? (setup?.augment ? new Augmenter(setup.augment, data.imageShape, seed) : false);
  const stopper = earlyStopping ?? (setup?.earlyStopping ? new EarlyStopping(setup.earlyStopping) : false);
  const end = await trainLoop(model, data, {
    ...loop,
    epochs: options.epochs ?? setup?.epochs ?? 1,
    batchSize: options.batchSize ?? model.info.batchSize,
    seed,
    loss: options.loss ?? lossOf(model),
    ...(rate ? { learningRateAt: rate } : {}),
    ...(distort ? { augment: distort } : {}),
    ...(stopper ? { earlyStopping: stopper } : {}),
    onEpoch: (m, verdict) => {
      history.push(m);
      onEpoch?.(m, verdict);
    },
    ...(stop ? { shouldStop: stop } : {}),
  });
  return { ...end, history };
}

export interface Evaluation {
  readonly loss: number;
  readonly accuracy: number;
  /** when asked for: counts[true class][predicted class] */
  readonly confusion?: number[][];
}

export interface EvaluateOptions {
  /** the loss to report (default: the one the model trains on) */
  readonly loss?: LossName;
  /** add the confusion matrix */
  readonly confusion?: boolean;
}

/** Loss and accuracy of `model` on a split (data.test), and on request the confusion matrix, as `netc eval` reports them. */
export function evaluate(model: CompiledModel, split: Split, options: EvaluateOptions = {}): Evaluation {
  const e = evaluateSplit(model, split, options.loss ?? lossOf(model));
  const confusion = options.confusion ? { confusion: confusionMatrix(e.predicted, split.classes, model.info.classes) } : {};
  return { loss: e.loss, accuracy: e.accuracy, ...confusion };
}

export type { Progress };
