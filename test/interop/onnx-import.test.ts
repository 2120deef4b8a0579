/**
 * `netc import-onnx` on ONNX models netc did not write, built here node by node as PyTorch's
 * exporter writes them (NCHW input, Gemm with transB, Flatten of a CHW image, MatMul then Add,
 * a Reshape from a Constant, BatchNormalization, global pooling): netc's network from the spec
 * and checkpoint predicts what ONNX Runtime predicts from the file. And each refusal: a node
 * netc has no equivalent for is a NETC8103 naming it and its op type, every one of them; a file
 * that is not an ONNX model, or of an opset netc does not read, is a NETC8102.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze } from '../../src/driver/analyze.js';
import { importOnnx } from '../../src/interop/onnx-import.js';
import { AttrType, DataType, encodeModel, type AttributeProto, type ModelProto, type NodeProto, type TensorProto } from '../../src/interop/onnx-proto.js';
import { runCli } from '../helpers/cli.js';
import { randomBatch } from '../helpers/gradcheck.js';
import { compileAndImport, specFile } from '../helpers/modules.js';
import { maxDiff, runOnnx } from '../helpers/onnx-runtime.js';

/** Compiling a module takes seconds, the first far more (and more again on a busy machine): each test gets minutes. */
const SLOW = { timeout: 240_000 };

let seed = 99;
const random = (n: number) => Float32Array.from({ length: n }, () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648 - 0.5) * 0.6);

/** A small graph builder: nodes with attributes, float initializers of random values. */
class Onnx {
  readonly nodes: NodeProto[] = [];
  readonly init: TensorProto[] = [];
  node(op: string, inputs: string[], output: string, attrs: Record<string, number | number[]> = {}): string {
    const attribute: AttributeProto[] = Object.entries(attrs).map(([name, v]) =>
      Array.isArray(v) ? { name, type: AttrType.INTS, ints: v } : Number.isInteger(v) ? { name, type: AttrType.INT, i: v } : { name, type: AttrType.FLOAT, f: v },
    );
    this.nodes.push({ op_type: op, name: output, input: inputs, output: [output], attribute });
    return output;
  }
  weight(name: string, dims: number[], values = random(dims.reduce((a, d) => a * d, 1))): string {
    this.init.push({ name, dims, data_type: DataType.FLOAT, float_data: Array.from(values) });
    return name;
  }
  model(input: number[], output: string, classes: number, opset = 17): Uint8Array {
    const dims = (d: (number | string)[]) => ({ dim: d.map((x) => (typeof x === 'string' ? { dim_param: x } : { dim_value: x })) });
    const info = (name: string, d: (number | string)[]) => ({ name, type: { tensor_type: { elem_type: DataType.FLOAT, shape: dims(d) } } });
    const m: ModelProto = {
      ir_version: 8,
      opset_import: [{ domain: '', version: opset }],
      producer_name: 'a test',
      graph: { name: 'foreign', node: this.nodes, initializer: this.init, input: [info('x', ['N', ...input])], output: [info(output, ['N', classes])] },
    };
    return encodeModel(m);
  }
}

function save(bytes: Uint8Array): string {
  const file = join(mkdtempSync(join(tmpdir(), 'netc-onnx-import-')), 'model.onnx');
  writeFileSync(file, bytes);
  return file;
}

/** NHWC images as NCHW. */
function nchw(images: Float32Array, n: number, h: number, w: number, c: number): Float32Array {
  const out = new Float32Array(images.length);
  for (let i = 0; i < n; i++) for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) for (let k = 0; k < c; k++) out[((i * c + k) * h + y) * w + x] = images[((i * h + y) * w + x) * c + k]!;
  return out;
}

/** The model imported, compiled with its weights, predicting NHWC images; and ONNX Runtime on the same images as NCHW. */
async function bothPredict(bytes: Uint8Array, [h, w, c]: [number, number, number], n = 6): Promise<{ yaml: string; ours: Float32Array; theirs: Float32Array }> {
  const back = importOnnx(save(bytes), {}, 'test');
  if (Array.isArray(back)) throw new Error(back.map((d) => d.message).join('\n'));
  const images = randomBatch(8, n, [h, w, c], 2).images;
  const { module } = await compileAndImport(specFile(back.yaml), { inferBatch: 16 });
  const model = module.createModel({ threads: 1 });
  model.setParameters(back.params);
  const ours = model.predict(images);
  model.close();
  return { yaml: back.yaml, ours, theirs: await runOnnx(bytes, nchw(images, n, h, w, c), [n, c, h, w]) };
}

