/**
 * Reproducibility as a matrix, in-process: networks without dropout, with dropout, and with
 * state updates (the test-only tally layer, and batch normalization), several seeds,
 * on the fast and native backends with 1 and 2 threads and on the reference backend. For each:
 *   - the same seed gives the same bits: what was fed, what was reported, where it ended;
 *   - another seed gives another initialization and another batch order (the order itself,
 *     read from the batches the model was fed, not only its effect on the parameters);
 *   - a run stopped mid-epoch or at an epoch boundary, written to a checkpoint file and
 *     continued in a new model from that file, ends with the uninterrupted run's bits.
 *
 * The networks are sized so that their largest calls exceed the threshold of the fast and native
 * backends for splitting over threads (32,768 multiply-adds), so 2 threads really run on 2. The
 * native backend is in the matrix where it was built (test/runtime/native-build.test.ts fails
 * where a compiler is present and it was not).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bitsOf, randomDataset, runResumed, runThrough, type RunSettings } from '../helpers/training-run.js';
import { compileAndImport, tinySpec, type ModelModule } from '../helpers/modules.js';
import { registerTally } from '../ir/tally-op.js';
import { nativeAvailable } from '../../src/runtime/backend.js';
import { Augmenter } from '../../src/runtime/data/augment.js';
import { Batcher } from '../../src/runtime/data/dataset.js';

registerTally();

const INPUT = [10, 10, 1] as const;
const CLASSES = 4;
const BATCH = 8;
/** 36 examples: four full batches and a partial one of 4 per epoch */
const TRAIN = 36;
const BATCHES = 5;
const EPOCHS = 2;
const data = randomDataset(INPUT, CLASSES, TRAIN, 12);

const NETWORKS = {
  plain: `  - { name: c1, op: conv2d, filters: 8, kernel: 3, activation: tanh }
  - { name: flat, op: flatten }
  - { name: out, op: dense, units: ${CLASSES}, activation: softmax }`,
  dropout: `  - { name: flat, op: flatten }
  - { name: h, op: dense, units: 64, activation: tanh }
  - { name: drop, op: dropout, rate: 0.3 }
  - { name: out, op: dense, units: ${CLASSES}, activation: softmax }`,
  tally: `  - { name: t0, op: tally }
  - { name: c1, op: conv2d, filters: 8, kernel: 3, activation: tanh }
  - { name: t1, op: tally }
  - { name: flat, op: flatten }
  - { name: out, op: dense, units: ${CLASSES}, activation: softmax }`,
  // the plain network trained on distorted images: the warps, drawn from (seed, epoch, example),
  // sampled by each backend's affineWarp kernel split over its threads
  augmented: `  - { name: c1, op: conv2d, filters: 8, kernel: 3, activation: tanh }
  - { name: flat, op: flatten }
  - { name: out, op: dense, units: ${CLASSES}, activation: softmax }`,
  batchnorm: `  - { name: c1, op: conv2d, filters: 8, kernel: 3, activation: tanh }
  - { name: bn1, op: batchnorm, momentum: 0.9 }
  - { name: flat, op: flatten }
  - { name: out, op: dense, units: ${CLASSES}, activation: softmax }`,
};
type Net = keyof typeof NETWORKS;

const modules = new Map<Net, Promise<ModelModule>>();
const moduleOf = (net: Net) => {
  if (!modules.has(net)) modules.set(net, compileAndImport(tinySpec({ input: INPUT, classes: CLASSES, layers: NETWORKS[net], batchSize: BATCH })).then((r) => r.module));
  return modules.get(net)!;
};

const SEEDS = [1, 2, 77];
/** steps after which a run stops: mid-epoch 1, the boundary of epochs 1 and 2, mid-epoch 2 */
const STOPS = [
  { after: 3, at: { epoch: 0, batch: 3 } },
  { after: BATCHES, at: { epoch: 1, batch: 0 } },
  { after: BATCHES + 2, at: { epoch: 1, batch: 2 } },
];
interface Config {
  readonly net: Net;
  readonly backend: string;
  readonly threads: number;
  readonly seeds: readonly number[];
  /** the seeds whose runs are stopped and resumed at every one of STOPS */
  readonly resumed: readonly number[];
}
/**
 * Every seed and stop on one thread. Two threads cost a worker's start per model and, on a
 * loaded machine, slow steps (the threads spin while they wait for each other), so they run
 * two seeds and resume one; that they give one thread's bits is checked below, which makes
 * the rest of the matrix hold for them too.
 */
