/**
 * A kernel profiler: a Kernels object that times every call of the one it wraps and names the
 * layer and phase it belongs to. A model uses it only while profiling (CompiledModel.profile);
 * otherwise its schedules call the backend's kernels directly and pay nothing.
 *
 * Attribution: a generated module's schedules are straight-line, so the i-th call of a training
 * step is always the same kernel of the same layer. The caller passes, per schedule, the label of
 * each call in order (the driver reads them off the IR with the emitter's own list of calls); a
 * call whose kernel is not the one its label expects (a module compiled by another netc) is
 * counted under '?', never under a wrong layer. Why not marks emitted into the module: the labels
 * would cost a call or a branch per kernel in every run, profiled or not, and change every
 * generated file; the order is already fixed, so a table beside the module says the same.
 */
import type { Kernels } from './kernels/types.js';

export type ScheduleName = 'train' | 'infer' | 'update';
export type Phase = 'forward' | 'backward' | 'update' | 'inference' | 'other';

/** Who the i-th kernel call of a schedule works for. */
export interface CallLabel {
  /** the spec layer ('loss' for the loss, which has none) */
  readonly layer: string;
  readonly phase: Phase;
  readonly kernel: string;
}

export type ScheduleLabels = Readonly<Record<ScheduleName, readonly CallLabel[]>>;

/** One timed call (times in milliseconds from the profiler's start). */
export interface TimedCall {
  readonly layer: string;
  readonly phase: Phase;
  readonly kernel: string;
  readonly start: number;
  readonly ms: number;
  /** which run of a schedule it was part of (counting all schedules' runs from 1; 0: none) */
  readonly run: number;
}

/** A schedule's run: a training step's forward and backward, an update, an inference batch. */
export interface ScheduleSpan {
  readonly schedule: ScheduleName;
  readonly start: number;
  readonly ms: number;
}

/** Time sums by key, with the number of calls. */
export interface Total {
  ms: number;
  calls: number;
}

/** Calls and spans kept for the trace: beyond this many the totals go on, the trace stops growing. */
export const TRACE_LIMIT = 200_000;

export class KernelProfiler {
  /** `${layer}\t${phase}` → time */
  readonly byLayer = new Map<string, Total>();
  /** `${kernel}\t${phase}` → time */
  readonly byKernel = new Map<string, Total>();
  /** `train`, `update`, `infer` → their runs' time */
  readonly bySchedule = new Map<ScheduleName, Total>();
  /** the first TRACE_LIMIT calls and spans, for trace.json */
  readonly calls: TimedCall[] = [];
  readonly spans: ScheduleSpan[] = [];
  private current: { name: ScheduleName; start: number; index: number } | undefined;
  private runs = 0;
  private readonly origin: number;

  constructor(
    private readonly labels: ScheduleLabels,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.origin = now();
  }

  /** The kernels of `inner`, each call timed and attributed. */
  wrap(inner: Kernels): Kernels {
    const wrapped = new Map<string, unknown>();
    return new Proxy(inner, {
      get: (target, key, receiver) => {
        const value: unknown = Reflect.get(target, key, receiver);
        if (typeof key !== 'string' || typeof value !== 'function') return value;
        if (!wrapped.has(key)) {
          const fn = value as (...args: unknown[]) => unknown;
          wrapped.set(key, (...args: unknown[]) => {
            const start = this.now();
            const result = fn.apply(target, args);
            this.record(key, start, this.now() - start);
            return result;
          });
        }
        return wrapped.get(key);
      },
    });
  }

  /** A schedule starts: its calls are matched to its labels from the first. */
  enter(name: ScheduleName): void {
    this.runs++;
    this.current = { name, start: this.now(), index: 0 };
  }

  leave(): void {
    const c = this.current;
    if (!c) return;
    const ms = this.now() - c.start;
    add(this.bySchedule, c.name, ms);
    if (this.spans.length + this.calls.length < TRACE_LIMIT) this.spans.push({ schedule: c.name, start: c.start - this.origin, ms });
    this.current = undefined;
  }

  /** Completed training steps: the runs of the training schedule. */
  get steps(): number {
    return this.bySchedule.get('train')?.calls ?? 0;
  }

  private record(kernel: string, start: number, ms: number): void {
    const c = this.current;
    const label = c ? this.labels[c.name][c.index++] : undefined;
    const fits = label !== undefined && label.kernel === kernel;
    const layer = fits ? label.layer : c ? '?' : '(outside the schedules)';
    const phase: Phase = fits ? label.phase : 'other';
    add(this.byLayer, `${layer}\t${phase}`, ms);
    add(this.byKernel, `${kernel}\t${phase}`, ms);
    if (this.spans.length + this.calls.length < TRACE_LIMIT) this.calls.push({ layer, phase, kernel, start: start - this.origin, ms, run: c ? this.runs : 0 });
  }
}

function add<K>(map: Map<K, Total>, key: K, ms: number): void {
  const t = map.get(key);
  if (t) {
    t.ms += ms;
    t.calls++;
  } else map.set(key, { ms, calls: 1 });
}
