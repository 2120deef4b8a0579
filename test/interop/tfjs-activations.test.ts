/**
 * leaky_relu, elu, gelu, swish and softplus through TensorFlow.js Layers: a network using each,
 * fused into conv2d and dense and as layers of their own, is exported, loaded with
 * tf.loadLayersModel and must predict as netc does; it imports back as a network that predicts
 * bit-identically. leaky_relu is a LeakyReLU layer in Layers (after a linear Conv2D or Dense
 * when it was fused), the others are activations of the same names. Keras's own ways of writing
 * a leaky ReLU (ReLU's negative_slope, Keras 3's negative_slope) import as leaky_relu.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { analyze } from '../../src/driver/analyze.js';
import { exportTfjs, type TfjsExport } from '../../src/interop/tfjs-export.js';
import { importTfjs } from '../../src/interop/tfjs-import.js';
import { toNetcLayer } from '../../src/interop/tfjs-layers.js';
import type { CompiledModel } from '../../src/runtime/index.js';
import { randomBatch } from '../helpers/gradcheck.js';
import { compileAndImport, specFile, type ModelModule } from '../helpers/modules.js';
import { loadLayersModelFrom, predictWith } from '../helpers/tfjs-files.js';
import { useTfCpu } from '../helpers/tfjs-net.js';

const SPEC = `netc: 1
name: activations
input: { shape: [6, 6, 2] }
layers:
  - { name: c1, op: conv2d, filters: 3, kernel: 3, padding: same, activation: leaky_relu, alpha: 0.1 }
  - { name: c2, op: conv2d, filters: 4, kernel: 3, activation: elu }
  - { name: g, op: activation, fn: gelu }
  - { name: l, op: activation, fn: leaky_relu }
  - { name: flat, op: flatten }
  - { name: d1, op: dense, units: 8, activation: swish }
  - { name: d2, op: dense, units: 6, activation: softplus }
  - { name: d3, op: dense, units: 5, activation: gelu }
  - { name: d4, op: dense, units: 4, activation: leaky_relu, alpha: 0.25, inputs: [flat] }
  - { name: e, op: activation, fn: elu, inputs: [d3] }
  - { name: s, op: activation, fn: swish }
  - { name: sp, op: activation, fn: softplus }
  - { name: join, op: concat, inputs: [sp, d4] }
  - { name: out, op: dense, units: 3, activation: softmax }
`;

describe('the new activations, exported for TensorFlow.js and imported back', () => {
  const dir = mkdtempSync(join(tmpdir(), 'netc-export-activations-'));
  const images = randomBatch(5, 9, [6, 6, 2], 3).images.map((v) => 3 * v); // inputs in [−3, 3)
  let module: ModelModule;
  let model: CompiledModel;
  let exported: TfjsExport;

  beforeAll(async () => {
    await useTfCpu();
    const spec = specFile(SPEC);
    module = (await compileAndImport(spec, { inferBatch: 16 })).module;
    model = module.createModel({ seed: 3, backend: 'reference', threads: 1 });
    // biases away from zero, so that no activation sees only its linear part
    model.setParameters(Object.fromEntries(module.info.parameters.filter((p) => p.name.endsWith('.b')).map((p, i) => [p.name, new Float32Array(p.shape[0]!).fill(i % 2 === 0 ? 0.3 : -0.4)])));
    const a = analyze(spec, { training: false });
    const r = exportTfjs({ loaded: a.loaded!, graph: a.graph!, params: model.getParameters(), netcVersion: 'test', paramsFrom: 'test' });
    if (Array.isArray(r)) throw new Error(r.map((d) => d.message).join('\n'));
    exported = r;
    writeFileSync(join(dir, 'model.json'), JSON.stringify(r.modelJson));
    for (const s of r.shards) writeFileSync(join(dir, s.name), s.bytes);
  });

  it('writes leaky_relu as LeakyReLU layers (after a linear Conv2D or Dense when fused), the others as activations', () => {
    const layers = exported.modelJson.modelTopology.config.layers;
    const summary = layers.map((l) => `${l.name}:${l.class_name}:${String(l.config.activation ?? l.config.alpha ?? '')}`);
    expect(summary).toEqual([
      'input:InputLayer:', 'c1:Conv2D:linear', 'c1_leaky_relu:LeakyReLU:0.1', 'c2:Conv2D:elu', 'g:Activation:gelu', 'l:LeakyReLU:0.3', 'flat:Flatten:',
      'd1:Dense:swish', 'd2:Dense:softplus', 'd3:Dense:gelu', 'd4:Dense:linear', 'd4_leaky_relu:LeakyReLU:0.25', 'e:Activation:elu', 's:Activation:swish',
      'sp:Activation:softplus', 'join:Concatenate:', 'out:Dense:softmax',
    ]);
    // what read c1 and d4 reads their LeakyReLU
    const inbound = (name: string) => (layers.find((l) => l.name === name)!.inbound_nodes as unknown[][][])[0]!.map((n) => n[0]);
    expect(inbound('c2')).toEqual(['c1_leaky_relu']);
    expect(inbound('join')).toEqual(['sp', 'd4_leaky_relu']);
  });

  it('loads with tf.loadLayersModel and predicts as netc does, within 1e-5', async () => {
    const theirs = predictWith(await loadLayersModelFrom(join(dir, 'model.json')), images, [6, 6, 2]);
    const ours = model.predict(images);
    expect(theirs.length).toBe(ours.length);
    theirs.forEach((v, i) => expect(Math.abs(v - ours[i]!), `probability ${i}`).toBeLessThan(1e-5));
  });

  it('imports back as a network that predicts bit-identically', async () => {
    const back = importTfjs(join(dir, 'model.json'), { weights: true }, 'test');
    if ('diagnostics' in back) throw new Error(back.diagnostics.map((d) => d.message).join('\n'));
    expect(back.yaml).toContain('  - { name: c1_leaky_relu, op: activation, fn: leaky_relu, alpha: 0.1 }\n');
    expect(back.yaml).toContain('  - { name: l, op: activation, fn: leaky_relu }\n');
    expect(back.yaml).toContain('  - { name: c2, op: conv2d, filters: 4, kernel: 3, activation: elu }\n');
    const { module: m2 } = await compileAndImport(specFile(back.yaml), { inferBatch: 16 });
    const reimported = m2.createModel({ backend: 'reference', threads: 1 });
    reimported.setParameters(back.params!);
    expect(reimported.predict(images)).toEqual(model.predict(images));
  });
});

describe("Keras's other ways of writing a leaky ReLU or an ELU", () => {
  const layer = (className: string, config: Record<string, unknown>) => toNetcLayer({ name: 'x', className, config, inputs: ['f'], at: [] }, 2);
  it.each([
    ['ReLU with negative_slope 0.2', 'ReLU', { negative_slope: 0.2 }, { fn: 'leaky_relu', alpha: 0.2 }],
    ["Keras 3's LeakyReLU, negative_slope 0.3 (the default)", 'LeakyReLU', { negative_slope: 0.3 }, { fn: 'leaky_relu' }],
    ["TensorFlow.js's LeakyReLU, alpha 0.01", 'LeakyReLU', { alpha: 0.01 }, { fn: 'leaky_relu', alpha: 0.01 }],
    ['ELU of alpha 1', 'ELU', { alpha: 1 }, { fn: 'elu' }],
    ["Keras's ELU of alpha 0.5 (which TensorFlow.js itself refuses to load)", 'ELU', { alpha: 0.5 }, { fn: 'elu', alpha: 0.5 }],
  ])('%s', (_what, className, config, attrs) => {
    expect(layer(className, config)).toEqual({ op: 'activation', attrs, weights: [] });
  });
});
