/**
 * The pieces of a sweep that need no training: the Pareto front on a hand-made set, the order
 * and draws of the trials, the trial spec a combination becomes, and the Kubernetes Job.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { checkSweep } from '../../src/sweep/check.js';
import { trials } from '../../src/sweep/expand.js';
import { indexedJob } from '../../src/sweep/k8s.js';
import { paretoFront } from '../../src/sweep/pareto.js';
import { spread } from '../../src/sweep/results.js';
import { sweepSchemaText } from '../../src/sweep/schema.js';
import { trialSpec } from '../../src/sweep/trial-spec.js';
import { runCli } from '../helpers/cli.js';
import { tinySweep } from '../helpers/sweep.js';

describe('specs/netc-sweep.schema.json', () => {
  it('is what npm run generate writes from src/sweep/schema.ts', () => {
    expect(readFileSync('specs/netc-sweep.schema.json', 'utf8')).toBe(sweepSchemaText());
  });
  it('is named by the shipped sweeps for editors', () => {
    expect(readFileSync('specs/sweeps/lenet5-activations.yaml', 'utf8').split('\n')[0]).toBe('# yaml-language-server: $schema=../netc-sweep.schema.json');
  });
});

describe("the README's sweep file", () => {
  it('is valid, and is the grid times the random samples times the seeds', () => {
    const readme = readFileSync('README.md', 'utf8');
    const at = readme.indexOf('name: lenet5-activations                 # default');
    const text = readme.slice(readme.lastIndexOf('```yaml', at) + 8, readme.indexOf('```', at));
    const file = join(tinySweep(''), '..', '..', 'readme-sweep.yaml');
    mkdirSync(join(file, '..', 'sweeps'), { recursive: true });
    writeFileSync(join(file, '..', 'sweeps', 'x.yaml'), text.replace('../lenet5.yaml', join(process.cwd(), 'specs/lenet5.yaml')));
    const c = checkSweep(join(file, '..', 'sweeps', 'x.yaml'));
    expect(c.diagnostics).toEqual([]);
    expect(c.plan!.trials).toHaveLength(2 * 2 * 2 * 8 * 3);
  });
});

describe('the Pareto front', () => {
  it.each([
    { given: [], want: [] },
    { given: [{ cost: 1, accuracy: 0.5 }], want: [0] },
    // 0 dominates 1 (cheaper, as good); 2 is dearer and better; 3 is dearer and worse than 2
    { given: [{ cost: 10, accuracy: 0.9 }, { cost: 20, accuracy: 0.9 }, { cost: 30, accuracy: 0.95 }, { cost: 40, accuracy: 0.94 }], want: [0, 2] },
    // the cheapest point is always on it; a point of equal cost and lower accuracy is not
    { given: [{ cost: 5, accuracy: 0.2 }, { cost: 5, accuracy: 0.3 }, { cost: 1, accuracy: 0.1 }, { cost: 100, accuracy: 0.99 }], want: [2, 1, 3] },
  ])('$given → $want', ({ given, want }) => expect(paretoFront(given)).toEqual(want));

  it('agrees with the definition on random sets', () => {
    let x = 7;
    const rnd = () => ((x = (x * 1103515245 + 12345) % 2147483648) / 2147483648);
    for (let n = 0; n < 50; n++) {
      const pts = Array.from({ length: 12 }, () => ({ cost: Math.floor(rnd() * 6), accuracy: Math.floor(rnd() * 6) / 6 }));
      const dominated = (i: number) => pts.some((q, j) => j !== i && q.cost <= pts[i]!.cost && q.accuracy >= pts[i]!.accuracy && (q.cost < pts[i]!.cost || q.accuracy > pts[i]!.accuracy));
      const front = new Set(paretoFront(pts));
      pts.forEach((_, i) => {
        if (dominated(i)) expect(front.has(i)).toBe(false);
        // of equal points one is kept
        else expect(front.has(i) || pts.some((q, j) => front.has(j) && q.cost === pts[i]!.cost && q.accuracy === pts[i]!.accuracy)).toBe(true);
      });
    }
  });
});

describe('trials', () => {
  it('mean and sample standard deviation', () => {
    expect(spread([0.9])).toEqual({ mean: 0.9, std: 0 });
    expect(spread([1, 2, 3, 4]).std).toBeCloseTo(Math.sqrt(5 / 3), 12);
  });

  it('are the grid (first axis slowest) times random samples times seeds, drawn the same every time', () => {
    const file = tinySweep(`  grid:\n    h.units: [4, 8]\n  random:\n    samples: 3\n    seed: 5\n    axes:\n      train.optimizer.learning_rate: { log_uniform: [0.0001, 0.1] }\n      h.activation: { choice: [relu, tanh] }\n      train.batch_size: { int: [2, 4] }\n  seeds: [1, 2]\n`);
    const plan = checkSweep(file).plan!;
    expect(plan.trials).toHaveLength(12);
    expect(plan.trials.map((t) => [t.index, t.combination, t.seed])).toEqual(Array.from({ length: 12 }, (_, i) => [i, Math.floor(i / 2), 1 + (i % 2)]));
    expect(plan.trials.map((t) => t.values['h.units'])).toEqual([4, 4, 4, 4, 4, 4, 8, 8, 8, 8, 8, 8]);
    const draws = plan.trials.filter((t) => t.seed === 1).map((t) => t.values);
    for (const v of draws) {
      const lr = v['train.optimizer.learning_rate'] as number;
      expect(lr).toBeGreaterThanOrEqual(0.0001);
      expect(lr).toBeLessThanOrEqual(0.1);
      expect(Number(lr.toPrecision(4))).toBe(lr);
      expect(['relu', 'tanh']).toContain(v['h.activation']);
      expect([2, 3, 4]).toContain(v['train.batch_size']);
    }
    // the same samples for every grid value, and again on a second expansion
    expect(draws.slice(0, 3).map(({ 'h.units': _, ...rest }) => rest)).toEqual(draws.slice(3).map(({ 'h.units': _, ...rest }) => rest));
    expect(trials(plan.sweep)).toEqual(plan.trials);
  });

  it('become a variant of the base with one value per line', () => {
    const s = trialSpec('/b/base.yaml', { 'c1.filters': 12, 'train.optimizer.learning_rate': 0.003, 'c1.activation': 'relu' }, 'trial 3');
    expect(s.text).toBe('# trial 3\nnetc: 1\nextends: "/b/base.yaml"\npatch:\n  "c1":\n    "filters": 12\n    "activation": "relu"\ntrain:\n  "optimizer":\n    "learning_rate": 0.003\n');
    expect(parse(s.text)).toEqual({ netc: 1, extends: '/b/base.yaml', patch: { c1: { filters: 12, activation: 'relu' } }, train: { optimizer: { learning_rate: 0.003 } } });
    expect([...s.lines].sort((a, b) => a[0] - b[0])).toEqual([
      [3, { axis: 'base', key: false }],
      [4, { axis: 'c1.filters', key: true }],
      [5, { axis: 'c1.filters', key: true }],
      [6, { axis: 'c1.filters', key: false }],
      [7, { axis: 'c1.activation', key: false }],
      [8, { axis: 'train.optimizer.learning_rate', key: true }],
      [9, { axis: 'train.optimizer.learning_rate', key: true }],
      [10, { axis: 'train.optimizer.learning_rate', key: false }],
    ]);
  });
});

/**
 * No Kubernetes JSON Schema ships in an npm package this project has; the fields batch/v1 Job
 * requires (and the rules of an Indexed Job) are checked by hand from the API reference.
 */
