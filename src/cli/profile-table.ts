/**
 * A profile printed: time per layer (forward, backward, update, and inference per batch) and the
 * kernels that take the most time, for `netc train --profile` and `netc bench --profile`.
 */
import { trainingMs, type ProfileSummary } from '../driver/profile-summary.js';

const ms = (x: number) => x.toFixed(3);
const share = (x: number, of: number) => `${of > 0 ? ((100 * x) / of).toFixed(1) : '0.0'}%`;

/** Columns of strings, the first left-aligned, the rest right-aligned. */
export function table(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => '  ' + r.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ')).join('\n');
}

export function profileText(s: ProfileSummary, kernelRows = 12): string {
  const step = s.stepMs.train + s.stepMs.update;
  const lines = [
    `profile: ${s.steps} training steps, ${ms(step)} ms per step (forward and backward ${ms(s.stepMs.train)}, update ${ms(s.stepMs.update)}), ` +
      `${ms(s.kernelMs)} ms of it in kernels; ${s.inferBatches} inference batches`,
    'time per layer (ms per training step; inference: ms per batch):',
    table([
      ['layer', 'forward', 'backward', 'update', 'total', 'share', 'inference'],
      ...s.layers.map((r) => {
        const total = trainingMs(r);
        return [r.layer, ms(r.ms.forward), ms(r.ms.backward), ms(r.ms.update), ms(total), share(total, s.kernelMs), ms(r.ms.inference)];
      }),
    ]),
    `time per kernel (the ${Math.min(kernelRows, s.kernels.length)} slowest of ${s.kernels.length}; per training step, inference per batch):`,
    table([['kernel', 'phase', 'calls', 'ms', 'share'], ...s.kernels.slice(0, kernelRows).map((k) => [k.kernel, k.phase, k.calls.toFixed(k.calls % 1 ? 2 : 0), ms(k.ms), k.phase === 'inference' ? '' : share(k.ms, s.kernelMs)])]),
  ];
  return lines.join('\n');
}
