/**
 * batchnorm as TensorFlow.js's BatchNormalization, both ways. A netc network trained a few steps
 * (so its moving statistics have moved) is exported, loaded with tf.loadLayersModel and must
 * predict what netc predicts; it imports back as the same spec with bit-identical parameters,
 * states included. A model TensorFlow.js built with its own BatchNormalization layers (momentum,
 * epsilon, center and scale of its own) imports as the netc spec that predicts what it does; an
 * axis netc does not normalize over is refused at its place.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { analyze } from '../../src/driver/analyze.js';
import { exportTfjs } from '../../src/interop/tfjs-export.js';
import { importTfjs } from '../../src/interop/tfjs-import.js';
import { randomBatch } from '../helpers/gradcheck.js';
import { compileAndImport, specFile, tinySpec } from '../helpers/modules.js';
import { loadLayersModelFrom, predictWith, saveLayersModelTo } from '../helpers/tfjs-files.js';
import { useTfCpu } from '../helpers/tfjs-net.js';

const tmp = (what: string) => mkdtempSync(join(tmpdir(), `netc-${what}-`));
const maxDiff = (a: Float32Array, b: Float32Array) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!)), 0);

const LAYERS = `  - { name: c1, op: conv2d, filters: 4, kernel: 3 }
  - { name: bn1, op: batchnorm }
  - { name: r1, op: activation, fn: relu }
  - { name: p1, op: maxpool2d, pool: 2 }
  - { name: flat, op: flatten }
  - { name: d1, op: dense, units: 6, activation: tanh }
  - { name: bn2, op: batchnorm, momentum: 0.9, epsilon: 0.01, center: false }
  - { name: out, op: dense, units: 3, activation: softmax }`;

describe('batchnorm exported as BatchNormalization and imported back', () => {
  beforeAll(useTfCpu);

  it('predicts in TensorFlow.js what netc predicts, with the moving statistics training left, and imports back bit for bit', async () => {
    const spec = tinySpec({ input: [9, 8, 2], classes: 3, layers: LAYERS, batchSize: 8 });
    const { module } = await compileAndImport(spec, { inferBatch: 16 });
    const model = module.createModel({ seed: 4, backend: 'reference', threads: 1 });
    for (let step = 0; step < 5; step++) {
      const { images, labels } = randomBatch(60 + step, 8, [9, 8, 2], 3);
      model.trainStep(images, labels, 8);
    }
    const params = model.getParameters();
    expect(Array.from(params['bn1.moving_mean']!).every((v) => v !== 0)).toBe(true);

    const a = analyze(spec, { training: false });
    const r = exportTfjs({ loaded: a.loaded!, graph: a.graph!, params, netcVersion: 'test', paramsFrom: 'test' });
    if (Array.isArray(r)) throw new Error(r.map((d) => d.message).join('\n'));
    const weights = r.modelJson.weightsManifest[0]!.weights.filter((w) => w.name.startsWith('bn')).map((w) => `${w.name} [${w.shape.join(',')}]`);
    expect(weights).toEqual([
      'bn1/gamma [4]', 'bn1/beta [4]', 'bn1/moving_mean [4]', 'bn1/moving_variance [4]',
      'bn2/gamma [6]', 'bn2/moving_mean [6]', 'bn2/moving_variance [6]',
    ]);
    const dir = tmp('bn-export');
    writeFileSync(join(dir, 'model.json'), JSON.stringify(r.modelJson));
    for (const s of r.shards) writeFileSync(join(dir, s.name), s.bytes);
    const theirs = await loadLayersModelFrom(join(dir, 'model.json'));
    const bn2 = theirs.getLayer('bn2').getConfig();
    expect(bn2).toMatchObject({ axis: -1, momentum: 0.9, epsilon: 0.01, center: false, scale: true });

    const { images } = randomBatch(70, 11, [9, 8, 2], 3);
    const ours = model.predict(images, 11);
    expect(maxDiff(predictWith(theirs, images, [9, 8, 2]), ours)).toBeLessThan(1e-5);

    const back = importTfjs(join(dir, 'model.json'), { weights: true }, 'test');
    if ('diagnostics' in back) throw new Error(back.diagnostics.map((d) => d.message).join('\n'));
    expect(back.yaml).toContain('  - { name: bn1, op: batchnorm }\n');
    expect(back.yaml).toContain('  - { name: bn2, op: batchnorm, momentum: 0.9, epsilon: 0.01, center: false }\n');
    expect(Object.keys(back.params!).sort()).toEqual(Object.keys(params).sort());
    for (const [name, v] of Object.entries(params)) expect(back.params![name], name).toEqual(v);
    const { module: again } = await compileAndImport(specFile(back.yaml), { inferBatch: 16 });
    const reimported = again.createModel({ backend: 'reference', threads: 1 });
    reimported.setParameters(back.params!);
    expect(reimported.predict(images, 11)).toEqual(ours);
    model.close();
    reimported.close();
  });

  it("imports TensorFlow.js's own BatchNormalization layers as the spec that predicts what they do", async () => {
    const rand = (seed: number, shape: number[], lo: number) => tf.randomUniform(shape, lo, lo + 1, 'float32', seed);
    const model = tf.sequential({
      name: 'tfjs_bn',
      layers: [
        tf.layers.conv2d({ inputShape: [7, 7, 1], filters: 3, kernelSize: 3, useBias: true, name: 'conv' }),
        tf.layers.batchNormalization({ momentum: 0.8, epsilon: 1e-5, scale: false, name: 'norm' }),
        tf.layers.activation({ activation: 'relu', name: 'act' }),
        tf.layers.flatten({ name: 'flat' }),
        tf.layers.dense({ units: 4, name: 'dense' }),
        tf.layers.batchNormalization({ name: 'norm2' }),
        tf.layers.activation({ activation: 'softmax', name: 'probs' }),
      ],
    });
    // moving statistics and β away from their initial 0s and 1s
    const norm = model.getLayer('norm');
    norm.setWeights([rand(1, [3], -0.5), rand(2, [3], -0.5), rand(3, [3], 0.5)]);
    const norm2 = model.getLayer('norm2');
    norm2.setWeights([rand(4, [4], 0.5), rand(5, [4], -0.5), rand(6, [4], -0.5), rand(7, [4], 0.5)]);

    const dir = tmp('bn-import');
    const json = await saveLayersModelTo(model, join(dir, 'tfjs'));
    const back = importTfjs(json, { weights: true }, 'test');
    if ('diagnostics' in back) throw new Error(back.diagnostics.map((d) => d.message).join('\n'));
    expect(back.yaml).toContain('  - { name: norm, op: batchnorm, momentum: 0.8, epsilon: 0.00001, scale: false }\n');
    expect(back.yaml).toContain('  - { name: norm2, op: batchnorm }\n');
    expect(Object.keys(back.params!).filter((k) => k.startsWith('norm')).sort()).toEqual([
      'norm.beta', 'norm.moving_mean', 'norm.moving_variance', 'norm2.beta', 'norm2.gamma', 'norm2.moving_mean', 'norm2.moving_variance',
    ]);
    const { module } = await compileAndImport(specFile(back.yaml), { inferBatch: 16 });
    const ours = module.createModel({ backend: 'reference', threads: 1 });
    ours.setParameters(back.params!);
    const { images } = randomBatch(80, 9, [7, 7, 1], 4);
    expect(maxDiff(ours.predict(images, 9), predictWith(model, images, [7, 7, 1]))).toBeLessThan(1e-5);
    ours.close();
  });

  it('refuses a BatchNormalization over another axis than the last, at its axis in model.json', async () => {
    const model = tf.sequential({
      layers: [
        tf.layers.conv2d({ inputShape: [5, 5, 2], filters: 2, kernelSize: 3, name: 'conv' }),
        tf.layers.batchNormalization({ axis: 1, name: 'rows' }),
      ],
    });
    const json = await saveLayersModelTo(model, join(tmp('bn-axis'), 'tfjs'));
    const r = importTfjs(json, { weights: false }, 'test');
    expect('diagnostics' in r).toBe(true);
    const d = (r as { diagnostics: { message: string; loc?: { line: number } }[] }).diagnostics[0]!;
    expect(d.message).toMatch(/'rows' \(BatchNormalization\).*normalizes over the last axis/);
    const line = readFileSync(json, 'utf8').split('\n')[d.loc!.line - 1];
    expect(line).toContain('"axis"');
  });
});
