/**
 * Early stopping, as Keras's EarlyStopping callback: after each epoch, compare the monitored
 * figure with the best so far; stop once it has not improved for `patience` epochs in a row.
 *
 * The decision depends only on the epochs' figures, so a resumed run replays the figures of the
 * epochs before its checkpoint (metrics.json keeps them) and decides as the uninterrupted run.
 */

/** The figures of an epoch that can be watched (the loop's EpochMetrics has them). */
export interface EpochFigures {
  /** from 1 */
  readonly epoch: number;
  readonly train_loss: number;
  readonly train_accuracy: number;
  readonly val_loss: number;
  readonly val_accuracy: number;
}

export type Monitored = 'val_loss' | 'val_accuracy' | 'loss' | 'accuracy';

export interface EarlyStoppingSpec {
  readonly monitor?: Monitored;
  readonly patience?: number;
  readonly min_delta?: number;
}

/** The settings with Keras's defaults, for the spec's schema and the README. */
export const EARLY_STOPPING = {
  monitor: { enum: ['val_loss', 'val_accuracy', 'loss', 'accuracy'], default: 'val_loss', description: 'the figure watched: a loss is to fall, an accuracy to rise' },
  patience: { type: 'integer', minimum: 0, maximum: 100000, default: 0, description: 'epochs without improvement before stopping' },
  min_delta: { type: 'number', minimum: 0, default: 0, description: 'the least change that counts as an improvement' },
} as const;

const FIGURE: Readonly<Record<Monitored, (m: EpochFigures) => number>> = {
  val_loss: (m) => m.val_loss,
  val_accuracy: (m) => m.val_accuracy,
  loss: (m) => m.train_loss,
  accuracy: (m) => m.train_accuracy,
};

export interface Verdict {
  /** this epoch is the best so far (its checkpoint is the one to keep) */
  readonly improved: boolean;
  /** epochs since the best one */
  readonly waited: number;
  /** stop training after this epoch */
  readonly stop: boolean;
}

export class EarlyStopping {
  readonly monitor: Monitored;
  readonly patience: number;
  readonly minDelta: number;
  /** the best figure so far, and its epoch (from 1); undefined before the first epoch */
  best: { readonly value: number; readonly epoch: number } | undefined;
  private waited = 0;

  constructor(spec: EarlyStoppingSpec = {}) {
    this.monitor = spec.monitor ?? EARLY_STOPPING.monitor.default;
    this.patience = spec.patience ?? EARLY_STOPPING.patience.default;
    this.minDelta = spec.min_delta ?? EARLY_STOPPING.min_delta.default;
  }

  /** A loss is to fall, an accuracy to rise (Keras's mode 'auto'). */
  get rising(): boolean {
    return this.monitor.endsWith('accuracy');
  }

  observe(m: EpochFigures): Verdict {
    const value = FIGURE[this.monitor](m);
    // as Keras, whose best starts at ±∞: a figure that is not a number never improves
    const better =
      Number.isFinite(value) && (this.best === undefined || (this.rising ? value - this.minDelta > this.best.value : value + this.minDelta < this.best.value));
    if (better) {
      this.best = { value, epoch: m.epoch };
      this.waited = 0;
    } else this.waited++;
    return { improved: better, waited: this.waited, stop: this.waited >= this.patience && !better };
  }
}
