/**
 * `netc export --format onnx` checked against ONNX Runtime (onnxruntime-web, in Node): every
 * spec in specs/ on seeded weights (batch normalization's statistics and the biases moved off
 * their initial values, so that a swapped or dropped one shows) predicts the first 1,000 MNIST
 * test images as netc does, within 1e-4, with the same accuracy; the ones of ops ONNX import
 * takes come back through `netc import-onnx` with the same predictions. A LeNet-5 trained with
 * `netc train` goes the whole way through the CLI. A network of every other op is checked on
 * random images, and the flatten → dense ordering is shown to matter.
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { analyze } from '../../src/driver/analyze.js';
import { loadSpecData } from '../../src/driver/data.js';
import { restore } from '../../src/driver/from-checkpoint.js';
import { exportOnnx, ONNX_EXPORTABLE_OPS } from '../../src/interop/onnx-export.js';
import { ACTIVATIONS } from '../../src/ir/ops/activation.js';
import { importOnnx } from '../../src/interop/onnx-import.js';
import { decodeModel, encodeModel, floatValues } from '../../src/interop/onnx-proto.js';
import { runCli } from '../helpers/cli.js';
import { randomBatch } from '../helpers/gradcheck.js';
import { compileAndImport, specFile } from '../helpers/modules.js';
import { argmaxes, maxDiff, runOnnx } from '../helpers/onnx-runtime.js';
import { perturb } from '../helpers/perturb.js';
import { EVERY_OP, untestedOps } from '../helpers/every-op.js';

const tmp = (what: string) => mkdtempSync(join(tmpdir(), `netc-onnx-${what}-`));
const SPECS = readdirSync('specs').filter((f) => f.endsWith('.yaml')).sort().map((f) => `specs/${f}`);
/** The specs of ops with no ONNX import: the 1998 paper's (preprocess, scaled_tanh, subsample, rbf). */
const NOT_IMPORTED = ['specs/lenet5-1998.yaml', 'specs/lenet5-1998-distorted.yaml'];

function exported(spec: string, params: Record<string, Float32Array>): Uint8Array {
  const a = analyze(spec, { training: false });
  const r = exportOnnx({ graph: a.graph!, params, netcVersion: 'test', paramsFrom: 'test' });
  if (Array.isArray(r)) throw new Error(r.map((d) => d.message).join('\n'));
  return encodeModel(r.model);
}

/** The model imported with netc import-onnx's library half, compiled, with its weights: netc's predictions for `images`. */
async function importedPredictions(bytes: Uint8Array, images: Float32Array): Promise<{ yaml: string; predictions: Float32Array }> {
  const file = join(tmp('import'), 'model.onnx');
  writeFileSync(file, bytes);
  const back = importOnnx(file, {}, 'test');
  if (Array.isArray(back)) throw new Error(back.map((d) => d.message).join('\n'));
  const { module } = await compileAndImport(specFile(back.yaml), { inferBatch: 1000 });
  const model = module.createModel({ threads: 1 });
  try {
    model.setParameters(back.params);
    return { yaml: back.yaml, predictions: model.predict(images) };
  } finally {
    model.close();
  }
}

let mnist: { images: Float32Array; classes: ArrayLike<number>; count: number };
beforeAll(() => {
  const a = analyze('specs/lenet5.yaml');
  const data = loadSpecData(a.loaded!, 10, { limit: 0, testLimit: 1000 });
  if ('code' in data) throw new Error(data.message);
  mnist = data.test;
});
/** Compiling a module takes seconds, the first far more (and more again on a busy machine): each test gets minutes. */
const SLOW = { timeout: 240_000 };

const accuracy = (p: Float32Array) => argmaxes(p, 10).filter((c, i) => c === mnist.classes[i]).length / mnist.count;

describe('every spec in specs/, on seeded weights, in ONNX Runtime', SLOW, () => {
  it.each(SPECS)('%s', async (spec) => {
    const { module } = await compileAndImport(spec, { inferBatch: 1000 });
    const model = module.createModel({ seed: 17, threads: 1 });
    try {
      const bytes = exported(spec, perturb(model));
      const theirs = await runOnnx(bytes, mnist.images, [1000, 28, 28, 1]);
      const ours = model.predict(mnist.images);
      expect(maxDiff(theirs, ours)).toBeLessThan(1e-4);
      expect(accuracy(theirs)).toBe(accuracy(ours));
      if (NOT_IMPORTED.includes(spec)) return;
      const back = await importedPredictions(bytes, mnist.images);
      expect(maxDiff(back.predictions, ours)).toBeLessThan(1e-6);
      expect(argmaxes(back.predictions, 10)).toEqual(argmaxes(ours, 10));
    } finally {
      model.close();
    }
  });
});

describe('layouts', SLOW, () => {
  it("catches dense rows left in netc's order after a flatten: ONNX's is (c, h, w)", async () => {
    const { module } = await compileAndImport('specs/lenet5.yaml', { inferBatch: 1000 });
    const model = module.createModel({ seed: 3, threads: 1 });
    const params = model.getParameters();
    const bytes = exported('specs/lenet5.yaml', params);
    const images = mnist.images.subarray(0, 100 * 784);
    const ours = model.predict(images);
    expect(maxDiff(await runOnnx(bytes, images, [100, 28, 28, 1]), ours)).toBeLessThan(1e-4);
    // the same model with f5's rows as netc keeps them: a silently different network
    const onnx = decodeModel(bytes);
    const f5 = onnx.graph.initializer.find((t) => t.name === 'f5.w')!;
    expect(floatValues(f5)).not.toEqual(params['f5.w']);
    f5.raw_data = new Uint8Array(params['f5.w']!.buffer.slice(0));
    expect(maxDiff(await runOnnx(encodeModel(onnx), images, [100, 28, 28, 1]), ours)).toBeGreaterThan(1e-2);
    model.close();
  });
});