const FAST_BACKENDS = ['fast', ...(nativeAvailable() ? ['native'] : [])];
const MATRIX: Config[] = [
  ...FAST_BACKENDS.flatMap((backend) => [
    ...(['plain', 'dropout', 'tally', 'augmented'] as const).flatMap((net) => [
      { net, backend, threads: 1, seeds: SEEDS, resumed: SEEDS },
      { net, backend, threads: 2, seeds: SEEDS.slice(0, 2), resumed: SEEDS.slice(0, 1) },
    ]),
    // batch normalization, whose moving statistics a resumed run must find in the checkpoint
    { net: 'batchnorm' as const, backend, threads: 1, seeds: SEEDS.slice(0, 2), resumed: SEEDS.slice(0, 2) },
  ]),
  { net: 'dropout', backend: 'reference', threads: 1, seeds: SEEDS.slice(0, 2), resumed: SEEDS.slice(0, 2) },
  { net: 'augmented', backend: 'reference', threads: 1, seeds: SEEDS.slice(0, 2), resumed: SEEDS.slice(0, 1) },
];

const AUGMENT = { shift: 2, rotate: 15, scale: 0.1 };
const settings = (c: Omit<Config, 'seeds' | 'resumed'>, seed: number): RunSettings => ({
  seed,
  epochs: EPOCHS,
  batchSize: BATCH,
  backend: c.backend,
  threads: c.threads,
  ...(c.net === 'augmented' ? { augment: AUGMENT } : {}),
});

/** Uninterrupted runs, made once per (configuration, seed) and compared with by several tests. */
const through = new Map<string, ReturnType<typeof runThrough>>();
const uninterrupted = async (c: Omit<Config, 'seeds' | 'resumed'>, seed: number) => {
  const key = `${c.net} ${c.backend} ${c.threads} ${seed}`;
  if (!through.has(key)) through.set(key, moduleOf(c.net).then((m) => runThrough(m, data, settings(c, seed))));
  return through.get(key)!;
};

const dir = mkdtempSync(join(tmpdir(), 'netc-reproducibility-'));

describe.each(MATRIX)('$net network, $backend backend, $threads thread(s)', (c) => {
  it.each(c.seeds)('seed %i: two runs feed the same batches, report the same numbers and end with the same bits', async (seed) => {
    const a = await uninterrupted(c, seed);
    const b = await runThrough(await moduleOf(c.net), data, settings(c, seed));
    expect(b.rec).toEqual(a.rec);
    expect(b.end).toEqual(a.end);
    // and the run did something: every step was taken and every parameter moved from its start
    expect(a.end.step).toBe(EPOCHS * BATCHES);
    const fresh = (await moduleOf(c.net)).createModel({ seed, backend: c.backend, threads: c.threads });
    for (const [name, v] of Object.entries(fresh.getParameters())) expect(a.end.params[name], name).not.toEqual(bitsOf(v));
    fresh.close();
  });

  it('another seed: another initialization and another batch order', async () => {
    const module = await moduleOf(c.net);
    const runs = await Promise.all(c.seeds.map((seed) => uninterrupted(c, seed)));
    const inits = c.seeds.map((seed) => {
      const m = module.createModel({ seed, backend: c.backend, threads: c.threads });
      const p = m.getParameters();
      m.close();
      return p;
    });
    const random = module.info.parameters.filter((p) => p.init.kind === 'glorot_uniform').map((p) => p.name);
    expect(random.length).toBeGreaterThan(0);
    for (const [i, run] of runs.entries()) {
      // each epoch feeds every example once, in an order of its own
      const orders = [0, 1].map((e) => run.rec.fed.slice(e * BATCHES, (e + 1) * BATCHES).flat());
      for (const order of orders) expect([...order].sort((x, y) => x - y)).toEqual(Array.from({ length: TRAIN }, (_, k) => k));
      expect(orders[1]).not.toEqual(orders[0]);
      for (const [j, other] of runs.entries()) {
        if (j <= i) continue;
        const pair = `seeds ${c.seeds[i]} and ${c.seeds[j]}`;
        for (let e = 0; e < EPOCHS; e++) {
          expect(other.rec.fed.slice(e * BATCHES, (e + 1) * BATCHES).flat(), `${pair}, epoch ${e + 1}`).not.toEqual(orders[e]);
        }
        for (const name of random) expect(bitsOf(inits[j]![name]!), `${pair}, ${name}`).not.toEqual(bitsOf(inits[i]![name]!));
      }
    }
  });

  it.each(c.resumed.flatMap((seed) => STOPS.map((stop) => ({ seed, ...stop }))))(
    'seed $seed, stopped after $after steps and resumed from the checkpoint file: the uninterrupted bits',
    async ({ seed, after, at }) => {
      const whole = await uninterrupted(c, seed);
      const resumed = await runResumed(await moduleOf(c.net), data, settings(c, seed), after, dir);
      expect(resumed.at).toMatchObject({ ...at, step: after });
      expect(resumed.rec.fed).toEqual(whole.rec.fed);
      expect(resumed.rec.steps).toEqual(whole.rec.steps);
      expect(resumed.rec.epochs).toEqual(whole.rec.epochs);
      expect(resumed.end).toEqual(whole.end);
    },
  );
});

