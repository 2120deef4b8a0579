/**
 * Every refusal of `netc export --format tfjs`, one small spec each: what a Layers model cannot
 * express is a NETC8001 at its place in the spec (found in the spec's text by this test), and
 * parameters that do not fit the spec are a NETC7002. Removing any one check from
 * src/interop/tfjs-export.ts makes its case fail. In-process, without TensorFlow.js.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { analyze } from '../../src/driver/analyze.js';
import { exportTfjs } from '../../src/interop/tfjs-export.js';
import { registerTally } from '../ir/tally-op.js';

const PROTOTYPES = join(process.cwd(), 'specs/rbf-digits.txt');

function specFile(text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'netc-export-refusals-')), 'spec.yaml');
  writeFileSync(file, text);
  return file;
}

/** Where `needle` starts in the text, line and column from 1; `skip` characters further on (to a value). */
function placeOf(text: string, needle: string, skip = 0): { line: number; column: number } {
  const lines = text.split('\n');
  const line = lines.findIndex((l) => l.includes(needle));
  expect(line, `'${needle}' in the spec`).toBeGreaterThanOrEqual(0);
  return { line: line + 1, column: lines[line]!.indexOf(needle) + skip + 1 };
}
/** a key: where its name starts */
const key = (text: string, k: string) => placeOf(text, `${k}:`);
/** an op: where its value starts */
const op = (text: string, name: string) => placeOf(text, `op: ${name}`, 4);

