/**
 * The optimizer registry: for every registered optimizer (and the hyperparameters that change
 * which kernels and state buffers an update has: RMSprop's momentum and centering), the update
 * the emitter prints into a generated module and the update the interpreter runs from the same
 * entry leave bit-identical parameters and state after a few steps; each default is written
 * once, so a key a spec leaves out compiles to the default the committed JSON Schema shows
 * editors; and an optimizer's name alone (`optimizer: adam`, as Keras accepts) is that
 * optimizer with its defaults.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { interpretUpdate } from '../../src/ir/interpret.js';
import { allOptimizers, DEFAULT_OPTIMIZER, resolveOptimizer } from '../../src/ir/optimizers/index.js';
import { Random } from '../../src/runtime/random.js';
import { compileAndImport, specFile, writeIdxDataset } from '../helpers/modules.js';

const INPUT = [4, 3, 2] as const;
const CLASSES = 3;
const STEPS = 4;

/** A small spec with two trained layers; `optimizer` as YAML flow, or none. */
function spec(optimizer?: string): string {
  const file = specFile(`netc: 1
name: tiny
input: { shape: [${INPUT.join(', ')}] }
layers:
  - { name: flat, op: flatten }
  - { name: h, op: dense, units: 5, activation: tanh }
  - { name: out, op: dense, units: ${CLASSES}, activation: softmax }
train:
  dataset: { idx: { train_images: train-images.idx, train_labels: train-labels.idx, test_images: test-images.idx, test_labels: test-labels.idx } }
  batch_size: 4
${optimizer ? `  optimizer: ${optimizer}\n` : ''}`);
  writeIdxDataset(join(file, '..'), INPUT, CLASSES);
  return file;
}

function batch(rng: Random, n: number): { images: Float32Array; labels: Float32Array } {
  const images = new Float32Array(n * INPUT[0] * INPUT[1] * INPUT[2]).map(() => rng.next() * 2 - 1);
  const labels = new Float32Array(n * CLASSES);
  for (let i = 0; i < n; i++) labels[i * CLASSES + rng.below(CLASSES)] = 1;
  return { images, labels };
}

/** The schema's object for one optimizer, from the committed file editors and ajv read. */
function committedSchema(name: string): { properties: Record<string, { default?: unknown }> } {
  const schema = JSON.parse(readFileSync('specs/netc.schema.json', 'utf8'));
  const mapping = schema.properties.train.properties.optimizer.oneOf.find((o: { type?: string }) => o.type === 'object');
  return mapping.oneOf.find((o: { properties: { name: { const: string } } }) => o.properties.name.const === name);
}

const camel = (key: string) => key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

/** Every optimizer with its defaults, then the settings that give an update other buffers or kernels; a step size large enough to move every weight visibly in a few steps. */
const UPDATES = [
  ...allOptimizers().map((o) => `{ name: ${o.name}, learning_rate: 0.05 }`),
  '{ name: rmsprop, learning_rate: 0.05, momentum: 0.9 }',
  '{ name: rmsprop, learning_rate: 0.05, centered: true }',
  '{ name: rmsprop, learning_rate: 0.05, momentum: 0.5, centered: true, rho: 0.8 }',
  '{ name: adamw, learning_rate: 0.05, weight_decay: 0.5 }',
];

describe.each(UPDATES)('optimizer %s', (optimizer) => {
  it('the generated update and the interpreted update agree bit for bit, step after step', async () => {
    const { module, compiled } = await compileAndImport(spec(optimizer));
    const o = resolveOptimizer(compiled.analysis.loaded!.spec.train!.optimizer);
    const model = module.createModel({ seed: 3, backend: 'reference' }); // the interpreter runs the reference kernels
    try {
      const start = model.getParameters();
      // the interpreter's own parameters and state, carried from step to step
      let ref: ReturnType<typeof interpretUpdate> = Object.fromEntries(Object.entries(start).map(([p, v]) => [p, { param: Float64Array.from(v), state: o.state.map(() => new Float64Array(v.length)) }]));
      const rng = new Random(17);
      for (let step = 1; step <= STEPS; step++) {
        const { images, labels } = batch(rng, 5 - step);
        model.computeGradients(images, labels, 5 - step);
        const grads = model.getGradients();
        ref = interpretUpdate(o, Object.fromEntries(Object.entries(ref).map(([p, r]) => [p, { ...r, gradient: grads[p]! }])), { step, learningRate: model.learningRate, dtype: 'f32' });
        model.applyUpdate();
        const params = model.getParameters();
        const state = model.getOptimizerState();
        for (const [p, r] of Object.entries(ref)) {
          expect(Array.from(params[p]!), `${p} after step ${step}`).toEqual(Array.from(r.param));
          const concatenated = r.state.flatMap((s) => Array.from(s));
          expect(Array.from(state.buffers[p]!), `${p}'s state after step ${step}`).toEqual(concatenated);
        }
      }
      // agreement proves little unless the steps did something: every parameter moved, every state buffer filled
      for (const [p, r] of Object.entries(ref)) {
        expect(r.param.some((v, i) => v !== start[p]![i]), `${p} moved`).toBe(true);
        for (const s of r.state) expect(s.some((v) => v !== 0), `${p}'s state is written`).toBe(true);
      }
      expect(model.getOptimizerState().buffers['h.w']!.length).toBe(o.state.length * INPUT[0] * INPUT[1] * INPUT[2] * 5);
    } finally {
      model.close();
    }
  });
});

describe.each(allOptimizers().map((o) => o.name))('optimizer %s', (name) => {

  it('an omitted key compiles to the default the committed schema shows', async () => {
    const { module } = await compileAndImport(spec(`{ name: ${name} }`));
    const schema = committedSchema(name);
    const defaults = Object.entries(schema.properties).filter(([, p]) => 'default' in p);
    // every hyperparameter has a default, and the module carries each, under its camelCase name
    expect(defaults.map(([key]) => key).sort()).toEqual(Object.keys(schema.properties).filter((k) => k !== 'name' && k !== 'schedule').sort());
    expect(module.info.optimizer).toEqual({ name, ...Object.fromEntries(defaults.map(([key, p]) => [camel(key), p.default])) });
  });
});

describe("an optimizer's name alone", () => {
  it.each(allOptimizers().map((o) => o.name))('%s compiles as the mapping with its name, every default filled in', async (name) => {
    const [short, named] = await Promise.all([compileAndImport(spec(name)), compileAndImport(spec(`{ name: ${name} }`))]);
    expect(short.compiled.analysis.loaded!.spec.train!.optimizer).toEqual({ name });
    expect(short.module.info.optimizer).toEqual(named.module.info.optimizer);
    expect(short.compiled.source!.slice(short.compiled.source!.indexOf('export class'))).toBe(named.compiled.source!.slice(named.compiled.source!.indexOf('export class')));
  });
});

describe('the default optimizer', () => {
  it('is what a spec without an optimizer trains with, with its defaults', async () => {
    const [withNone, named] = await Promise.all([compileAndImport(spec()), compileAndImport(spec(`{ name: ${DEFAULT_OPTIMIZER} }`))]);
    expect(withNone.module.info.optimizer).toEqual(named.module.info.optimizer);
    expect(withNone.compiled.source!.slice(withNone.compiled.source!.indexOf('export class'))).toBe(named.compiled.source!.slice(named.compiled.source!.indexOf('export class')));
  });
});
