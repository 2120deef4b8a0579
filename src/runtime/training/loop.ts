/**
 * The training loop: epochs of shuffled mini-batches through a compiled model, an evaluation on
 * the test set after each epoch, a checkpoint after each epoch (and on request, e.g. Ctrl-C),
 * and a stop with the last good checkpoint kept when the loss stops being a finite number.
 *
 * Everything random is derived from the seed: the order of epoch e is a shuffle seeded by
 * (seed, e), and dropout's masks by (seed, step). So a run resumed from a checkpoint takes
 * exactly the steps the uninterrupted run would have taken.
 */
import type { CompiledModel } from '../model.js';
import type { Augmenter } from '../data/augment.js';
import { Batcher, type Dataset, type Split } from '../data/dataset.js';
import { accuracyOf, argmaxRows, lossOf, type LossName } from '../metrics.js';
import { hashSeed, Random } from '../random.js';
import { setImmediate } from '../platform/index.js';
import type { Progress } from '../checkpoint.js';
import type { EarlyStopping, Verdict } from './early-stopping.js';
import type { StepPosition } from './schedule.js';

export interface EpochMetrics {
  readonly epoch: number;
  readonly train_loss: number;
  readonly train_accuracy: number;
  readonly val_loss: number;
  readonly val_accuracy: number;
  /** the epoch's training time, without evaluation */
  readonly seconds: number;
  /** training images over the training time */
  readonly images_per_s: number;
}

export interface StepReport {
  readonly epoch: number;
  readonly batch: number;
  readonly batches: number;
  readonly loss: number;
  readonly accuracy: number;
  readonly seen: number;
  readonly seconds: number;
}

export interface LoopOptions {
  readonly epochs: number;
  readonly batchSize: number;
  readonly seed: number;
  readonly loss: LossName;
  /** the learning rate of each step, when it changes over the run (a schedule) */
  learningRateAt?(at: StepPosition): number;
  /** where to start: from a checkpoint, or the beginning */
  readonly start?: Progress;
  onStep?(r: StepReport): void;
  /** after each epoch's evaluation; with early stopping, its verdict on the epoch */
  onEpoch?(m: EpochMetrics, verdict?: Verdict): void;
  /** save everything needed to continue from `p`; `best`: an epoch's end that early stopping judged the best so far */
  checkpoint?(p: Progress, best?: boolean): void;
  /** distorts each training image, each epoch (validation and test images never) */
  readonly augment?: Augmenter;
  /** stop when the validation stops improving; replayed over the epochs before `start` by the caller */
  readonly earlyStopping?: EarlyStopping;
  /** polled between steps: stop after checkpointing (Ctrl-C) */
  shouldStop?(): boolean;
}

export type LoopEnd =
  | { readonly kind: 'done' }
  | { readonly kind: 'stopped'; readonly at: Progress }
  /** early stopping ended the run after epoch `epoch` (from 1); `best` is the best epoch's */
  | { readonly kind: 'early_stopped'; readonly epoch: number; readonly best: number }
  | { readonly kind: 'diverged'; readonly epoch: number; readonly step: number; readonly value: number };

/** The order of epoch `epoch`'s examples: a shuffle seeded by (seed, epoch). */
export function epochOrder(count: number, seed: number, epoch: number): Uint32Array {
  const order = Uint32Array.from({ length: count }, (_, i) => i);
  return new Random(hashSeed(seed, `epoch ${epoch}`)).shuffle(order);
}

export function evaluate(model: CompiledModel, split: Split, loss: LossName): { loss: number; accuracy: number; predicted: Uint8Array; probs: Float32Array } {
  const probs = model.predict(split.images, split.count);
  const predicted = argmaxRows(probs, model.info.classes);
  // as Keras's evaluate: the loss the model trains on, smoothed targets and L2 penalties included
  const value = lossOf(loss, probs, split.labels, model.info.classes, model.info.labelSmoothing) + model.regularizationLoss();
  return { loss: value, accuracy: accuracyOf(predicted, split.classes), predicted, probs };
}

/** Let the event loop run (signals, timers) at most every 50 ms of computing. */
const yieldToEvents = () => new Promise<void>((r) => setImmediate(r));

export async function trainLoop(model: CompiledModel, data: Dataset, o: LoopOptions): Promise<LoopEnd> {
  let lastYield = performance.now();
  const batcher = new Batcher(data.train, o.batchSize);
  const count = data.train.count;
  const batches = Math.ceil(count / o.batchSize);
  let p: Progress = o.start ?? { epoch: 0, batch: 0, step: model.step, lossSum: 0, correct: 0, seen: 0, seconds: 0 };
  for (let epoch = p.epoch; epoch < o.epochs; epoch++) {
    const order = epochOrder(count, o.seed, epoch);
    let { lossSum, correct, seen, seconds } = epoch === p.epoch ? p : { lossSum: 0, correct: 0, seen: 0, seconds: 0 };
    for (let b = epoch === p.epoch ? p.batch : 0; b < batches; b++) {
      if (o.learningRateAt) model.learningRate = o.learningRateAt({ epoch, batch: b, batches, epochs: o.epochs });
      const t0 = performance.now();
      const n = batcher.gather(order, b * o.batchSize, Math.min(o.batchSize, count - b * o.batchSize), o.augment, epoch);
      const loss = model.computeGradients(batcher.images, batcher.labels, n, o.augment ? batcher.warps : undefined);
      if (!Number.isFinite(loss)) return { kind: 'diverged', epoch: epoch + 1, step: b + 1, value: loss };
      model.applyUpdate();
      seconds += (performance.now() - t0) / 1000;
      lossSum += loss * n;
      correct += model.lastCorrect;
      seen += n;
      o.onStep?.({ epoch: epoch + 1, batch: b + 1, batches, loss: lossSum / seen, accuracy: correct / seen, seen, seconds });
      p = { epoch, batch: b + 1, step: model.step, lossSum, correct, seen, seconds };
      if (performance.now() - lastYield > 50) {
        await yieldToEvents();
        lastYield = performance.now();
      }
      if (o.shouldStop?.() && b + 1 < batches) {
        o.checkpoint?.(p);
        return { kind: 'stopped', at: p };
      }
    }
    const val = evaluate(model, data.validation ?? data.test, o.loss);
    const metrics: EpochMetrics = {
      epoch: epoch + 1,
      train_loss: lossSum / seen,
      train_accuracy: correct / seen,
      val_loss: val.loss,
      val_accuracy: val.accuracy,
      seconds,
      images_per_s: seen / seconds,
    };
    const verdict = o.earlyStopping?.observe(metrics);
    o.onEpoch?.(metrics, verdict);
    p = { epoch: epoch + 1, batch: 0, step: model.step, lossSum: 0, correct: 0, seen: 0, seconds: 0 };
    o.checkpoint?.(p, verdict?.improved ?? false);
    if (verdict?.stop && epoch + 1 < o.epochs) return { kind: 'early_stopped', epoch: epoch + 1, best: o.earlyStopping!.best!.epoch };
    if (o.shouldStop?.() && epoch + 1 < o.epochs) return { kind: 'stopped', at: p };
  }
  return { kind: 'done' };
}
