/**
 * The exported program's learning_rate() (src/interop/pytorch-train.ts) against netc's schedule,
 * step for step, for each kind with settings other than their defaults; one Python process runs
 * them all (plain Python: the schedules need no torch).
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { scheduleSource } from '../../src/interop/pytorch-train.js';
import { scheduledRate, type Schedule } from '../../src/runtime/training/schedule.js';

const CASES: readonly (Schedule | undefined)[] = [
  undefined,
  [[3, 0.05], [2, 0.2]],
  { kind: 'one_cycle' },
  { kind: 'one_cycle', pct_start: 0.5, div_factor: 10, final_div_factor: 100 },
  { kind: 'cosine' },
  { kind: 'cosine', warmup_epochs: 1.5, alpha: 0.2 },
  { kind: 'exponential', decay: 0.5 },
  { kind: 'exponential', decay: 0.8, staircase: true },
];
const [RATE, BATCHES, EPOCHS] = [0.1, 7, 4];
const python = spawnSync('/usr/bin/python3', ['--version']).status === 0 ? '/usr/bin/python3' : 'python3';

describe("the exported program's learning_rate()", () => {
  it("is netc's schedule at every step, for every kind of schedule", () => {
    const program = CASES.map(
      (s, i) => `${scheduleSource(s).replace(/def learning_rate\(/g, `def learning_rate_${i}(`)}\nrates.append([learning_rate_${i}(e, b, ${BATCHES}, ${EPOCHS}) for e in range(${EPOCHS}) for b in range(${BATCHES})])`,
    );
    const source = `import json, math\nLEARNING_RATE = ${RATE}\nrates = []\n${program.join('\n\n')}\nprint(json.dumps(rates))\n`;
    const r = spawnSync(python, ['-c', source], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const theirs = JSON.parse(r.stdout) as number[][];
    CASES.forEach((s, i) => {
      const ours = theirs[i]!.map((_, k) => scheduledRate(s ?? [], RATE, { epoch: Math.floor(k / BATCHES), batch: k % BATCHES, batches: BATCHES, epochs: EPOCHS }));
      theirs[i]!.forEach((rate, k) => expect(rate, `${JSON.stringify(s)} at step ${k}`).toBeCloseTo(ours[k]!, 12));
      expect(new Set(ours).size > 1 || s === undefined, `${JSON.stringify(s)} changes the rate`).toBe(true);
    });
  });
});
