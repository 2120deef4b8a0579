/**
 * `netc bench SPEC...`: training and inference images per second and peak memory of any spec on
 * a backend, as a table (or JSON lines). The measurement is src/driver/bench.ts; with several
 * specs each runs in a process of its own, so that each peak memory is its own.
 */
import { spawnSync } from 'node:child_process';
import { benchSpec, WARMUP_STEPS, type BenchResult } from '../driver/bench.js';
import { backendNames, defaultBackend, DEFAULT_THREADS_HELP, defaultThreads, getBackend } from '../runtime/backend.js';
import { packageFile } from '../runtime/package-root.js';
import { numberOption, parse, UsageError } from './args.js';
import { num } from './output.js';
import { printDiagnostics } from './print-diagnostics.js';
import { profileText, table } from './profile-table.js';

export const DEFAULT_STEPS = 30;

export const benchUsage = `usage: netc bench <spec.yaml>... [options]

Measures how fast each spec trains and predicts: images per second over timed training steps
(after ${WARMUP_STEPS} untimed ones) and over inference on as many images, and the peak memory
(resident set) of the process. The data are synthetic: seeded random images of the spec's input
shape and random labels, so no data set is read (speed does not depend on the pixels). With
several specs, each is measured in a process of its own.

  --backend NAME        ${backendNames().join(', ')} (default: ${defaultBackend.name})
  --threads N           threads for the kernels (${DEFAULT_THREADS_HELP})
  --batch-size N        examples per training step (default: each spec's batch_size)
  --steps N             timed training steps (default: ${DEFAULT_STEPS})
  --profile             also time every kernel call: time per layer and per kernel
  --json                print one JSON object per spec instead of the table`;

export async function runBench(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, {
    backend: { type: 'string' },
    threads: { type: 'string' },
    'batch-size': { type: 'string' },
    steps: { type: 'string' },
    profile: { type: 'boolean' },
    json: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    process.stdout.write(benchUsage + '\n');
    return 0;
  }
  if (positionals.length === 0) throw new UsageError('name the specs to measure');
  const backend = typeof values.backend === 'string' ? values.backend : defaultBackend.name;
  if (!getBackend(backend)) throw new UsageError(`--backend must be ${backendNames().join(' or ')}, not '${backend}'`);
  const threads = numberOption(values, 'threads', { integer: true, min: 1, max: 256 }) ?? defaultThreads();
  const batchSize = numberOption(values, 'batch-size', { integer: true, min: 1, max: 65536 });
  const steps = numberOption(values, 'steps', { integer: true, min: 1, max: 1_000_000 }) ?? DEFAULT_STEPS;
  const profile = values.profile === true;
  const json = values.json === true;

  const results: BenchResult[] = [];
  let status = 0;
  for (const spec of positionals) {
    const r = positionals.length === 1 ? await inProcess(spec) : inChild(spec, argv.filter((a) => !positionals.includes(a)));
    if (typeof r === 'number') status = Math.max(status, r);
    else {
      results.push(r);
      if (json) process.stdout.write(JSON.stringify(r) + '\n');
    }
  }
  if (!json && results.length > 0) process.stdout.write(report(results) + '\n');
  return status;

  async function inProcess(spec: string): Promise<BenchResult | number> {
    const r = await benchSpec(spec, { backend, threads, batchSize, steps, profile });
    if ('diagnostics' in r) {
      printDiagnostics(r.diagnostics, r.sources);
      return 1;
    }
    return r;
  }
}

/** Measure one spec in a new netc process; its diagnostics go to our stderr. */
function inChild(spec: string, options: readonly string[]): BenchResult | number {
  const args = [packageFile('bin', 'netc.js'), 'bench', spec, ...options.filter((a) => a !== '--json'), '--json'];
  const r = spawnSync(process.execPath, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 64 * 1048576 });
  if (r.status !== 0) return r.status ?? 3;
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as BenchResult;
}

function report(results: readonly BenchResult[]): string {
  const rows = results.map((r) => [r.spec, r.backend, String(r.threads), String(r.batchSize), num(Math.round(r.trainImagesPerS)), num(Math.round(r.inferImagesPerS)), num(Math.round(r.peakRssMiB))]);
  const lines = [
    table([['spec', 'backend', 'threads', 'batch', 'train img/s', 'infer img/s', 'peak MiB'], ...rows]),
    `synthetic data; ${results[0]!.steps} timed training steps per spec after ${WARMUP_STEPS} untimed; inference in the module's batches of ${results[0]!.inferBatch}`,
  ];
  for (const r of results) if (r.profile) lines.push('', `${r.spec}:`, profileText(r.profile));
  return lines.join('\n');
}
