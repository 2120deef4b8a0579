/**
 * The 1998 paper's own layers — trainable subsampling, conv2d with a connection table, Euclidean
 * RBF units and the MAP loss, and the spec's preprocessing — against independent truths: float64
 * central finite differences of the loss, and for the connection table, a dense conv2d whose
 * missing connections are held at zero. On both backends.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectClose, feedsFor, finiteDifferences, interpretGradients, maxAbs, randomBatch, sampleIndices, compileWithPasses, type Built } from '../helpers/gradcheck.js';
import { tinySpec } from '../helpers/modules.js';
import { TRAINING_PIPELINE } from '../../src/passes/manager.js';

const BACKENDS = ['fast', 'reference'] as const;

interface BuildOptions {
  input: [number, number, number];
  classes: number;
  loss?: 'rbf_map';
  /** the text of protos.txt beside the spec */
  prototypes?: string;
  /** the spec's preprocess entry, as YAML flow */
  preprocess?: string;
}

async function build(layers: string, opts: BuildOptions): Promise<Built> {
  const spec = tinySpec({ input: opts.input, classes: opts.classes, layers, ...(opts.loss ? { loss: opts.loss } : {}), batchSize: 5 });
  if (opts.prototypes) writeFileSync(join(dirname(spec), 'protos.txt'), opts.prototypes);
  if (opts.preprocess) writeFileSync(spec, readFileSync(spec, 'utf8').replace('layers:\n', `preprocess: ${opts.preprocess}\nlayers:\n`));
  return compileWithPasses(spec, TRAINING_PIPELINE, 4);
}

/** Every trainable parameter's gradient: float64 interpreter vs finite differences, module vs both. */
function checkGradients(built: Built, backend: (typeof BACKENDS)[number], input: readonly [number, number, number], classes: number, n = 3): void {
  const model = built.module.createModel({ seed: 5, backend, threads: 1 });
  // random biases and coefficients, so that none hides behind a zero
  const r = randomBatch(77, 1, [1, 1, 64], 1).images;
  model.setParameters(
    Object.fromEntries(
      built.module.info.parameters
        .filter((p) => p.trainable && (p.name.endsWith('.b') || p.name.endsWith('.coef')))
        .map((p) => [p.name, Float32Array.from({ length: p.shape[0]! }, (_, i) => 0.3 * r[i % r.length]!)]),
    ),
  );
  const { images, labels } = randomBatch(301, n, input, classes);
  const loss32 = model.computeGradients(images, labels, n);
  const ours = model.getGradients();
  const params = model.getParameters();
  const lowered = built.compiled.analysis.graph!;
  const feeds = feedsFor(lowered, images, labels, params);
  const f64 = interpretGradients(built.compiled.train, feeds, n);
  expectClose('loss', [loss32], [f64.loss], 1e-5, 1);
  const trainable = built.module.info.parameters.filter((p) => p.trainable).map((p) => p.name);
  expect(Object.keys(f64.gradients).sort()).toEqual([...trainable].sort());
  for (const name of trainable) {
    const g64 = f64.gradients[name]!;
    expect(maxAbs(g64), `gradient of ${name} is not all zeros`).toBeGreaterThan(0);
    // A weight behind a connection table is a parameter only where connected: there the finite
    // differences are its gradient; elsewhere the gradient must be exactly zero.
    const maskName = built.module.info.parameters.find((p) => p.name === name)!.mask;
    const mask = maskName ? params[maskName]! : undefined;
    if (mask) g64.forEach((v, i) => (mask[i] ? undefined : expect(v === 0, `gradient of ${name}[${i}]`).toBe(true)));
    const idx = sampleIndices(g64, 12, 3).filter((i) => !mask || mask[i]);
    const fd = finiteDifferences(lowered, feeds, name, idx, n);
    expectClose(`float64 gradient of ${name} vs finite differences`, idx.map((i) => g64[i]!), fd, 1e-6, 1e-3);
    expectClose(`float32 gradient of ${name} (${backend}) vs float64`, ours[name]!, g64, 1e-3, 1e-2 * maxAbs(g64));
  }
}

