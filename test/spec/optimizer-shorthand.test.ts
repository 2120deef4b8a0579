/**
 * `optimizer: adam`, an optimizer's name alone, as Keras accepts one: the loaded spec holds the
 * mapping it stands for (`{ name: adam }`, the name still pointing at where it was written), a
 * variant's mapping merges into a base's name as into that mapping, a variant's name replaces a
 * base's mapping, and a misspelt name gets a did-you-mean at its line and column. (That the
 * compiled module is the mapping's, defaults and all: test/ir/optimizers.test.ts.)
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze } from '../../src/driver/analyze.js';
import { loadSpec } from '../../src/spec/load.js';

const dir = mkdtempSync(join(tmpdir(), 'netc-optimizer-name-'));
function spec(file: string, text: string): string {
  const path = join(dir, file);
  writeFileSync(path, text);
  return path;
}

const base = (optimizer: string) => `netc: 1
name: base
input: { shape: [28, 28, 1] }
layers:
  - { name: flat, op: flatten }
  - { name: out, op: dense, units: 10, activation: softmax }
train:
  dataset: mnist
  optimizer: ${optimizer}
`;

describe("an optimizer's name alone", () => {
  it('loads as the mapping with that name, which points at the name as written', () => {
    const file = spec('short.yaml', base('rmsprop'));
    const { loaded, diagnostics } = loadSpec(file);
    expect(diagnostics).toEqual([]);
    expect(loaded!.spec.train!.optimizer).toEqual({ name: 'rmsprop' });
    expect(loaded!.map.locate(['train', 'optimizer', 'name'])).toMatchObject({ file, line: 9, column: 14 });
  });

  it("takes a variant's mapping as that mapping would: merged key by key", () => {
    const b = spec('base-short.yaml', base('adamw'));
    const v = spec('variant.yaml', `netc: 1\nname: variant\nextends: ./base-short.yaml\ntrain: { optimizer: { learning_rate: 0.01, weight_decay: 0.1 } }\n`);
    const { loaded, diagnostics } = loadSpec(v);
    expect(diagnostics).toEqual([]);
    expect(loaded!.spec.train!.optimizer).toEqual({ name: 'adamw', learning_rate: 0.01, weight_decay: 0.1 });
    expect(loaded!.map.locate(['train', 'optimizer', 'name'])).toMatchObject({ file: b, line: 9 });
    expect(loaded!.map.locate(['train', 'optimizer', 'learning_rate'])).toMatchObject({ file: v, line: 4 });
  });

  it("replaces a base's mapping, as any value replaces a mapping", () => {
    spec('base-long.yaml', base('{ name: adam, learning_rate: 0.01, beta1: 0.8 }'));
    const v = spec('variant-short.yaml', `netc: 1\nname: variant\nextends: ./base-long.yaml\ntrain: { optimizer: sgd }\n`);
    expect(loadSpec(v).loaded!.spec.train!.optimizer).toEqual({ name: 'sgd' });
  });

  it('misspelt, gets a did-you-mean at its line and column', () => {
    const file = spec('misspelt.yaml', base('adamww'));
    const d = analyze(file).diagnostics;
    expect(d.map((x) => [x.code, x.message, x.loc?.line, x.loc?.column])).toEqual([
      ['NETC2004', "'train.optimizer' cannot be 'adamww'; did you mean 'adamw'? use one of: sgd, momentum, adam, adamw, rmsprop", 9, 14],
    ]);
  });

  it('neither a name nor a mapping, says it takes either', () => {
    const d = analyze(spec('number.yaml', base('3'))).diagnostics;
    expect(d.map((x) => [x.code, x.message])).toEqual([
      // issue 16: the two accepted forms by example, not the schema's alternatives
      ['NETC2003', "'train.optimizer' must be an optimizer's name such as 'adam', or a mapping like `{ name: adam, learning_rate: 0.001 }`, not the number 3"],
    ]);
  });
});
