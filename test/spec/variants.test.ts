/**
 * `extends`, `patch`, `insert_after` and `remove`: the shipped variants resolve to the networks
 * they describe, and every value keeps the position of the file that wrote it.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze } from '../../src/driver/analyze.js';
import { loadSpec } from '../../src/spec/load.js';

describe('shipped variants', () => {
  it('lenet5-relu-maxpool swaps activations and pooling and keeps the rest', () => {
    const { loaded } = loadSpec('specs/lenet5-relu-maxpool.yaml');
    const layers = loaded!.spec.layers;
    expect(layers.map((l) => [l.name, l.op, l.activation ?? null])).toEqual([
      ['c1', 'conv2d', 'relu'],
      ['s2', 'maxpool2d', null],
      ['c3', 'conv2d', 'relu'],
      ['s4', 'maxpool2d', null],
      ['flat', 'flatten', null],
      ['f5', 'dense', 'relu'],
      ['f6', 'dense', 'relu'],
      ['out', 'dense', 'softmax'],
    ]);
    expect(loaded!.spec.train).toEqual({
      dataset: 'mnist',
      loss: 'categorical_crossentropy',
      optimizer: { name: 'adam', learning_rate: 0.001 },
      batch_size: 128,
      epochs: 10,
      seed: 1,
    });
    expect(analyze('specs/lenet5-relu-maxpool.yaml').summary!.params).toBe(44426);
  });

  it('lenet5-wide widens, inserts dropout after f6, and merges train', () => {
    const a = analyze('specs/lenet5-wide.yaml');
    expect(a.ok).toBe(true);
    const names = a.summary!.layers.map((l) => l.name);
    expect(names).toEqual(['c1', 's2', 'c3', 's4', 'flat', 'f5', 'f6', 'drop', 'out']);
    // c1: 5·5·1·16+16; c3: 5·5·16·32+32; f5: 5·5·32·256+256; f6: 256·128+128; out: 128·10+10
    expect(a.summary!.params).toBe(416 + 12832 + 205056 + 32896 + 1290);
    expect(a.loaded!.spec.train!.optimizer).toEqual({ name: 'adam', learning_rate: 0.0005 });
    expect(a.loaded!.spec.train!.epochs).toBe(10);
  });

  it('patched values point into the variant, inherited ones into the base', () => {
    const { loaded } = loadSpec('specs/lenet5-relu-maxpool.yaml');
    const act = loaded!.map.locate(['layers', 0, 'activation']);
    const filters = loaded!.map.locate(['layers', 0, 'filters']);
    expect(act.file).toBe('specs/lenet5-relu-maxpool.yaml');
    expect(filters.file).toBe('specs/lenet5.yaml');
    expect(filters.line).toBe(10);
  });
});

describe('editing a base', () => {
  const dir = mkdtempSync(join(tmpdir(), 'netc-extends-'));
  writeFileSync(
    join(dir, 'base.yaml'),
    `netc: 1
name: base
input: { shape: [28, 28, 1] }
layers:
  - { name: c1, op: conv2d, filters: 4, kernel: 3, activation: relu }
  - { name: flat, op: flatten }
  - { name: out, op: dense, units: 10, activation: softmax }
train: { dataset: mnist, epochs: 3 }
`,
  );

  it('remove and insert_after renumber the layers and keep positions right', () => {
    writeFileSync(
      join(dir, 'v.yaml'),
      `netc: 1
name: v
extends: ./base.yaml
remove: [c1]
insert_after:
  flat:
    - { name: hidden, op: dense, units: 0 }
`,
    );
    const a = analyze(join(dir, 'v.yaml'));
    expect(a.diagnostics.map((d) => [d.code, d.loc!.file.endsWith('v.yaml'), d.loc!.line, d.loc!.column])).toEqual([['NETC2006', true, 7, 41]]);
  });

  it('null in a patch removes an attribute', () => {
    writeFileSync(join(dir, 'n.yaml'), `netc: 1\nname: n\nextends: ./base.yaml\npatch:\n  c1: { activation: null }\n`);
    const { loaded } = loadSpec(join(dir, 'n.yaml'));
    expect(loaded!.spec.layers[0]).toEqual({ name: 'c1', op: 'conv2d', filters: 4, kernel: 3 });
  });

  it('top-level mappings merge key by key and lists are replaced', () => {
    writeFileSync(join(dir, 'm.yaml'), `netc: 1\nname: m\nextends: ./base.yaml\ntrain: { epochs: 7 }\n`);
    const { loaded } = loadSpec(join(dir, 'm.yaml'));
    expect(loaded!.spec.train).toEqual({ dataset: 'mnist', epochs: 7 });
    expect(loaded!.spec.name).toBe('m');
  });

  it('remove and insert_after name unknown layers with a suggestion', () => {
    writeFileSync(join(dir, 'u.yaml'), `netc: 1\nname: u\nextends: ./base.yaml\nremove: [c2]\ninsert_after:\n  flatt: []\n`);
    const a = analyze(join(dir, 'u.yaml'));
    expect(a.diagnostics.map((d) => [d.code, d.loc!.line, d.message])).toEqual([
      ['NETC6003', 4, expect.stringMatching(/remove names layer 'c2'.*did you mean 'c1'/)],
      ['NETC6003', 6, expect.stringMatching(/insert_after names layer 'flatt'.*did you mean 'flat'/)],
    ]);
  });
});
