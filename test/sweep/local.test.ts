/**
 * `netc sweep` on this machine, end to end on a tiny network and data set: four trials in child
 * processes, their results gathered from their own run folders, a re-run that trains nothing, a
 * trial that fails while the others go on, a folder of another sweep refused, and the summary.
 */
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { tinySweep } from '../helpers/sweep.js';

const GRID = `  grid:\n    h.units: [4, 12]\n  seeds: [1, 2]\n  epochs: 2\n`;
const json = (path: string) => JSON.parse(readFileSync(path, 'utf8'));

describe('netc sweep, locally', () => {
  const file = tinySweep(GRID);
  const out = join(file, '..', 'out');

  it('runs every trial as a run folder and gathers results.json from their metrics', async () => {
    const r = await runCli(['sweep', file, '--out', out, '--no-progress']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^sweep tiny-sweep: 4 trials \(2 combinations × 2 seeds\); 2 at once, 1 thread each$/m);
    const results = json(join(out, 'results.json'));
    expect(results.trials).toHaveLength(4);
    for (const t of results.trials) {
      const m = json(join(out, t.id, 'metrics.json'));
      expect(t.state).toBe('done');
      expect(m.seed).toBe(t.seed);
      expect(m.epochs).toHaveLength(2);
      expect(t.epochs).toEqual(m.epochs);
      expect(t.test_accuracy).toBe(m.test.accuracy);
      expect(t.seconds).toBeCloseTo(m.epochs[0].seconds + m.epochs[1].seconds, 9);
      expect(readFileSync(join(out, t.id, 'spec.yaml'), 'utf8')).toContain(`units: ${t.values['h.units']}`);
    }
    expect(results.trials.map((t: { values: unknown; seed: number }) => [t.values, t.seed])).toEqual([
      [{ 'h.units': 4 }, 1],
      [{ 'h.units': 4 }, 2],
      [{ 'h.units': 12 }, 1],
      [{ 'h.units': 12 }, 2],
    ]);
    // per combination: the mean and sample standard deviation of its two seeds
    const [a, b] = results.trials.slice(0, 2).map((t: { test_accuracy: number }) => t.test_accuracy);
    expect(results.combinations[0].test_accuracy.mean).toBeCloseTo((a + b) / 2, 12);
    expect(results.combinations[0].test_accuracy.std).toBeCloseTo(Math.abs(a - b) / Math.SQRT2, 12);
    expect(results.combinations.map((c: { params: number }) => c.params)).toEqual([16 * 4 + 4 + 4 * 3 + 3, 16 * 12 + 12 + 12 * 3 + 3]);
    const csv = readFileSync(join(out, 'results.csv'), 'utf8').trim().split('\n');
    expect(csv).toHaveLength(5);
    expect(csv[0]).toMatch(/^trial,id,h\.units,seed,state,params,macs,seconds,images_per_s,test_loss,test_accuracy,epoch1_train_loss,/);
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    for (const chart of ['accuracy-params', 'accuracy-seconds', 'curves']) expect(html).toContain(`data-chart="${chart}"`);
    expect(html).toContain('<table class="sortable">');
  });

  it('skips finished trials when run again on its folder', async () => {
    const before = statSync(join(out, 'trial-000', 'metrics.json')).mtimeMs;
    const r = await runCli(['sweep', file, '--out', out, '--no-progress']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('4 already done');
    expect(r.stdout).not.toMatch(/^trial-\d+ done/m);
    expect(statSync(join(out, 'trial-000', 'metrics.json')).mtimeMs).toBe(before);
  });

  it('prints the table with --summary', async () => {
    const r = await runCli(['sweep', file, '--out', out, '--summary']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^  h\.units +params +done +accuracy +std +seconds +Pareto$/m);
    expect(r.stdout).toMatch(/^  12 +243 +2\/2 +\d+\.\d\d% +±\d+\.\d\d +\d+\.\d/m);
    const none = await runCli(['sweep', file, '--out', join(file, '..'), '--summary']);
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/error NETC6106: sweep folder .*: is not a sweep folder \(it has no plan\.json\)/);
  });

  it('records a failed trial with its error while the others go on', async () => {
    const other = join(file, '..', 'broken');
    mkdirSync(join(other, 'trial-001'), { recursive: true });
    writeFileSync(join(other, 'trial-001', 'checkpoint.netc'), 'not a checkpoint');
    const r = await runCli(['sweep', file, '--out', other, '--no-progress']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^trial-001 failed: .*NETC7002/m);
    const results = json(join(other, 'results.json'));
    expect(results.trials.map((t: { state: string }) => t.state)).toEqual(['done', 'failed', 'done', 'done']);
    expect(results.trials[1].error).toMatch(/error NETC7002: checkpoint .*checkpoint\.netc/);
    expect(results.combinations[0].done).toBe(1);
  });

  it('refuses a folder of another sweep', async () => {
    const otherFile = tinySweep(`  grid:\n    h.units: [5]\n`);
    const r = await runCli(['sweep', otherFile, '--out', out, '--no-progress']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/error NETC6106: sweep folder .*out: it holds another sweep's trials \(tiny-sweep, 4 trials\)/);
    expect(existsSync(join(out, 'trial-000', 'trial.yaml'))).toBe(true);
  });

  it('checks every trial before training any, at the line of the value', async () => {
    const bad = tinySweep(`  grid:\n    h.units: [4, 0]\n`);
    const r = await runCli(['sweep', bad, '--out', join(bad, '..', 'never')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/sweep\.yaml:6:18: error NETC6104: the trial h\.units=0 is not a valid spec: NETC2006 'units' of layer 'h' must be ≥ 1 \(it is 0\)/);
    expect(existsSync(join(bad, '..', 'never'))).toBe(false);
  });

  it('stops every trial cleanly on Ctrl-C, with a checkpoint, and goes on when run again', async () => {
    const long = tinySweep(`  grid:\n    h.units: [4, 12]\n  epochs: 400\n`);
    const dir = join(long, '..', 'out');
    const child = spawn(process.execPath, ['bin/netc.js', 'sweep', long, '--out', dir, '--no-progress'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.on('data', (b: Buffer) => (stdout += String(b)));
    const exited = new Promise<number | null>((done) => child.on('close', (code) => done(code)));
    const started = Date.now();
    while (!['trial-000', 'trial-001'].every((t) => existsSync(join(dir, t, 'checkpoint.netc'))) && Date.now() - started < 60_000) {
      await new Promise((r) => setTimeout(r, 100));
    }
    child.kill('SIGINT'); // what a terminal's Ctrl-C sends the command (its trials run in groups of their own)
    expect(await exited).toBe(130);
    expect(stdout).toContain(`stopped. Go on with: netc sweep ${long} --out ${dir}`);
    const stoppedAt = json(join(dir, 'results.json')).trials;
    expect(stoppedAt.map((t: { state: string }) => t.state)).toEqual(['partial', 'partial']);
    const r = await runCli(['sweep', long, '--out', dir, '--no-progress']);
    expect(r.code).toBe(0);
    for (const t of json(join(dir, 'results.json')).trials) {
      expect(t.state).toBe('done');
      expect(t.epochs).toHaveLength(400);
    }
  }, 180_000);
});