describe('ONNX models as PyTorch writes them', SLOW, () => {
  it('Conv, Relu, MaxPool, Flatten of a CHW image, Gemm with transB, Softmax', async () => {
    const g = new Onnx();
    let x = g.node('Conv', ['x', g.weight('conv1.weight', [4, 2, 3, 3]), g.weight('conv1.bias', [4])], 'conv1', { kernel_shape: [3, 3], pads: [1, 1, 1, 1], strides: [1, 1] });
    x = g.node('Relu', [x], 'relu1');
    x = g.node('MaxPool', [x], 'pool1', { kernel_shape: [2, 2], strides: [2, 2] });
    x = g.node('Flatten', [x], 'flatten', { axis: 1 });
    x = g.node('Gemm', [x, g.weight('fc.weight', [5, 4 * 4 * 3]), g.weight('fc.bias', [5])], 'fc', { transB: 1 });
    x = g.node('Softmax', [x], 'probs', { axis: -1 });
    const r = await bothPredict(g.model([2, 8, 6], x, 5), [8, 6, 2]);
    expect(r.yaml).toContain('input: { shape: [8, 6, 2] }');
    expect(r.yaml).toContain('  - { name: conv1, op: conv2d, filters: 4, kernel: 3, padding: 1, activation: relu }');
    expect(r.yaml).toContain('  - { name: fc, op: dense, units: 5, activation: softmax }');
    expect(maxDiff(r.ours, r.theirs)).toBeLessThan(1e-5);
  });

  it('BatchNormalization, depthwise Conv, Concat, Add, GlobalAveragePool, Reshape from a Constant, MatMul + Add, LeakyRelu', async () => {
    const g = new Onnx();
    const c = g.node('Conv', ['x', g.weight('c.w', [3, 1, 3, 3])], 'c', { kernel_shape: [3, 3], pads: [1, 1, 1, 1], group: 1 });
    const bn = g.node('BatchNormalization', [c, g.weight('bn.scale', [3]), g.weight('bn.b', [3]), g.weight('bn.mean', [3]), g.weight('bn.var', [3], Float32Array.of(0.5, 1.2, 0.9))], 'bn', { epsilon: 1e-5 });
    const dw = g.node('Conv', [bn, g.weight('dw.w', [6, 1, 3, 3]), g.weight('dw.b', [6])], 'dw', { kernel_shape: [3, 3], pads: [1, 1, 1, 1], group: 3 });
    const cat = g.node('Concat', [bn, bn], 'cat', { axis: 1 });
    const sum = g.node('Add', [dw, cat], 'sum');
    const act = g.node('LeakyRelu', [sum], 'act', { alpha: 0.1 });
    const gap = g.node('GlobalAveragePool', [act], 'gap');
    g.nodes.push({ op_type: 'Constant', name: 'shape', input: [], output: ['shape'], attribute: [{ name: 'value', type: AttrType.TENSOR, t: { dims: [2], data_type: DataType.INT64, int64_data: [-1, 6] } }] });
    const flat = g.node('Reshape', [gap, 'shape'], 'flat');
    const mm = g.node('MatMul', [flat, g.weight('fc.w', [6, 4])], 'mm');
    const out = g.node('Add', [mm, g.weight('fc.b', [4])], 'fc');
    const r = await bothPredict(g.model([1, 7, 5], out, 4), [7, 5, 1]);
    expect(r.yaml).toContain('  - { name: dw, op: depthwise_conv2d, kernel: 3, padding: same, depth_multiplier: 2 }');
    expect(r.yaml).toContain('  - { name: mm, op: dense, units: 4 }');
    expect(maxDiff(r.ours, r.theirs)).toBeLessThan(1e-5);
  });
});

