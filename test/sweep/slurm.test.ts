/**
 * `netc sweep --executor slurm` for real: scripts/slurm/start-local-cluster.sh starts a
 * single-node Slurm cluster (slurmctld, slurmd, munge from Debian's packages, in a folder and on
 * ports of its own), a 4-trial sweep runs through it as one job array, and its results equal
 * those of the same sweep run locally. Skipped, saying why, where Slurm is not installed or
 * cannot start (it needs root); `.ci/run` installs it.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { tinySweep } from '../helpers/sweep.js';
import { FULL, slowDescribe } from '../helpers/scale.js';

const root = process.cwd();
const clusterDir = join(root, 'test', '.generated', `slurm-${process.pid}`);
const env = { ...process.env, NETC_SLURM_DIR: clusterDir, NETC_SLURM_PORT: String(17000 + (process.pid % 500) * 2) };

function startCluster(): string | undefined {
  const installed = ['slurmctld', 'slurmd', 'munged', 'sbatch'].every((c) => spawnSync('sh', ['-c', `PATH=$PATH:/usr/sbin command -v ${c}`]).status === 0);
  if (!installed) return 'Slurm is not installed (apt-get install slurmctld slurmd slurm-client munge; .ci/run does)';
  if (process.getuid?.() !== 0) return 'the local Slurm cluster needs root (slurmd starts jobs as their users)';
  const r = spawnSync(join(root, 'scripts/slurm/start-local-cluster.sh'), { env, encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0) return `the local Slurm cluster did not start: ${r.stderr.trim()}`;
  process.env.SLURM_CONF = join(clusterDir, 'slurm.conf');
  return undefined;
}

// npm test leaves this suite out (helpers/scale.ts): then the cluster is not even started
const skip = FULL ? startCluster() : undefined;
if (skip) process.stderr.write(`test/sweep/slurm.test.ts skipped: ${skip}\n`);

const json = (path: string) => JSON.parse(readFileSync(path, 'utf8'));
/** a trial's figures without its timings, which differ from run to run */
const figures = (t: { epochs: Record<string, number>[]; test_accuracy: number; test_loss: number; params: number; values: unknown; seed: number }) => ({
  values: t.values,
  seed: t.seed,
  params: t.params,
  test: [t.test_loss, t.test_accuracy],
  epochs: t.epochs.map(({ seconds: _s, images_per_s: _r, ...rest }) => rest),
});

(skip === undefined ? slowDescribe : describe.skip)('netc sweep --executor slurm', () => {
  const file = tinySweep(`  grid:\n    h.units: [4, 12]\n  seeds: [1, 2]\n  epochs: 2\n`);
  const onSlurm = join(file, '..', 'slurm');
  const local = join(file, '..', 'local');

  beforeAll(() => execFileSync('sinfo', ['-h'], { env: process.env }));
  afterAll(() => {
    spawnSync(join(root, 'scripts/slurm/stop-local-cluster.sh'), { env });
    delete process.env.SLURM_CONF;
  });

  it('runs the trials as one job array and gives the results of a local run', async () => {
    const r = await runCli(['sweep', file, '--out', onSlurm, '--executor', 'slurm', '--max-parallel', '2', '--no-progress']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Slurm job \d+ has ended$/m);
    expect(readFileSync(join(onSlurm, 'slurm', 'sweep.sbatch'), 'utf8')).toMatch(/^#SBATCH --array=0-3%2$/m);
    expect((await runCli(['sweep', file, '--out', local, '--no-progress'])).code).toBe(0);
    const a = json(join(onSlurm, 'results.json'));
    const b = json(join(local, 'results.json'));
    expect(a.trials.map((t: { state: string }) => t.state)).toEqual(['done', 'done', 'done', 'done']);
    expect(a.trials.map(figures)).toEqual(b.trials.map(figures));
  }, 300_000);

  it('submits nothing once every trial is done', async () => {
    const r = await runCli(['sweep', file, '--out', onSlurm, '--executor', 'slurm', '--no-progress']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('4 already done');
    expect(r.stdout).not.toMatch(/^Slurm job \d+/m);
  });
});
