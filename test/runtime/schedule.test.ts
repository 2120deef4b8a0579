/**
 * Learning-rate schedules against PyTorch's (OneCycleLR, CosineAnnealingLR; the rates recorded
 * by scripts/reference/schedules.py in test/fixtures/schedules-torch.json) and against the
 * formulas of the papers where PyTorch has no equal (the warm-up, exponential decay).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { rateAt, scheduledRate, type Schedule } from '../../src/runtime/training/schedule.js';

interface TorchCase {
  readonly schedule: Schedule;
  readonly rate: number;
  readonly epochs: number;
  readonly batches: number;
  readonly rates: number[];
}
const torch = JSON.parse(readFileSync(new URL('../fixtures/schedules-torch.json', import.meta.url), 'utf8')) as { cases: TorchCase[] };

/** Every step's rate of a run, in order. */
function run(schedule: Schedule, rate: number, epochs: number, batches: number): number[] {
  const out: number[] = [];
  for (let epoch = 0; epoch < epochs; epoch++) for (let batch = 0; batch < batches; batch++) out.push(scheduledRate(schedule, rate, { epoch, batch, batches, epochs }));
  return out;
}

describe('learning-rate schedules', () => {
  it.each(torch.cases.map((c) => [`${(c.schedule as { kind: string }).kind} ${JSON.stringify(c.schedule)} over ${c.epochs}×${c.batches}`, c] as const))(
    '%s: the rates of PyTorch 1.13',
    (_, c) => {
      const ours = run(c.schedule, c.rate, c.epochs, c.batches);
      expect(ours).toHaveLength(c.rates.length);
      ours.forEach((r, i) => expect(r, `step ${i}`).toBeCloseTo(c.rates[i]!, 12));
    },
  );

  it('one_cycle with its defaults: rate/25 first, the rate at 30% of the steps, rate/250000 last', () => {
    const r = run({ kind: 'one_cycle' }, 0.01, 10, 10);
    expect(r[0]).toBeCloseTo(0.01 / 25, 15);
    expect(Math.max(...r)).toBeCloseTo(0.01, 15);
    expect(r.indexOf(Math.max(...r))).toBe(29);
    expect(r[99]).toBeCloseTo(0.01 / 25 / 1e4, 15);
  });

  it('cosine warms up linearly from zero, then decays from the rate to alpha·rate', () => {
    const r = run({ kind: 'cosine', warmup_epochs: 1, alpha: 0.1 }, 0.1, 3, 4);
    [0.025, 0.05, 0.075, 0.1].forEach((v, k) => expect(r[k]).toBeCloseTo(v, 15));
    // after the warm-up, 8 steps: cos from 0 to π over steps 0..7
    for (let k = 0; k < 8; k++) expect(r[4 + k]).toBeCloseTo(0.01 + 0.09 * 0.5 * (1 + Math.cos((Math.PI * k) / 7)), 15);
  });

  it('exponential: rate·decay^epochs, smoothly or by the epoch', () => {
    const smooth = run({ kind: 'exponential', decay: 0.5 }, 1, 2, 4);
    expect(smooth).toEqual([1, 0.5 ** 0.25, 0.5 ** 0.5, 0.5 ** 0.75, 0.5, 0.5 ** 1.25, 0.5 ** 1.5, 0.5 ** 1.75]);
    expect(run({ kind: 'exponential', decay: 0.5, staircase: true }, 1, 2, 2)).toEqual([1, 1, 0.5, 0.5]);
  });

  it('[[epoch, rate], ...]: from that epoch on, counting from 1, whatever order they are written in', () => {
    const s = [[10, 0.0002], [5, 0.0005]] as const;
    expect([0, 3, 4, 8, 9, 19].map((e) => rateAt(s, 0.001, e))).toEqual([0.001, 0.001, 0.0005, 0.0005, 0.0002, 0.0002]);
    expect(run(s, 0.001, 6, 2).slice(7, 10)).toEqual([0.001, 0.0005, 0.0005]);
  });
});
