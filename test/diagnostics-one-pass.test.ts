/**
 * Issue 16's diagnostics, checked as data beside the fixtures' baselines: the Keras table and the
 * names that are never typos, indentation mistakes found on the lines, a variant's error moved to
 * its edit with the base as related information, and the note on a possible consequence.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { suggest } from '../src/diagnostics/suggest.js';
import { indentMistakes } from '../src/spec/indentation.js';
import { analyze } from '../src/driver/analyze.js';

const ACTIVATIONS = ['linear', 'tanh', 'scaled_tanh', 'relu', 'sigmoid', 'softmax', 'leaky_relu', 'elu', 'gelu', 'swish', 'softplus'];
const OPS = ['conv2d', 'depthwise_conv2d', 'avgpool2d', 'maxpool2d', 'global_avgpool2d', 'global_maxpool2d', 'dense', 'flatten', 'dropout', 'activation', 'add', 'concat', 'pad', 'batchnorm'];

describe('suggestions', () => {
  it.each([
    ['AveragePooling2D', OPS, 'avgpool2d'],
    ['MaxPooling2D', OPS, 'maxpool2d'],
    ['GlobalAveragePooling2D', OPS, 'global_avgpool2d'],
    ['BatchNormalization', OPS, 'batchnorm'],
    ['DepthwiseConv2D', OPS, 'depthwise_conv2d'],
    ['Concatenate', OPS, 'concat'],
    ['kernel_size', ['kernel', 'filters', 'stride'], 'kernel'],
    ['pool_size', ['pool', 'stride', 'padding'], 'pool'],
    ['strides', ['pool', 'stride', 'padding'], 'stride'],
    ['kernel_regularizer', ['kernel', 'l2', 'use_bias'], 'l2'],
    ['lr', ['name', 'learning_rate', 'beta1'], 'learning_rate'],
    ['Adam', ['sgd', 'adam', 'adamw'], 'adam'],
    ['RMSprop', ['sgd', 'adam', 'rmsprop'], 'rmsprop'],
    ['silu', ACTIVATIONS, 'swish'],
  ])('%s → %s', (word, candidates, want) => expect(suggest(word, candidates)).toBe(want));

  it('a Keras name maps only to a candidate of the place: kernel_size is no key of a pooling layer', () => {
    expect(suggest('kernel_size', ['pool', 'stride', 'padding'])).toBeUndefined();
  });

  it.each(['selu', 'relu6', 'hard_sigmoid', 'mish'])('%s, another real function, gets no suggestion', (fn) => {
    expect(suggest(fn, ACTIVATIONS)).toBeUndefined();
  });

  it.each(['nadam', 'adamax', 'adagrad'])('%s, another optimizer, is not a typo of one netc has', (name) => {
    expect(suggest(name, ['sgd', 'momentum', 'adam', 'adamw', 'rmsprop'])).toBeUndefined();
  });

  it.each(['conv1d', 'conv3d', 'Conv2DTranspose', 'LayerNormalization'])('%s, another layer, is not a typo of one netc has', (op) => {
    expect(suggest(op, OPS)).toBeUndefined();
  });

  it('real typos still get the name: tahn, rleu, sigmod, fliters', () => {
    expect(suggest('tahn', ACTIVATIONS)).toBe('tanh');
    expect(suggest('rleu', ACTIVATIONS)).toBe('relu');
    expect(suggest('sigmod', ACTIVATIONS)).toBe('sigmoid');
    expect(suggest('fliters', ['filters', 'kernel'])).toBe('filters');
  });

  it('a two-letter name is matched within one edit only: s2 is not c1', () => {
    expect(suggest('s2', ['c1', 'flat', 'out'])).toBeUndefined();
    expect(suggest('c2', ['c1', 'flat', 'out'])).toBe('c1');
  });
});

describe('indentation mistakes', () => {
  const lines = (...ls: string[]) => ls.join('\n') + '\n';

  it.each([
    ['a key under one that has its value', lines('train:', '  dataset: mnist', '    epochs: 3'), 'over', 3, 5, 'column 3, like line 2'],
    ['a key left of its siblings', lines('train:', '  dataset: mnist', ' epochs: 3'), 'unaligned', 3, 2, 'column 3, like line 2 (or column 1, like line 1)'],
    ['a list item deeper than the one before', lines('layers:', '  - { name: a }', '   - { name: b }'), 'over', 3, 4, 'column 3, like line 2'],
    ['a block layer key under a key with a value', lines('layers:', '  - name: c1', '    op: conv2d', '      filters: 6'), 'over', 4, 7, 'column 5, like line 3'],
    ['a tab', lines('train:', '\tdataset: mnist'), 'tab', 2, 1, 'spaces'],
  ])('%s', (_, text, kind, line, column, fix) => {
    const [m, ...rest] = indentMistakes(text);
    expect(rest).toEqual([]);
    expect(m).toMatchObject({ kind, line, column });
    expect(m!.fix).toContain(fix);
  });

  it('finds nothing in well-indented YAML, block scalars and flow mappings over several lines', () => {
    expect(indentMistakes(lines('a: 1', 'b:', '  c: |', '      free text', '    more', '  d: { e: 1,', '         f: 2 }', '  g:', '    - 1', '    - h: 2', '      i: 3'))).toEqual([]);
  });
});

describe('a variant blamed for what it breaks in its base', () => {
  const dir = mkdtempSync(join(tmpdir(), 'netc-blame-'));
  const lenet = resolve('specs/lenet5.yaml');

  it('points at the remove, with the base layer as related information', () => {
    const file = join(dir, 'v.yaml');
    writeFileSync(file, `netc: 1\nname: v\nextends: ${lenet}\nremove: [flat]\n`);
    const [d, ...rest] = analyze(file).diagnostics;
    expect(rest).toEqual([]);
    expect(d).toMatchObject({ code: 'NETC4004', loc: { file, line: 4, column: 10 } });
    expect(d!.related).toEqual([{ message: "the base's layer 'f5', which remove: [flat] changes, is here", loc: expect.objectContaining({ file: lenet, line: 15, column: 21 }) }]);
  });

  it("leaves the base's own mistake in the base", () => {
    const base = join(dir, 'base.yaml');
    writeFileSync(base, 'netc: 1\nname: b\ninput: { shape: [28, 28, 1] }\nlayers:\n  - { name: c1, op: conv2d, filters: 6, kernel: 5 }\n  - { name: out, op: dense, units: 10, activation: softmax }\n');
    const file = join(dir, 'v2.yaml');
    writeFileSync(file, `netc: 1\nname: v2\nextends: ./base.yaml\npatch:\n  c1: { filters: 8 }\n`);
    const ds = analyze(file).diagnostics;
    expect(ds.map((d) => [d.code, d.loc?.file, d.loc?.line])).toEqual([['NETC4004', join(dir, 'base.yaml'), 6]]);
  });
});

describe('every error in one run', () => {
  const dir = mkdtempSync(join(tmpdir(), 'netc-one-run-'));

  it('marks an error downstream of a left-out attribute as a possible consequence, pointing at it', () => {
    const file = join(dir, 'c.yaml');
    writeFileSync(file, 'netc: 1\nname: c\ninput: { shape: [28, 28, 1] }\nlayers:\n  - { name: flat, op: flatten }\n  - { name: out, op: dense, units: 10, activaton: softmax }\ntrain: { dataset: mnist }\n');
    const ds = analyze(file).diagnostics;
    expect(ds.map((d) => d.code)).toEqual(['NETC5003', 'NETC2001']);
    expect(ds[0]!.related).toEqual([{ message: 'this may follow from the error here; fix that one first', loc: expect.objectContaining({ line: 6, column: 40 }) }]);
    expect(ds[1]!.related).toBeUndefined();
  });

  it('does not lower what reads a layer the schema rejected, and says nothing about it', () => {
    const file = join(dir, 'skip.yaml');
    writeFileSync(file, 'netc: 1\nname: s\ninput: { shape: [28, 28, 1] }\nlayers:\n  - { name: c1, op: conv3d, filters: 6 }\n  - { name: out, op: dense, units: 10, activation: softmax }\n');
    expect(analyze(file).diagnostics.map((d) => d.code)).toEqual(['NETC2005']);
  });
});