describe('--executor k8s --emit', () => {
  it('writes an Indexed Job with one completion index per trial', async () => {
    const file = tinySweep(`  grid:\n    h.units: [4, 8, 16]\n  seeds: [1, 2]\n`);
    const dir = join(file, '..', 'k8s');
    const r = await runCli(['sweep', file, '--executor', 'k8s', '--emit', dir, '--image', 'registry.example/netc:1', '--max-parallel', '4', '--cpus-per-task', '2']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('an Indexed Job of 6 trials; netc has run nothing');
    const job = parse(readFileSync(join(dir, 'job.yaml'), 'utf8'));
    expect(job.apiVersion).toBe('batch/v1');
    expect(job.kind).toBe('Job');
    expect(job.metadata.name).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
    expect(job.metadata.name.length).toBeLessThanOrEqual(63);
    expect(job.spec).toMatchObject({ completionMode: 'Indexed', completions: 6, parallelism: 4 });
    // backoffLimitPerIndex is only for Indexed Jobs; maxFailedIndexes needs it and ≤ completions
    expect(job.spec.maxFailedIndexes).toBeLessThanOrEqual(job.spec.completions);
    const pod = job.spec.template.spec;
    expect(['Never', 'OnFailure']).toContain(pod.restartPolicy);
    expect(pod.containers).toHaveLength(1);
    const c = pod.containers[0];
    expect(c.name).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
    expect(c.image).toBe('registry.example/netc:1');
    expect(c.command.slice(0, 2)).toEqual(['/bin/sh', '-c']);
    expect(c.command[2]).toContain('sweep');
    expect(c.command[2]).toContain('--trial "$JOB_COMPLETION_INDEX"');
    expect(c.resources.requests.cpu).toBe('2');
    expect(pod.volumes.map((v: { name: string }) => v.name)).toContain(c.volumeMounts[0].name);
    expect(pod.volumes[0].persistentVolumeClaim.claimName).toBe('netc-sweeps');
  });

  it('quotes what the shell must not read', () => {
    const plan = checkSweep(tinySweep(`  grid:\n    h.units: [4]\n`)).plan!;
    const job = indexedJob(plan, { image: 'i', claim: 'c', mount: '/m', file: "/m/it's.yaml", out: '/m/out dir', command: ['netc'], parallelism: 9, cpus: 1, threads: 1 }) as { spec: { parallelism: number; template: { spec: { containers: { command: string[] }[] } } } };
    expect(job.spec.parallelism).toBe(1);
    expect(job.spec.template.spec.containers[0]!.command[2]).toBe(`exec netc sweep '/m/it'\\''s.yaml' --trial "$JOB_COMPLETION_INDEX" --out '/m/out dir' --threads-per-trial 1`);
  });
});
