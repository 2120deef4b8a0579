/**
 * Bit-identical training across refactorings: a fixed number of training steps with a fixed
 * seed and thread count must leave exactly the parameters (and optimizer state) they left when
 * these digests were recorded, before the renovation moved the compiler's folders and gave
 * optimizers and state updates their own homes. A digest changes only when the arithmetic
 * changes; a change that means to alter the arithmetic must say so and record new digests
 * (run with NETC_PRINT_DIGESTS=1 to print them).
 *
 * Two groups: the committed modules of specs/ (what users run), and small networks compiled in
 * the test with each optimizer and with dropout, so the optimizer update and the dropout seed
 * are pinned too.
 */
import { createHash } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Random } from '../../src/runtime/random.js';
import type { CompiledModel } from '../../src/runtime/index.js';
import { compileAndImport, tinySpec, type ModelModule } from '../helpers/modules.js';
import { FULL } from '../helpers/scale.js';

const STEPS = 4;
const print = process.env.NETC_PRINT_DIGESTS === '1';

/** sha256 over the parameters and the optimizer state, by sorted name, as little-endian floats. */
function digest(model: CompiledModel): string {
  const h = createHash('sha256');
  const params = model.getParameters();
  const state = model.getOptimizerState();
  for (const name of Object.keys(params).sort()) {
    h.update(name).update(new Uint8Array(params[name]!.buffer.slice(0)));
    h.update(new Uint8Array(state.buffers[name]!.buffer.slice(0)));
  }
  return h.update(String(state.step)).digest('hex').slice(0, 16);
}

/** STEPS steps on seeded random batches of varying size; returns the digest. */
function train(module: ModelModule, backend: string, threads: number): string {
  const model = module.createModel({ seed: 7, backend, threads });
  try {
    const [h, w, c] = module.info.inputShape as [number, number, number];
    const classes = module.info.classes;
    const rng = new Random(99);
    for (let s = 0; s < STEPS; s++) {
      const n = Math.max(1, module.info.batchSize - 3 * s);
      const images = new Float32Array(n * h * w * c).map(() => rng.next());
      const labels = new Float32Array(n * classes);
      for (let i = 0; i < n; i++) labels[i * classes + rng.below(classes)] = 1;
      model.trainStep(images, labels, n);
    }
    return digest(model);
  } finally {
    model.close();
  }
}

const RUNS = [
  ['fast', 1],
  ['fast', 2],
  ['reference', 1],
] as const;

/** Recorded before the renovation (stop 11's code), per module and backend; every thread count gives the same bits. */
const SPEC_DIGESTS: Record<string, Record<string, string>> = {
  'inception-mini': { fast: 'daae6cf3bce7d226', reference: '709adcb444132871' },
  'lenet5': { fast: 'b883298621b8a518', reference: 'd6414ef78606edce' },
  'lenet5-1998': { fast: 'dad217e229570fb2', reference: '0b7a7d5ef6f6b994' },
  // lenet5-1998's own: its distortions live in the training loop's data path, not in these steps
  'lenet5-1998-distorted': { fast: 'dad217e229570fb2', reference: '0b7a7d5ef6f6b994' },
  // recorded when batch normalization came, to pin its arithmetic from here on
  'lenet5-bn': { fast: '7c873f85b4bab351', reference: 'a6cfa2f4d7696852' },
  'lenet5-relu-maxpool': { fast: '1547121a072b3e08', reference: '67a5dbc79df1661d' },
  'lenet5-wide': { fast: '674323e698f0e4f2', reference: '2d1d8c39849d2cdd' },
  // recorded when it came (batch normalization, no biases, one-cycle and label smoothing live in the training loop, not these steps)
  'mnist-fast': { fast: '6ad67123a6f7d43d', reference: '60df672cc9012924' },
  // recorded when it came, for the benchmark
  'vgg-mini': { fast: 'e3c1cf7b8d6faa97', reference: '4c9bbc3bf6598e1d' },
};

const specs = readdirSync('specs').filter((f) => f.endsWith('.yaml')).map((f) => f.replace(/\.yaml$/, '')).sort();

/** the networks whose reference-backend steps take 8-22 s each: their reference digests are slow end-to-end (helpers/scale.ts) */
const LARGE = ['mnist-fast', 'vgg-mini', 'lenet5-wide'];
const runsOf = (name: string) => (FULL || !LARGE.includes(name) ? RUNS : RUNS.filter(([backend]) => backend !== 'reference'));

describe.each(specs)('training generated/%s.ts', (name) => {
  it.each(runsOf(name))(`gives the recorded parameters after ${STEPS} steps (%s, %i threads)`, async (backend, threads) => {
    const module = (await import(`../../generated/${name}.ts`)) as ModelModule;
    const got = train(module, backend, threads);
    if (print) console.log(`${name} ${backend}/${threads}: '${got}'`);
    expect(got).toBe(SPEC_DIGESTS[name]?.[backend]);
  });
});

const TINY_LAYERS = `  - { name: c1, op: conv2d, filters: 4, kernel: 3, activation: relu }
  - { name: p1, op: maxpool2d, pool: 2 }
  - { name: flat, op: flatten }
  - { name: f1, op: dense, units: 12, activation: tanh }
  - { name: drop, op: dropout, rate: 0.3 }
  - { name: out, op: dense, units: 3, activation: softmax }`;

const OPTIMIZERS: Record<string, string> = {
  sgd: '{ name: sgd, learning_rate: 0.05 }',
  momentum: '{ name: momentum, learning_rate: 0.02, momentum: 0.8 }',
  nesterov: '{ name: momentum, learning_rate: 0.02, nesterov: true }',
  adam: '{ name: adam, learning_rate: 0.01, beta1: 0.8, beta2: 0.99, epsilon: 0.0001 }',
  'adam-defaults': '{ name: adam }',
};

/** Recorded before the renovation, per optimizer and backend. */
const OPTIMIZER_DIGESTS: Record<string, Record<string, string>> = {
  'sgd': { fast: 'cf29d50bfef24fd7', reference: 'afe7e2c2ee1a49ae' },
  'momentum': { fast: '9f8910ebca8dc2fe', reference: '6197a4222fab3712' },
  'nesterov': { fast: 'e9943de00885555d', reference: 'a63e35c30ec9b205' },
  'adam': { fast: '157dd4265beef7c5', reference: '88160858e68eccd7' },
  'adam-defaults': { fast: '01f5d02805c4b8bf', reference: 'a7ab60fcffaeca83' },
};

describe.each(Object.keys(OPTIMIZERS))('a small network with dropout, trained with %s', (opt) => {
  it.each(RUNS)(`gives the recorded parameters after ${STEPS} steps (%s, %i threads)`, async (backend, threads) => {
    const spec = tinySpec({ input: [8, 8, 2], classes: 3, layers: TINY_LAYERS, optimizer: OPTIMIZERS[opt]!, batchSize: 9 });
    const { module } = await compileAndImport(spec);
    const got = train(module, backend, threads);
    if (print) console.log(`${opt} ${backend}/${threads}: '${got}'`);
    expect(got).toBe(OPTIMIZER_DIGESTS[opt]?.[backend]);
  });
});
