/**
 * A profile as a Chrome trace (the Trace Event Format's JSON object form, which Perfetto and
 * chrome://tracing open): one complete event ('X') per schedule run, per layer's stretch of
 * consecutive calls within it, and per kernel call, all on the main thread, so the viewer nests
 * them as step ▸ layer ▸ kernel. Times are microseconds from the profiler's start.
 */
import type { KernelProfiler, TimedCall } from '../runtime/profiler.js';

interface TraceEvent {
  readonly name: string;
  readonly cat?: string;
  readonly ph: 'X' | 'M';
  readonly ts?: number;
  readonly dur?: number;
  readonly pid: number;
  readonly tid: number;
  readonly args?: Record<string, string | number>;
}

const SCHEDULE_NAMES = { train: 'training step: forward and backward', update: 'optimizer update', infer: 'inference' } as const;
const us = (ms: number) => Math.round(ms * 1000 * 1000) / 1000;

export function chromeTrace(p: KernelProfiler, about: Record<string, string | number>): { traceEvents: TraceEvent[]; displayTimeUnit: 'ms'; otherData: Record<string, string | number> } {
  const event = (name: string, cat: string, start: number, ms: number, args?: TraceEvent['args']): TraceEvent => ({ name, cat, ph: 'X', ts: us(start), dur: us(ms), pid: 1, tid: 1, ...(args ? { args } : {}) });
  const events: TraceEvent[] = [
    { name: 'process_name', ph: 'M', pid: 1, tid: 1, args: { name: `netc ${about.spec ?? ''}`.trim() } },
    { name: 'thread_name', ph: 'M', pid: 1, tid: 1, args: { name: 'main (kernels)' } },
  ];
  for (const s of p.spans) events.push(event(SCHEDULE_NAMES[s.schedule], 'schedule', s.start, s.ms));
  for (const run of layerRuns(p.calls)) {
    const first = run[0]!;
    const last = run[run.length - 1]!;
    events.push(event(first.layer, `layer,${first.phase}`, first.start, last.start + last.ms - first.start, { phase: first.phase, calls: run.length }));
  }
  for (const c of p.calls) events.push(event(c.kernel, `kernel,${c.phase}`, c.start, c.ms, { layer: c.layer, phase: c.phase }));
  return { traceEvents: events, displayTimeUnit: 'ms', otherData: about };
}

/** Consecutive calls of one layer in one phase within one schedule run. */
function layerRuns(calls: readonly TimedCall[]): TimedCall[][] {
  const runs: TimedCall[][] = [];
  for (const c of calls) {
    const run = runs[runs.length - 1];
    const prev = run?.[run.length - 1];
    if (run && prev && prev.run === c.run && prev.layer === c.layer && prev.phase === c.phase) run.push(c);
    else runs.push([c]);
  }
  return runs;
}
