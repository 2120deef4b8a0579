/**
 * Test accuracy over seeds: trains each spec once per seed through the CLI, as a user would
 * (`netc train SPEC --seed S`), the specs alternating within each seed so that a machine that
 * gets busier part-way slows every spec alike, and prints a table: mean, σ (over seeds, n − 1),
 * range, and the median training time. The README's results come from it.
 *
 *   npx tsx scripts/accuracy/seeds.ts --seeds 1-5 specs/lenet5.yaml specs/lenet5-bn.yaml
 *   npx tsx scripts/accuracy/seeds.ts --seeds 1-3 specs/lenet5-1998-distorted.yaml
 *
 * `--threads N` is passed on to each run: the same seed trains to the same bits on any number of
 * threads, so the accuracies do not depend on it. Each run's folder stays under --out (default:
 * a new folder in the system's temporary folder), with `seeds.json` beside them: every run's
 * seed, test accuracy and seconds.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { parseArgs } from 'node:util';

interface Run {
  readonly spec: string;
  readonly seed: number;
  readonly accuracy: number;
  /** training seconds, summed over epochs (evaluation and compilation left out) */
  readonly seconds: number;
}

const { values, positionals: specs } = parseArgs({
  allowPositionals: true,
  options: { seeds: { type: 'string', default: '1-5' }, out: { type: 'string' }, threads: { type: 'string' } },
});
if (specs.length === 0) {
  process.stderr.write('usage: tsx scripts/accuracy/seeds.ts [--seeds 1-5] [--out DIR] [--threads N] SPEC...\n');
  process.exit(2);
}
const seeds = seedList(values.seeds!);
const out = values.out ?? mkdtempSync(join(tmpdir(), 'netc-seeds-'));
// the same seed gives the same bits on any number of threads: --threads 1 wastes least on a busy machine
const extra = values.threads ? ['--threads', values.threads] : [];

const runs: Run[] = [];
for (const seed of seeds) {
  for (const spec of specs) {
    const dir = join(out, `${basename(spec, '.yaml')}-seed${seed}`);
    execFileSync(process.execPath, ['bin/netc.js', 'train', spec, '--seed', String(seed), '-o', dir, ...extra], { stdio: ['ignore', 'ignore', 'inherit'] });
    const metrics = JSON.parse(readFileSync(join(dir, 'metrics.json'), 'utf8')) as { epochs: { seconds: number }[]; test: { accuracy: number } };
    const run = { spec, seed, accuracy: metrics.test.accuracy, seconds: metrics.epochs.reduce((s, e) => s + e.seconds, 0) };
    runs.push(run);
    process.stderr.write(`${spec} seed ${seed}: test accuracy ${pct(run.accuracy)}, ${run.seconds.toFixed(1)} s of training\n`);
    const tmp = join(out, 'seeds.json.tmp');
    writeFileSync(tmp, JSON.stringify(runs, null, 2) + '\n');
    renameSync(tmp, join(out, 'seeds.json'));
  }
}

process.stdout.write(`| spec | seeds | test accuracy: mean | σ | range | training time (median) |\n| --- | ---: | ---: | ---: | ---: | ---: |\n`);
for (const spec of specs) {
  const mine = runs.filter((r) => r.spec === spec);
  const acc = mine.map((r) => r.accuracy);
  const mean = acc.reduce((a, b) => a + b, 0) / acc.length;
  const sd = acc.length > 1 ? Math.sqrt(acc.reduce((s, a) => s + (a - mean) ** 2, 0) / (acc.length - 1)) : 0;
  const time = median(mine.map((r) => r.seconds));
  process.stdout.write(`| ${spec} | ${values.seeds} | ${pct(mean)} | ${(sd * 100).toFixed(2)} | ${pct(Math.min(...acc))}–${pct(Math.max(...acc))} | ${time.toFixed(1)} s |\n`);
}
process.stdout.write(`\nruns: ${out}\n`);

function seedList(text: string): number[] {
  const m = /^(\d+)-(\d+)$/.exec(text);
  if (m) return Array.from({ length: Number(m[2]) - Number(m[1]) + 1 }, (_, i) => Number(m[1]) + i);
  return text.split(',').map(Number);
}

function pct(x: number): string {
  return `${(x * 100).toFixed(2)}%`;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}
