/**
 * `netc bench` as a user runs it: a table (or JSON lines) for a spec on a backend, the profile's
 * tables, one process per spec when there are several, and diagnostics for a wrong command
 * line (exit 2) or a wrong spec (exit 1). Speeds are only checked to be positive numbers.
 */
import { describe, expect, it } from 'vitest';
import type { BenchResult } from '../src/driver/bench.js';
import { runCli, spawnCli } from './helpers/cli.js';

describe('netc bench', () => {
  it('--json measures a spec on the reference backend with the batch size and steps asked for', async () => {
    const r = await runCli(['bench', 'specs/lenet5.yaml', '--backend', 'reference', '--threads', '1', '--batch-size', '8', '--steps', '2', '--json']);
    expect(r.code).toBe(0);
    const result = JSON.parse(r.stdout) as BenchResult;
    expect(result).toMatchObject({ spec: 'specs/lenet5.yaml', name: 'lenet5', backend: 'reference', threads: 1, batchSize: 8, steps: 2 });
    for (const x of [result.trainImagesPerS, result.inferImagesPerS, result.peakRssMiB]) expect(x).toBeGreaterThan(0);
    expect(result.profile).toBeUndefined();
  });

  it('prints a table and, with --profile, the time per layer', async () => {
    const r = await runCli(['bench', 'specs/inception-mini.yaml', '--threads', '1', '--batch-size', '4', '--steps', '2', '--profile']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/spec\s+backend\s+threads\s+batch\s+train img\/s\s+infer img\/s\s+peak MiB/);
    // the default backend: native where it was built, else fast
    expect(r.stdout).toMatch(/specs\/inception-mini\.yaml\s+(native|fast)\s+1\s+4\s+[\d,]+\s+[\d,]+\s+[\d,]+/);
    expect(r.stdout).toContain('synthetic data');
    for (const layer of ['b3', 'b5', 'mix', 'p1', 'r1', 'skip', 'p2', 'out', 'loss']) expect(r.stdout).toMatch(new RegExp(`^\\s+${layer}\\s+[\\d.]+`, 'm'));
  });

  it('measures several specs each in a process of its own', () => {
    const r = spawnCli(['bench', 'specs/lenet5.yaml', 'specs/lenet5-wide.yaml', '--threads', '1', '--batch-size', '2', '--steps', '1', '--json']);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as BenchResult);
    expect(lines.map((l) => l.name)).toEqual(['lenet5', 'lenet5-wide']);
  });

  it.each([
    [['bench'], /name the specs to measure/],
    [['bench', 'specs/lenet5.yaml', '--steps', '0'], /--steps must be an integer from 1/],
    [['bench', 'specs/lenet5.yaml', '--backend', 'gpu'], /--backend must be .* not 'gpu'/],
    [['bench', 'specs/lenet5.yaml', '--batch-size', 'x'], /--batch-size must be an integer/],
    [['bench', 'specs/lenet5.yaml', '--rounds', '3'], /Unknown option '--rounds'/],
  ])('a wrong command line %j exits 2 with usage', async (argv, message) => {
    const r = await runCli(argv as string[]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).toContain('usage: netc bench');
  });

  it('a spec that cannot be read is a diagnostic, exit 1', async () => {
    const r = await runCli(['bench', 'no/such/spec.yaml']);
    expect(r.code).toBe(1);
    expect(r.stdout + r.stderr).toContain('NETC1002');
    expect(r.stdout + r.stderr).not.toMatch(/\bat .*\.(ts|js):\d+/);
  });
});