describe.each(BACKENDS)('the 1998 layers on the %s backend', (backend) => {
  it('subsample (with its fused squashing function): every gradient', async () => {
    const built = await build(
      `  - { name: s, op: subsample, pool: 2, activation: scaled_tanh }
  - { name: f, op: flatten }
  - { name: o, op: dense, units: 3, activation: softmax }`,
      { input: [6, 6, 2], classes: 3 },
    );
    expect(built.compiled.train.nodes.find((x) => x.id === 's')!.attrs.activation).toBe('scaled_tanh');
    checkGradients(built, backend, [6, 6, 2], 3);
  });

  it('RBF units with the MAP loss: gradients through the fixed prototypes', async () => {
    const built = await build(
      `  - { name: f, op: flatten }
  - { name: h, op: dense, units: 6, activation: scaled_tanh }
  - { name: out, op: rbf, units: 3, prototypes: protos.txt }`,
      { input: [3, 3, 1], classes: 3, loss: 'rbf_map', prototypes: 'XX.\n.X.\n\n...\nXXX\n\n.X.\nX.X\n' },
    );
    expect(built.module.info.parameters.find((p) => p.name === 'out.w')).toMatchObject({ trainable: false });
    checkGradients(built, backend, [3, 3, 1], 3);
  });

  it('conv2d with a connection table equals a dense conv2d with those weights held at zero', async () => {
    const layers = (table: string) => `  - { name: c, op: conv2d, filters: 4, kernel: 3, activation: tanh${table} }
  - { name: f, op: flatten }
  - { name: o, op: dense, units: 3, activation: softmax }`;
    const table = [[0], [1, 2], [0, 2], [0, 1, 2]];
    const sparse = await build(layers(`, connections: ${JSON.stringify(table)}`), { input: [5, 5, 3], classes: 3 });
    const dense = await build(layers(''), { input: [5, 5, 3], classes: 3 });
    checkGradients(sparse, backend, [5, 5, 3], 3);

    const a = sparse.module.createModel({ seed: 2, backend, threads: 1 });
    const b = dense.module.createModel({ seed: 2, backend, threads: 1 });
    const w = a.getParameters()['c.w']!;
    const connected = (i: number) => table[i % 4]!.includes(Math.floor(i / 4) % 3);
    // disconnected weights start at zero
    w.forEach((v, i) => (connected(i) ? undefined : expect(v === 0).toBe(true)));
    const { 'c.mask': _mask, ...weights } = a.getParameters();
    b.setParameters(weights);
    const { images, labels } = randomBatch(9, 4, [5, 5, 3], 3);
    expect(Array.from(a.predict(images, 4))).toEqual(Array.from(b.predict(images, 4)));
    expect(a.computeGradients(images, labels, 4)).toBe(b.computeGradients(images, labels, 4));
    const ga = a.getGradients()['c.w']!;
    const gb = b.getGradients()['c.w']!;
    ga.forEach((v, i) => expect(connected(i) ? v === gb[i] : v === 0, `c.w gradient [${i}]`).toBe(true));
    expect(gb.some((v, i) => !connected(i) && v !== 0)).toBe(true); // the dense net would move them
    // and after training steps, the disconnected weights are still exactly zero
    for (let s = 0; s < 3; s++) a.trainStep(images, labels, 4);
    a.getParameters()['c.w']!.forEach((v, i) => (connected(i) ? undefined : expect(v === 0).toBe(true)));
  });

  it('preprocess pads with background and maps pixels to the range, inside the module', async () => {
    const layers = `  - { name: f, op: flatten }
  - { name: o, op: dense, units: 2, activation: softmax }`;
    const withPre = await build(layers, { input: [2, 2, 1], classes: 2, preprocess: '{ pad: 1, range: [-0.1, 1.175] }' });
    const plain = await build(layers, { input: [4, 4, 1], classes: 2 });
    const a = withPre.module.createModel({ seed: 1, backend, threads: 1 });
    const b = plain.module.createModel({ seed: 1, backend, threads: 1 });
    b.setParameters(a.getParameters());
    const raw = Float32Array.from([0, 1, 0.5, 0.25]);
    const padded = new Float32Array(16).fill(-0.1);
    [[1, 1, 0], [1, 2, 1], [2, 1, 2], [2, 2, 3]].forEach(([h, w, i]) => (padded[h! * 4 + w!] = -0.1 + 1.275 * raw[i!]!));
    expectClose('prediction', a.predict(raw, 1), b.predict(padded, 1), 1e-6, 1);
  });
});