describe('refusals', SLOW, () => {
  it('names every node netc has no equivalent for, with its op type', () => {
    const g = new Onnx();
    const c = g.node('Conv', ['x', g.weight('c.w', [2, 1, 3, 3])], 'c', { kernel_shape: [3, 3] });
    const m = g.node('Mul', [c, c], 'square');
    const r = g.node('Relu', [m], 'relu');
    const f = g.node('Flatten', [r], 'flat');
    const h = g.node('HardSigmoid', [f], 'hard');
    const r2 = importOnnx(save(g.model([1, 5, 5], h, 18)), {}, 'test');
    expect(Array.isArray(r2)).toBe(true);
    const ds = r2 as { code: string; message: string }[];
    expect(ds.map((d) => d.code)).toEqual(['NETC8103', 'NETC8103']);
    expect(ds[0]!.message).toMatch(/^ONNX node 'square' \(Mul\) has no netc equivalent: netc imports Conv, Gemm, MatMul/);
    expect(ds[1]!.message).toMatch(/^ONNX node 'hard' \(HardSigmoid\) has no netc equivalent/);
  });

  it('says why a node of an op netc has does not fit', () => {
    const g = new Onnx();
    const p = g.node('AveragePool', ['x'], 'pool', { kernel_shape: [2, 2], pads: [1, 1, 1, 1], count_include_pad: 1 });
    const r = importOnnx(save(g.model([1, 6, 6], g.node('Flatten', [p], 'flat'), 16)), {}, 'test');
    expect(Array.isArray(r) && r.map((d) => d.message)).toEqual([
      "ONNX node 'pool' (AveragePool) has no netc equivalent: netc pads as 'same' does, not by [1, 1, 1, 1] (top, bottom, left, right)",
    ]);
  });

  it('refuses a file that is not an ONNX model, and an opset netc does not read', () => {
    const garbage = importOnnx(save(new TextEncoder().encode('netc: 1\nname: not-onnx\n')), {}, 'test');
    expect(Array.isArray(garbage) && garbage[0]!.code).toBe('NETC8102');
    const g = new Onnx();
    const old = importOnnx(save(g.model([1, 4, 4], g.node('Flatten', ['x'], 'flat'), 16, 9)), {}, 'test');
    expect(Array.isArray(old) && old[0]!.message).toMatch(/uses opset 9; netc reads opsets 13 to 21/);
  });

  it("the 1998 paper's LeNet-5: its scaled tanh, subsampling, RBF and preprocessing have no netc import", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'netc-onnx-1998-'));
    const { module } = await compileAndImport('specs/lenet5-1998.yaml', { inferBatch: 16 });
    const model = module.createModel({ seed: 1, threads: 1 });
    const { exportOnnx } = await import('../../src/interop/onnx-export.js');
    const a = analyze('specs/lenet5-1998.yaml', { training: false });
    const r = exportOnnx({ graph: a.graph!, params: model.getParameters(), netcVersion: 'test', paramsFrom: 'test' });
    model.close();
    if (Array.isArray(r)) throw new Error('no export');
    writeFileSync(join(dir, 'model.onnx'), encodeModel(r.model));
    const cli = await runCli(['import-onnx', join(dir, 'model.onnx'), '-o', join(dir, 'back', 'spec.yaml')]);
    expect(cli.code).toBe(1);
    // the range's Mul, each scaled tanh's two, each subsampling's, the RBF's Unsqueeze, Sub, Mul and ReduceSum, the posterior's Mul
    const refused = [...cli.stderr.matchAll(/error NETC8103: ONNX node '([^']+)' \((\w+)\)/g)].map((m) => `${m[1]} ${m[2]}`);
    expect(refused).toHaveLength(20);
    expect(refused).toEqual(expect.arrayContaining(['input.range/scaled Mul', 'c1.scaled_tanh/sx Mul', 's2/scaled Mul', 'out/x Unsqueeze', 'out/difference Sub', 'out ReduceSum']));
    expect(cli.stderr).not.toMatch(/at \w+ \(/); // a diagnostic, not a stack trace
  });
});

describe('netc import-onnx on the command line', () => {
  it('a file that is not there is a diagnostic, exit 1', async () => {
    const r = await runCli(['import-onnx', 'no/such/model.onnx', '-o', join(mkdtempSync(join(tmpdir(), 'netc-onnx-cli-')), 'spec.yaml')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/error NETC8102: no\/such\/model\.onnx: cannot be read \(ENOENT\)/);
  });
});
