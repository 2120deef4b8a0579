/**
 * A profile's totals as tables: time per layer and per kernel, in milliseconds per training step
 * (forward, backward, update) and per inference batch, layers in the order the step first meets
 * them, kernels slowest first. `netc train --profile` and `netc bench --profile` print them.
 */
import type { KernelProfiler, Phase } from '../runtime/profiler.js';

export interface LayerRow {
  readonly layer: string;
  /** ms per training step in each phase; inference: ms per inference batch */
  readonly ms: Readonly<Record<Phase, number>>;
}

export interface KernelRow {
  readonly kernel: string;
  readonly phase: Phase;
  /** calls and ms per training step, or per inference batch for the inference phase */
  readonly calls: number;
  readonly ms: number;
}

export interface ProfileSummary {
  readonly steps: number;
  readonly inferBatches: number;
  /** ms per step of the training schedule (forward and backward) and of the update */
  readonly stepMs: { readonly train: number; readonly update: number };
  /** ms per step spent in kernels (forward, backward, update, other), as the layer rows sum it */
  readonly kernelMs: number;
  readonly layers: readonly LayerRow[];
  readonly kernels: readonly KernelRow[];
}

const PHASES: readonly Phase[] = ['forward', 'backward', 'update', 'inference', 'other'];

export function profileSummary(p: KernelProfiler): ProfileSummary {
  const steps = p.steps;
  const inferBatches = p.bySchedule.get('infer')?.calls ?? 0;
  // per step for the training phases, per batch for inference; 'other' (between schedules) per step
  const per = (phase: Phase) => Math.max(1, phase === 'inference' ? inferBatches : steps);
  const layers = new Map<string, Record<Phase, number>>();
  for (const [key, t] of p.byLayer) {
    const [layer, phase] = key.split('\t') as [string, Phase];
    const row = layers.get(layer) ?? Object.fromEntries(PHASES.map((x) => [x, 0])) as Record<Phase, number>;
    row[phase] += t.ms / per(phase);
    layers.set(layer, row);
  }
  const kernels = [...p.byKernel].map(([key, t]) => {
    const [kernel, phase] = key.split('\t') as [string, Phase];
    return { kernel, phase, calls: t.calls / per(phase), ms: t.ms / per(phase) };
  });
  const layerRows = [...layers].map(([layer, ms]) => ({ layer, ms }));
  return {
    steps,
    inferBatches,
    stepMs: { train: (p.bySchedule.get('train')?.ms ?? 0) / Math.max(1, steps), update: (p.bySchedule.get('update')?.ms ?? 0) / Math.max(1, steps) },
    kernelMs: layerRows.reduce((sum, r) => sum + trainingMs(r), 0),
    layers: layerRows,
    kernels: kernels.sort((a, b) => b.ms - a.ms),
  };
}

/** A layer's ms per training step: forward, backward, update, and calls outside the schedules (the accuracy count). */
export const trainingMs = (r: LayerRow): number => r.ms.forward + r.ms.backward + r.ms.update + r.ms.other;
