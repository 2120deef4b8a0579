/**
 * Learning-rate schedules: the step size of every training step, from the optimizer's
 * `schedule:` and its `learning_rate` (the peak rate, or the starting one).
 *
 * A rate depends only on where the run stands (epoch, batch) and how long it is, never on what
 * happened before, so a run resumed from a checkpoint takes the steps of the uninterrupted run.
 * A resumed run given more epochs (`--resume --epochs N`) stretches a one-cycle or cosine
 * schedule over the new length from then on, as its length is part of its definition.
 */

/** `[[epoch, rate], ...]`: from epoch `epoch` (counting from 1) on, the rate is `rate`. */
export type StepSchedule = readonly (readonly [number, number])[];

/**
 * One-cycle (Smith and Topin 2017, as PyTorch's OneCycleLR with cosine annealing): from
 * rate/div_factor up to the rate over the first pct_start of the steps, then down to
 * rate/(div_factor·final_div_factor) by the last step.
 */
export interface OneCycle {
  readonly kind: 'one_cycle';
  readonly pct_start?: number;
  readonly div_factor?: number;
  readonly final_div_factor?: number;
}

/**
 * Cosine decay (Loshchilov and Hutter 2017, as Keras's CosineDecay): a linear warm-up from
 * zero over warmup_epochs, then half a cosine from the rate down to alpha·rate at the last step.
 */
export interface Cosine {
  readonly kind: 'cosine';
  readonly warmup_epochs?: number;
  readonly alpha?: number;
}

/** Exponential decay (Keras's ExponentialDecay, per epoch): rate·decay^(epochs done), smoothly between epochs unless staircase. */
export interface Exponential {
  readonly kind: 'exponential';
  readonly decay: number;
  readonly staircase?: boolean;
}

export type Schedule = StepSchedule | OneCycle | Cosine | Exponential;
export type ScheduleKind = Exclude<Schedule, StepSchedule>['kind'];

/** A schedule's settings with their defaults and meaning, for the spec's schema and the README. */
export interface ScheduleSetting {
  readonly type: 'number' | 'integer' | 'boolean';
  readonly description: string;
  readonly default?: number | boolean;
  readonly minimum?: number;
  readonly exclusiveMinimum?: number;
  readonly maximum?: number;
  readonly exclusiveMaximum?: number;
}

export const SCHEDULE_KINDS: Readonly<Record<ScheduleKind, { readonly summary: string; readonly settings: Readonly<Record<string, ScheduleSetting>>; readonly required?: readonly string[] }>> = {
  one_cycle: {
    summary: 'one cycle: up from rate/div_factor to the rate over pct_start of the steps, then down (cosine) to rate/(div_factor·final_div_factor)',
    settings: {
      pct_start: { type: 'number', default: 0.3, exclusiveMinimum: 0, exclusiveMaximum: 1, description: 'the fraction of the steps spent rising' },
      div_factor: { type: 'number', default: 25, minimum: 1, description: 'the starting rate is the rate divided by this' },
      final_div_factor: { type: 'number', default: 1e4, minimum: 1, description: 'the last rate is the starting rate divided by this' },
    },
  },
  cosine: {
    summary: 'cosine decay: linear warm-up from zero over warmup_epochs, then half a cosine down to alpha·rate',
    settings: {
      warmup_epochs: { type: 'number', default: 0, minimum: 0, description: 'epochs of linear warm-up (fractions allowed)' },
      alpha: { type: 'number', default: 0, minimum: 0, maximum: 1, description: 'the last rate, as a fraction of the rate' },
    },
  },
  exponential: {
    summary: 'exponential decay: the rate times decay per epoch',
    settings: {
      decay: { type: 'number', exclusiveMinimum: 0, maximum: 1, description: 'the factor per epoch' },
      staircase: { type: 'boolean', default: false, description: 'change the rate only between epochs' },
    },
    required: ['decay'],
  },
};

/** Where a step stands in its run. */
export interface StepPosition {
  /** from 0 */
  readonly epoch: number;
  /** the batch within the epoch, from 0 */
  readonly batch: number;
  readonly batches: number;
  readonly epochs: number;
}

/** The learning rate of epoch e (from 0): the last schedule entry whose epoch (from 1) has come. */
export function rateAt(schedule: StepSchedule, initial: number, epoch: number): number {
  let rate = initial;
  for (const [from, lr] of [...schedule].sort((a, b) => a[0] - b[0])) if (epoch + 1 >= from) rate = lr;
  return rate;
}

const setting = (kind: ScheduleKind, s: object, key: string): number => {
  const v = (s as Record<string, unknown>)[key];
  return typeof v === 'number' ? v : (SCHEDULE_KINDS[kind].settings[key]!.default as number);
};

/** Cosine interpolation from `from` (at fraction 0) to `to` (at fraction 1). */
const cosineBetween = (from: number, to: number, fraction: number): number => to + ((from - to) * (1 + Math.cos(Math.PI * fraction))) / 2;

/** The learning rate of the step at `at`, for a run whose optimizer's rate is `rate`. */
export function scheduledRate(schedule: Schedule, rate: number, at: StepPosition): number {
  if (Array.isArray(schedule)) return rateAt(schedule as StepSchedule, rate, at.epoch);
  const s = schedule as Exclude<Schedule, StepSchedule>;
  const step = at.epoch * at.batches + at.batch;
  const total = at.epochs * at.batches;
  switch (s.kind) {
    case 'one_cycle': {
      const initial = rate / setting('one_cycle', s, 'div_factor');
      const last = initial / setting('one_cycle', s, 'final_div_factor');
      // as PyTorch: the peak is reached at step pct_start·total − 1, and the last step is total − 1
      const peak = setting('one_cycle', s, 'pct_start') * total - 1;
      if (step <= peak) return cosineBetween(initial, rate, peak <= 0 ? 1 : step / peak);
      const down = total - 1 - peak;
      return cosineBetween(rate, last, down <= 0 ? 1 : Math.min(1, (step - peak) / down));
    }
    case 'cosine': {
      const warmup = Math.round(setting('cosine', s, 'warmup_epochs') * at.batches);
      if (step < warmup) return (rate * (step + 1)) / warmup;
      const decaying = total - warmup;
      return cosineBetween(rate, setting('cosine', s, 'alpha') * rate, decaying <= 1 ? 1 : (step - warmup) / (decaying - 1));
    }
    case 'exponential': {
      const epochs = s.staircase ? at.epoch : at.epoch + at.batch / at.batches;
      return rate * Math.pow(s.decay, epochs);
    }
  }
}
