/**
 * The profiler (`netc train --profile`): a small network with a branch (add), a pool and an
 * adamw update, trained a few steps with its kernels timed. The trace must be the Trace Event
 * Format (JSON; complete events with times; kernels inside their layer's event inside their
 * schedule's), name every layer that has a kernel in every phase it has one, and agree with the
 * totals: per layer and per kernel they are the same calls, and they fit inside the measured
 * schedule runs. Nothing here is a timing threshold.
 */
import { describe, expect, it } from 'vitest';
import { profileLabels } from '../../src/driver/profile-labels.js';
import { profileSummary, trainingMs } from '../../src/driver/profile-summary.js';
import { chromeTrace } from '../../src/driver/trace.js';
import { KernelProfiler, type ScheduleLabels } from '../../src/runtime/profiler.js';
import { compileAndImport, tinySpec } from '../helpers/modules.js';

const INPUT = [8, 8, 2] as const;
const CLASSES = 3;
const LAYERS = `  - { name: c1, op: conv2d, filters: 4, kernel: 3, padding: same, activation: relu }
  - { name: c2, op: conv2d, filters: 4, kernel: 3, padding: same }
  - { name: sum, op: add, inputs: [c1, c2] }
  - { name: pool, op: maxpool2d, pool: 2 }
  - { name: flat, op: flatten }
  - { name: out, op: dense, units: ${CLASSES}, activation: softmax }`;
/** the layers with a kernel, and the phases they have kernels in: flatten is a view of the pool's output; add's gradient passes through unchanged, and pools have no parameters */
const PHASES: Record<string, string[]> = {
  c1: ['backward', 'forward', 'inference', 'update'],
  c2: ['backward', 'forward', 'inference', 'update'],
  sum: ['forward', 'inference'],
  pool: ['backward', 'forward', 'inference'],
  out: ['backward', 'forward', 'inference', 'update'],
};
const KERNEL_LAYERS = Object.keys(PHASES);
const STEPS = 5;

async function profiled(labelsOf: (l: ScheduleLabels) => ScheduleLabels = (l) => l) {
  const { module, compiled } = await compileAndImport(tinySpec({ input: INPUT, classes: CLASSES, layers: LAYERS, batchSize: 4, optimizer: '{ name: adamw, learning_rate: 0.01 }' }));
  const model = module.createModel({ seed: 3, backend: 'reference', threads: 1 });
  const profiler = new KernelProfiler(labelsOf(profileLabels(compiled)));
  model.profile(profiler);
  const images = Float32Array.from({ length: 4 * 8 * 8 * 2 }, (_, i) => Math.sin(i));
  const labels = Float32Array.from({ length: 4 * CLASSES }, (_, i) => (i % CLASSES === (i / CLASSES) % CLASSES ? 1 : 0));
  for (let i = 0; i < STEPS; i++) model.trainStep(images, labels);
  model.predict(images);
  model.close();
  return profiler;
}

interface Event {
  name: string;
  cat?: string;
  ph: string;
  ts?: number;
  dur?: number;
  pid: number;
  tid: number;
  args?: Record<string, unknown>;
}

describe('netc train --profile', () => {
  it('writes a Trace Event Format trace naming every layer, kernels nested in layers in schedule runs', async () => {
    const p = await profiled();
    const trace = JSON.parse(JSON.stringify(chromeTrace(p, { spec: 'tiny' }))) as { traceEvents: Event[] };
    const events = trace.traceEvents;
    for (const e of events) {
      expect(['X', 'M']).toContain(e.ph);
      expect(Number.isInteger(e.pid) && Number.isInteger(e.tid)).toBe(true);
      if (e.ph === 'X') expect(e.ts! >= 0 && e.dur! >= 0).toBe(true);
    }
    const of = (cat: string) => events.filter((e) => e.cat?.split(',')[0] === cat);
    const schedules = of('schedule');
    const layers = of('layer');
    const kernels = of('kernel');
    expect(schedules.map((e) => e.name).filter((n) => n.startsWith('training step'))).toHaveLength(STEPS);
    expect(schedules.filter((e) => e.name === 'optimizer update')).toHaveLength(STEPS);
    expect(schedules.filter((e) => e.name === 'inference')).toHaveLength(1);
    const inside = (a: Event, b: Event) => a.ts! >= b.ts! && a.ts! + a.dur! <= b.ts! + b.dur! + 1e-3;
    for (const k of kernels) {
      expect(layers.some((l) => l.name === k.args!.layer && inside(k, l)), `${k.name} of ${String(k.args!.layer)} in its layer`).toBe(true);
    }
    // the model counts the step's correct predictions after its schedule: the one call outside
    for (const l of layers.filter((e) => e.name !== '(outside the schedules)')) expect(schedules.some((s) => inside(l, s)), `${l.name} in a schedule run`).toBe(true);
    expect(new Set(kernels.filter((k) => k.args!.layer === '(outside the schedules)').map((k) => k.name))).toEqual(new Set(['countCorrect']));
    const phasesOf = (layer: string) => new Set(layers.filter((l) => l.name === layer).map((l) => l.args!.phase));
    for (const layer of KERNEL_LAYERS) {
      expect([...phasesOf(layer)].sort(), layer).toEqual(PHASES[layer]);
    }
    expect(phasesOf('loss')).toEqual(new Set(['forward', 'backward']));
    expect(kernels.filter((k) => k.args!.layer === '?')).toEqual([]);
  });

  it('totals per layer and per kernel are the same calls, and fit in the schedule runs they were timed in', async () => {
    const p = await profiled();
    const s = profileSummary(p);
    const sum = (xs: Iterable<{ ms: number; calls: number }>) => [...xs].reduce((a, t) => ({ ms: a.ms + t.ms, calls: a.calls + t.calls }), { ms: 0, calls: 0 });
    const layers = sum(p.byLayer.values());
    const kernels = sum(p.byKernel.values());
    expect(layers.calls).toBe(kernels.calls);
    expect(layers.calls).toBe(p.calls.length);
    expect(layers.ms).toBeCloseTo(kernels.ms, 9);
    expect(s.steps).toBe(STEPS);
    // kernels of the steps and updates take at most the time of the runs they are in
    const inSteps = s.layers.reduce((a, r) => a + r.ms.forward + r.ms.backward + r.ms.update, 0);
    expect(inSteps).toBeLessThanOrEqual(s.stepMs.train + s.stepMs.update + 1e-9);
    expect(s.kernelMs).toBeCloseTo(s.layers.reduce((a, r) => a + trainingMs(r), 0), 9);
    expect(s.layers.map((r) => r.layer)).toEqual(expect.arrayContaining([...KERNEL_LAYERS, 'loss']));
  });

  it('counts a call under "?" rather than a wrong layer when the labels do not fit the module', async () => {
    const p = await profiled((l) => ({ ...l, train: l.train.slice(1) }));
    const kernelsUnknown = [...p.byLayer.keys()].filter((k) => k.startsWith('?\t'));
    expect(kernelsUnknown.length).toBeGreaterThan(0);
    expect(p.byLayer.has('c1\tforward')).toBe(false);
  });
});