describe('every op, on random images', SLOW, () => {
  it('covers every layer and activation the registry has: each is in a shipped spec or in the network below', () => {
    const { layers, activations } = untestedOps([EVERY_OP, ...SPECS.map((f) => readFileSync(f, 'utf8'))]);
    expect(layers, 'layers no ONNX Runtime test exports').toEqual([]);
    expect(activations, 'activations no ONNX Runtime test exports').toEqual([]);
    expect(ONNX_EXPORTABLE_OPS).toEqual(expect.arrayContaining(Object.keys(ACTIVATIONS)));
  });

  it('conv, depthwise and dilated conv, pads, same pools, concat, add, batchnorm, every activation, global pools, a flatten not read by a dense layer', async () => {
    const spec = specFile(EVERY_OP);
    const { module } = await compileAndImport(spec, { inferBatch: 64 });
    const model = module.createModel({ seed: 5, threads: 1 });
    const bytes = exported(spec, perturb(model));
    const images = randomBatch(3, 7, [13, 11, 2], 2).images.map((v) => (v + 1) / 2);
    expect(maxDiff(await runOnnx(bytes, images, [7, 13, 11, 2]), model.predict(images))).toBeLessThan(1e-4);
    // the flatten read by a softplus, not a dense layer: transposed back to NHWC before it
    expect(decodeModel(bytes).graph.node.find((n) => n.output[0] === 'flat/nhwc')?.op_type).toBe('Transpose');
    model.close();
  });

  it('refuses an op it has no ONNX form for, naming the layer at its line', () => {
    const a = analyze('specs/lenet5.yaml', { training: false });
    const graph = { ...a.graph!, nodes: a.graph!.nodes.map((n) => (n.id === 's2' ? { ...n, op: 'mystery_pool' } : n)) };
    const r = exportOnnx({ graph, params: {}, netcVersion: 'test', paramsFrom: 'test' });
    expect(Array.isArray(r)).toBe(true);
    const [d] = r as { code: string; message: string; loc?: { line: number } }[];
    expect(d!.code).toBe('NETC8101');
    expect(d!.message).toBe("layer 's2' (mystery_pool) has no ONNX form that netc writes, so the model cannot be exported as ONNX");
    expect(readFileSync('specs/lenet5.yaml', 'utf8').split('\n')[d!.loc!.line - 1]).toContain('s2');
  });

  it('names the parameters a checkpoint lacks', () => {
    const a = analyze('specs/lenet5.yaml', { training: false });
    const r = exportOnnx({ graph: a.graph!, params: {}, netcVersion: 'test', paramsFrom: 'old.netc' });
    expect(Array.isArray(r) && r[0]!.message).toMatch(/^checkpoint old\.netc: does not hold parameters of the right size for c1\.w, c1\.b, c3\.w/);
  });
});

describe('a LeNet-5 trained with netc train, through the CLI', SLOW, () => {
  const run = tmp('run');
  const file = join(run, 'model.onnx');

  it('exports, predicts 1,000 test images in ONNX Runtime as netc does, and imports back as a run that evaluates the same', async () => {
    const t = await runCli(['train', 'specs/lenet5.yaml', '--limit', '600', '--epochs', '1', '--out', run, '--no-progress']);
    expect(t.code, t.stderr).toBe(0);
    const e = await runCli(['export', run, '--format', 'onnx', '-o', file]);
    expect(e.stderr).toBe('');
    expect(e.code).toBe(0);
    expect(e.stdout).toMatch(/model\.onnx: lenet5 as an ONNX model \(opset 17\), 14 nodes, [\d,]+ bytes\n  input 'input': float32 \[N, 28, 28, 1\], NHWC, pixels in \[0, 1\]/);
    const trained = await restore(run);
    if (Array.isArray(trained)) throw new Error(trained.map((d) => d.message).join('\n'));
    const theirs = await runOnnx(readFileSync(file), mnist.images, [1000, 28, 28, 1]);
    const ours = trained.model.predict(mnist.images);
    const diff = maxDiff(theirs, ours);
    expect(diff).toBeLessThan(1e-4);
    expect(accuracy(theirs)).toBe(accuracy(ours));
    expect(accuracy(ours)).toBeGreaterThan(0.5);
    process.stdout.write(`onnx export: largest probability difference on 1,000 test images ${diff.toExponential(2)}, accuracy ${accuracy(ours)}\n`);

    const dir = tmp('back');
    const i = await runCli(['import-onnx', file, '-o', join(dir, 'spec.yaml')]);
    expect(i.stderr).toBe('');
    expect(i.code).toBe(0);
    expect(i.stdout).toMatch(/spec\.yaml: lenet5, 14 ONNX nodes as 8 netc layers, 44,426 parameters\n.*checkpoint\.netc: its weights/);
    expect(analyze(join(dir, 'spec.yaml')).summary!.layers).toEqual(analyze('specs/lenet5.yaml').summary!.layers);
    const evaluate = async (from: string) => {
      const { checkpoint: _, ...figures } = JSON.parse((await runCli(['eval', from, '--limit', '1000', '--json'])).stdout);
      return figures;
    };
    expect(await evaluate(dir)).toEqual(await evaluate(run));
  });
});