describe.each(FAST_BACKENDS)('thread counts on the %s backend', (backend) => {
  it.each(['plain', 'dropout', 'tally', 'augmented'] as const)('%s network: 1 and 2 threads give the same bits', async (net) => {
    for (const seed of SEEDS.slice(0, 2)) {
      const one = await uninterrupted({ net, backend, threads: 1 }, seed);
      const two = await uninterrupted({ net, backend, threads: 2 }, seed);
      expect(two.rec).toEqual(one.rec);
      expect(two.end).toEqual(one.end);
    }
  });
});

describe('the state update', () => {
  it('is among the bits compared: the tally sums end non-zero and differ between seeds (the batch order decides partial sums)', async () => {
    const runs = await Promise.all(SEEDS.map((seed) => uninterrupted({ net: 'tally', backend: 'fast', threads: 1 }, seed)));
    for (const r of runs) for (const s of ['t0.sum', 't1.sum']) expect(r.end.params[s]!.some((bits) => bits !== 0), s).toBe(true);
    expect(runs[1]!.end.params['t1.sum']).not.toEqual(runs[0]!.end.params['t1.sum']);
  });
});

describe('augmentation in training', () => {
  it('changes the run (same examples fed, other bits at the end), on every backend', async () => {
    for (const backend of ['reference', ...FAST_BACKENDS]) {
      const plain = await uninterrupted({ net: 'plain', backend, threads: 1 }, 1);
      const augmented = await uninterrupted({ net: 'augmented', backend, threads: 1 }, 1);
      expect(augmented.rec.fed, backend).toEqual(plain.rec.fed);
      expect(augmented.end.params['c1.w'], backend).not.toEqual(plain.end.params['c1.w']);
    }
  });

  it.each(['reference', ...FAST_BACKENDS])(
    'on the %s backend, a batch with warps gives the gradients of the same batch distorted by the reference kernel beforehand',
    async (backend) => {
      const module = await moduleOf('plain');
      const batcher = new Batcher(data.train, BATCH);
      const augmenter = new Augmenter(AUGMENT, INPUT, 5);
      const n = batcher.gather(Uint32Array.from({ length: TRAIN }, (_, i) => TRAIN - 1 - i), 0, BATCH, augmenter, 1);
      const gradients = (images: Float32Array, warps?: Float32Array) => {
        const m = module.createModel({ seed: 3, backend, threads: 2 });
        m.computeGradients(images, batcher.labels, n, warps);
        const g = m.getGradients();
        m.close();
        return g;
      };
      const warped = gradients(batcher.images, batcher.warps);
      const before = gradients(batcher.distorted(n, INPUT));
      const raw = gradients(batcher.images);
      for (const [name, g] of Object.entries(before)) {
        // the reference samples at the same points in float64, so it is exact; the fast kernels
        // compute the sample points in float32, a few ulps of a pixel apart
        if (backend === 'reference') expect(bitsOf(warped[name]!), name).toEqual(bitsOf(g));
        else {
          const scale = Math.max(...Array.from(g, Math.abs));
          for (let i = 0; i < g.length; i++) expect(Math.abs(warped[name]![i]! - g[i]!), `${name}[${i}]`).toBeLessThanOrEqual(1e-4 * scale);
        }
        expect(bitsOf(raw[name]!), `${name} without the warps`).not.toEqual(bitsOf(g));
      }
    },
  );
});
