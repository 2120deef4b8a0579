/**
 * The 1998 LeNet-5 through the command line: a short run, then eval and predict on its run
 * folder — whose resolved spec must still find the RBF prototypes file — and a learning-rate
 * schedule that changes the rate at the epochs it names.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rateAt } from '../../src/runtime/training/schedule.js';
import { readCheckpoint } from '../../src/runtime/checkpoint.js';
import { runCli } from '../helpers/cli.js';

describe('netc train on the 1998 LeNet-5', () => {
  it('trains, and its run folder can be evaluated and predicted from', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'netc-1998-')), 'run');
    const r = await runCli(['train', 'specs/lenet5-1998.yaml', '--limit', '320', '--epochs', '1', '--out', dir, '--no-progress']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^training lenet5-1998 \(60,000 parameters\)/m);
    expect(readFileSync(join(dir, 'spec.yaml'), 'utf8')).toMatch(/prototypes: \/.*\/specs\/rbf-digits\.txt/);
    const ev = await runCli(['eval', dir, '--json']);
    expect(ev.code).toBe(0);
    expect(JSON.parse(ev.stdout).accuracy).toBeCloseTo(JSON.parse(readFileSync(join(dir, 'metrics.json'), 'utf8')).test.accuracy, 10);
    const p = JSON.parse((await runCli(['predict', dir, '3', '--json'])).stdout);
    expect(p.probabilities.reduce((a: number, b: number) => a + b, 0)).toBeCloseTo(1, 5); // softmax(−penalties)
    // the RBF prototypes are fixed: the checkpoint holds them unchanged
    const protos = readCheckpoint(join(dir, 'checkpoint.netc')).params['out.w']!;
    expect(new Set(protos)).toEqual(new Set([-1, 1]));
  });

  it('the schedule sets the rate from the epoch it names', () => {
    const s = [[11, 0.0002], [6, 0.0005]] as const;
    expect([0, 4, 5, 9, 10, 19].map((e) => rateAt(s, 0.001, e))).toEqual([0.001, 0.001, 0.0005, 0.0005, 0.0002, 0.0002]);
  });
});