function exported(text: string, params: Record<string, Float32Array> = {}) {
  const file = specFile(text);
  const a = analyze(file, { training: false });
  expect(a.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return { file, r: exportTfjs({ loaded: a.loaded!, graph: a.graph!, params, netcVersion: 'test', paramsFrom: 'ckpt' }) };
}

const head = (input = '[4, 4, 2]') => `netc: 1\nname: r\ninput: { shape: ${input} }\n`;

interface Case {
  readonly spec: string;
  /** each refusal: its place, and what it says */
  readonly want: readonly { at: (text: string) => { line: number; column: number }; says: string }[];
}

const CASES: Record<string, Case> = {
  'preprocess, at its key': {
    spec: `${head('[28, 28, 1]')}preprocess: { pad: 2, range: [-0.1, 1.175] }\nlayers:\n  - { name: flat, op: flatten }\n  - { name: out, op: dense, units: 10, activation: softmax }\n`,
    want: [{ at: (t) => key(t, 'preprocess'), says: "'preprocess' has no TensorFlow.js Layers equivalent (a Layers model takes the images as they are" }],
  },
  'a subsample layer, at its op': {
    spec: `${head()}layers:\n  - { name: s, op: subsample, pool: 2 }\n  - { name: flat, op: flatten }\n`,
    want: [{ at: (t) => op(t, 'subsample'), says: "layer 's' (subsample) has no TensorFlow.js Layers equivalent (the 1998 paper's trainable subsampling" }],
  },
  'an rbf layer and the rbf_map loss, each at its place': {
    spec: `${head('[28, 28, 1]')}layers:\n  - { name: flat, op: flatten }\n  - { name: f6, op: dense, units: 84, activation: tanh }\n  - { name: out, op: rbf, units: 10, prototypes: ${PROTOTYPES} }\ntrain:\n  dataset: mnist\n  loss: rbf_map\n`,
    want: [
      { at: (t) => op(t, 'rbf'), says: "layer 'out' (rbf) has no TensorFlow.js Layers equivalent (the 1998 paper's Euclidean RBF units" },
      { at: (t) => key(t, 'loss'), says: "the loss 'rbf_map' has no TensorFlow.js Layers equivalent (its network's prediction is softmax(−y)" },
    ],
  },
  'a connection table, at its key': {
    spec: `${head()}layers:\n  - name: c\n    op: conv2d\n    filters: 2\n    kernel: 1\n    connections:\n      - [0]\n      - [0, 1]\n  - { name: flat, op: flatten }\n`,
    want: [{ at: (t) => key(t, 'connections'), says: "layer 'c' (conv2d) with 'connections' has no TensorFlow.js Layers equivalent (Keras's Conv2D reads every input channel)" }],
  },
  'a conv2d dilated and strided at once, at its dilation': {
    spec: `${head('[9, 9, 1]')}layers:\n  - { name: c, op: conv2d, filters: 2, kernel: 3, dilation: 2, stride: 2 }\n  - { name: flat, op: flatten }\n`,
    want: [{ at: (t) => key(t, 'dilation'), says: "layer 'c' (conv2d) with a dilation and a stride above 1 has no TensorFlow.js Layers equivalent (Keras's Conv2D takes strides or a dilation_rate above 1, not both)" }],
  },
  'scaled_tanh as an activation, at its key': {
    spec: `${head()}layers:\n  - { name: flat, op: flatten }\n  - { name: d, op: dense, units: 3, activation: scaled_tanh }\n`,
    want: [{ at: (t) => key(t, 'activation'), says: "layer 'd' (dense) with scaled_tanh has no TensorFlow.js Layers equivalent (Keras has no 1.7159·tanh(2x/3) activation)" }],
  },
  'elu of alpha 0.5, at its alpha': {
    spec: `${head()}layers:\n  - { name: flat, op: flatten }\n  - { name: d, op: dense, units: 3, activation: elu, alpha: 0.5 }\n`,
    want: [{ at: (t) => key(t, 'alpha'), says: "layer 'd' (dense) with elu of alpha 0.5 has no TensorFlow.js Layers equivalent (TensorFlow.js's elu and ELU layer have alpha 1 only)" }],
  },
  'scaled_tanh as a function, at its key': {
    spec: `${head()}layers:\n  - { name: flat, op: flatten }\n  - { name: a, op: activation, fn: scaled_tanh }\n`,
    want: [{ at: (t) => key(t, 'fn'), says: "layer 'a' (activation) with scaled_tanh has no TensorFlow.js Layers equivalent" }],
  },
  'an op the exporter has no transform for, at its op': {
    spec: `${head()}layers:\n  - { name: t, op: tally }\n  - { name: flat, op: flatten }\n`,
    want: [{ at: (t) => op(t, 'tally'), says: "layer 't' (tally) has no TensorFlow.js Layers equivalent (netc does not know how to write it)" }],
  },
};

describe('netc export refuses what a Layers model cannot say', () => {
  // a layer registered by the test, as a plugin would: the exporter has never heard of it
  beforeAll(registerTally);

  it.each(Object.entries(CASES))('%s', (_, c) => {
    const { file, r } = exported(c.spec);
    expect(Array.isArray(r), 'refused').toBe(true);
    const got = (r as Exclude<typeof r, { modelJson: unknown }>).map((d) => ({ code: d.code, file: d.loc?.file, line: d.loc?.line, column: d.loc?.column, message: d.message }));
    const want = c.want.map((w) => ({ code: 'NETC8001', file, ...w.at(c.spec), message: expect.stringContaining(w.says) }));
    expect(got).toEqual(want);
  });

  it('looks only at what the output depends on: a subsample layer beside it is no reason to refuse', () => {
    const spec = `${head()}layers:\n  - { name: flat, op: flatten }\n  - { name: out, op: dense, units: 2 }\n  - { name: s, op: subsample, pool: 2, inputs: [input] }\noutput: out\n`;
    const params = { 'out.w': new Float32Array(64), 'out.b': new Float32Array(2) };
    const { r } = exported(spec, params);
    expect(Array.isArray(r) ? r.map((d) => d.message) : r.modelJson.modelTopology.config.layers.map((l) => l.name)).toEqual(['input', 'flat', 'out']);
  });
});

describe('netc export refuses parameters that do not fit the spec (NETC7002)', () => {
  const spec = `${head()}layers:\n  - { name: c, op: conv2d, filters: 3, kernel: 2 }\n  - { name: flat, op: flatten }\n  - { name: out, op: dense, units: 2 }\n`;
  const fits = { 'c.w': new Float32Array(2 * 2 * 2 * 3), 'c.b': new Float32Array(3), 'out.w': new Float32Array(27 * 2), 'out.b': new Float32Array(2) };

  it('takes parameters of the right sizes', () => {
    const { r } = exported(spec, fits);
    expect(Array.isArray(r) ? r.map((d) => d.message) : r.modelJson.weightsManifest[0]!.weights.map((w) => `${w.name} ${w.shape.join('×')}`)).toEqual([
      'c/kernel 2×2×2×3',
      'c/bias 3',
      'out/kernel 27×2',
      'out/bias 2',
    ]);
  });

  it.each([
    ['missing', { 'c.b': undefined }, 'c.b'],
    ['one value short', { 'out.w': new Float32Array(53) }, 'out.w'],
    ['one value long', { 'c.w': new Float32Array(25) }, 'c.w'],
  ])('a parameter %s, named', (_, change, name) => {
    const params = Object.fromEntries(Object.entries({ ...fits, ...change }).filter(([, v]) => v !== undefined)) as Record<string, Float32Array>;
    const { r } = exported(spec, params);
    expect(Array.isArray(r) && r.map((d) => [d.code, d.message])).toEqual([
      ['NETC7002', `checkpoint ckpt: does not hold parameters of the right size for ${name}; it does not fit its own spec`],
    ]);
  });
});
