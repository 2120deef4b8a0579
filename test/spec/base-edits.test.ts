/**
 * A variant's edits of its base (`extends` with `remove`, `insert_after`, `patch`, and top-level
 * keys that merge or replace), alone and together: the layers that result, where each value is
 * said to be written (the file, line and column found in the files' text here), and the
 * diagnostic for each edit that cannot be applied.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../src/diagnostics/diagnostics.js';
import { loadSpec } from '../../src/spec/load.js';

const dir = mkdtempSync(join(tmpdir(), 'netc-base-edits-'));
const files = new Map<string, string>();
function write(name: string, text: string): string {
  const path = join(dir, name);
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, text);
  files.set(path, text);
  return path;
}

/** Where `needle` is written in `file`: the `nth` (from 1) line holding it, and its column. */
function where(file: string, needle: string, nth = 1): { file: string; line: number; column: number } {
  const lines = files.get(file)!.split('\n');
  const hits = lines.flatMap((l, i) => (l.includes(needle) ? [i] : []));
  const i = hits[nth - 1]!;
  return { file, line: i + 1, column: lines[i]!.indexOf(needle) + 1 };
}

const place = (d: { loc?: { file: string; line: number; column: number } }) => ({ file: d.loc!.file, line: d.loc!.line, column: d.loc!.column });
const brief = (d: Diagnostic) => ({ code: d.code, message: d.message, ...place(d) });

const BASE = write(
  'base/base.yaml',
  `netc: 1
name: base
input: { shape: [8, 8, 1] }
layers:
  - { name: c1, op: conv2d, filters: 2, kernel: 3, activation: relu }
  - { name: flat, op: flatten }
  - { name: out, op: dense, units: 3, activation: softmax }
train: { dataset: mnist, epochs: 2, optimizer: { name: sgd, learning_rate: 0.1 } }
`,
);
// a base that is not a whole spec by itself: it has no layers
write('base/partial.yaml', 'netc: 1\nname: partial\ninput: { shape: [8, 8, 1] }\n');

const variant = (name: string, body: string) => write(name, `netc: 1\nname: v\nextends: ./base/base.yaml\n${body}`);

describe('edits alone', () => {
  it('remove: the other layers keep their places in the base', () => {
    const f = variant('remove.yaml', 'remove: [c1]\n');
    const { loaded, diagnostics } = loadSpec(f);
    expect(diagnostics).toEqual([]);
    expect(loaded!.spec.layers.map((l) => l.name)).toEqual(['flat', 'out']);
    expect(loaded!.map.locate(['layers', 1, 'units'])).toMatchObject(where(BASE, '3, activation: softmax'));
    expect(loaded!.map.locate(['layers', 0, 'op'], 'key')).toMatchObject(where(BASE, 'op: flatten'));
    // the base's third layer is gone, positions and all; the rest of the spec is where it was
    expect(loaded!.map.get(['layers', 2])).toBeUndefined();
    expect(loaded!.map.locate(['train', 'dataset'])).toMatchObject(where(BASE, 'mnist'));
    expect(loaded!.map.locate([])).toMatchObject({ file: f, line: 1, column: 1 });
  });

  it('insert_after: new layers point into the variant, the ones after them into the base', () => {
    const f = variant('insert.yaml', 'insert_after:\n  flat:\n    - { name: h, op: dense, units: 4 }\n');
    const { loaded } = loadSpec(f);
    expect(loaded!.spec.layers.map((l) => l.name)).toEqual(['c1', 'flat', 'h', 'out']);
    expect(loaded!.map.locate(['layers', 2, 'units'])).toMatchObject(where(f, '4 }'));
    expect(loaded!.map.locate(['layers', 3, 'units'])).toMatchObject(where(BASE, '3, activation: softmax'));
    expect(loaded!.map.locate(['layers', 0, 'filters'])).toMatchObject(where(BASE, '2, kernel'));
  });

  it('patch: a changed attribute points into the variant, null removes one', () => {
    const f = variant('patch.yaml', 'patch:\n  out: { units: 5 }\n  c1: { activation: null }\n');
    const { loaded } = loadSpec(f);
    expect(loaded!.spec.layers[2]).toEqual({ name: 'out', op: 'dense', units: 5, activation: 'softmax' });
    expect(loaded!.spec.layers[0]).toEqual({ name: 'c1', op: 'conv2d', filters: 2, kernel: 3 });
    expect(loaded!.map.locate(['layers', 2, 'units'])).toMatchObject(where(f, '5 }'));
    expect(loaded!.map.locate(['layers', 2, 'activation'])).toMatchObject(where(BASE, 'softmax'));
  });

  it('a mapping merges key by key, each value keeping the file that wrote it', () => {
    const f = variant('merge.yaml', 'train: { epochs: 3, optimizer: { learning_rate: 0.5 } }\n');
    const { loaded } = loadSpec(f);
    expect(loaded!.spec.train).toEqual({ dataset: 'mnist', epochs: 3, optimizer: { name: 'sgd', learning_rate: 0.5 } });
    expect(loaded!.map.locate(['train', 'epochs'])).toMatchObject(where(f, '3,'));
    expect(loaded!.map.locate(['train', 'optimizer', 'learning_rate'])).toMatchObject(where(f, '0.5'));
    expect(loaded!.map.locate(['train', 'optimizer', 'name'])).toMatchObject(where(BASE, 'sgd'));
    expect(loaded!.map.locate(['train', 'dataset'])).toMatchObject(where(BASE, 'mnist'));
    expect(loaded!.map.locate(['layers', 2, 'units'])).toMatchObject(where(BASE, '3, activation: softmax'));
    expect(loaded!.map.locate([])).toMatchObject({ file: f, line: 1, column: 1 });
  });
});

describe('edits together', () => {
  it('remove, then insert_after (also after a layer just inserted), then patch (also of an inserted layer)', () => {
    const f = variant(
      'all.yaml',
      `remove: [c1]
insert_after:
  flat:
    - { name: h1, op: dense, units: 6 }
  h1:
    - { name: h2, op: dense, units: 5 }
patch:
  h2: { activation: relu }
  out: { units: 4 }
`,
    );
    const { loaded, diagnostics } = loadSpec(f);
    expect(diagnostics).toEqual([]);
    expect(loaded!.spec.layers).toEqual([
      { name: 'flat', op: 'flatten' },
      { name: 'h1', op: 'dense', units: 6 },
      { name: 'h2', op: 'dense', units: 5, activation: 'relu' },
      { name: 'out', op: 'dense', units: 4, activation: 'softmax' },
    ]);
    expect(loaded!.map.locate(['layers', 2, 'activation'])).toMatchObject(where(f, 'relu'));
    expect(loaded!.map.locate(['layers', 2, 'units'])).toMatchObject(where(f, '5 }'));
    expect(loaded!.map.locate(['layers', 3, 'units'])).toMatchObject(where(f, '4 }'));
    expect(loaded!.map.locate(['layers', 3, 'activation'])).toMatchObject(where(BASE, 'softmax'));
    expect(loaded!.map.locate(['layers', 0, 'op'])).toMatchObject(where(BASE, 'flatten'));
  });

  it('layers replaced by the variant, then edited', () => {
    const f = variant('replace.yaml', 'layers:\n  - { name: a, op: flatten }\n  - { name: b, op: dense, units: 2 }\nremove: [a]\npatch:\n  b: { units: 7 }\n');
    const { loaded } = loadSpec(f);
    expect(loaded!.spec.layers).toEqual([{ name: 'b', op: 'dense', units: 7 }]);
    expect(loaded!.map.locate(['layers', 0, 'op'])).toMatchObject(where(f, 'dense'));
  });

  it('every layer removed: the empty list is reported where the base wrote the list', () => {
    const f = variant('empty.yaml', 'remove: [c1, flat, out]\n');
    expect(loadSpec(f).diagnostics.map(brief)).toEqual([
      { code: 'NETC2008', message: "'layers' must have at least 1 item (it has 0)", ...where(BASE, '- { name: c1') },
    ]);
  });

  it('a base without layers, and a variant that adds none: the missing key is the variant’s to add', () => {
    const f = write('no-layers.yaml', 'netc: 1\nname: v\nextends: ./base/partial.yaml\n');
    expect(loadSpec(f).diagnostics.map(brief)).toEqual([{ code: 'NETC2002', message: "the spec needs the key 'layers'", file: f, line: 1, column: 1 }]);
  });

  it('a base without input, and a variant that removes a layer: the missing key is still the variant’s to add', () => {
    write('base/no-input.yaml', 'netc: 1\nname: b\nlayers:\n  - { name: a, op: flatten }\n  - { name: b, op: flatten }\n');
    const f = write('no-input.yaml', 'netc: 1\nname: v\nextends: ./base/no-input.yaml\nremove: [a]\n');
    expect(loadSpec(f).diagnostics.map(brief)).toEqual([{ code: 'NETC2002', message: "the spec needs the key 'input'", file: f, line: 1, column: 1 }]);
  });

  it('a base without layers, and a variant that removes nothing from them: an empty list', () => {
    const f = write('remove-none.yaml', 'netc: 1\nname: v\nextends: ./base/partial.yaml\nremove: []\n');
    expect(loadSpec(f).diagnostics.map(brief)).toEqual([
      { code: 'NETC2008', message: "'layers' must have at least 1 item (it has 0)", file: f, line: 1, column: 1 },
    ]);
  });

  // Issue 16: every error in one run. The failed remove leaves the base's layers as they were, so
  // the patch's own mistake is checked and reported beside it, not after the remove is fixed.
  it('an edit that fails does not hide the mistakes of the edits after it', () => {
    const f = variant('stop.yaml', 'remove: [nope]\npatch:\n  out: { units: -1 }\n');
    expect(loadSpec(f).diagnostics.map((d) => [d.code, d.loc?.file, d.loc?.line])).toEqual([
      ['NETC6003', f, 4],
      ['NETC2006', f, 6],
    ]);
  });
});

describe('edits that cannot be applied', () => {
  it('edits of the wrong kind', () => {
    const f = variant('kinds.yaml', 'remove: c1\ninsert_after: [flat]\npatch: [out]\n');
    expect(loadSpec(f).diagnostics.map(brief)).toEqual([
      { code: 'NETC2003', message: "'remove' must be a list of layer names, not string", ...where(f, 'c1') },
      { code: 'NETC2003', message: "'insert_after' must be a mapping from layer name to a list of new layers, not object", ...where(f, '[flat]') },
      { code: 'NETC2003', message: "'patch' must be a mapping from layer name to the attributes to change, not object", ...where(f, '[out]') },
    ]);
  });

  it('insert_after and patch entries of the wrong kind, and a patch that renames', () => {
    const f = variant('entries.yaml', 'insert_after:\n  flat: { name: h, op: flatten }\npatch:\n  c1: 3\n  flat:\n  out: { name: o, units: 4 }\n');
    expect(loadSpec(f).diagnostics.map(brief)).toEqual([
      { code: 'NETC2003', message: "insert_after of 'flat' must be a list of layers, not object", ...where(f, '{ name: h') },
      { code: 'NETC2003', message: "patch of 'c1' must be a mapping of attributes to change, not number", ...where(f, '3') },
      { code: 'NETC2003', message: "patch of 'flat' must be a mapping of attributes to change, not empty", ...where(f, 'flat:', 2), column: 8 },
      {
        code: 'NETC6007',
        message: "patch cannot rename layer 'out'; other layers refer to it by name. Remove 'name' from the patch",
        ...where(f, 'name: o'),
      },
    ]);
  });

  it('extends that is not a path', () => {
    for (const [value, shown] of [['42', '42'], ["''", '""'], ['[a]', '["a"]'], ['', 'null']]) {
      const f = write('bad-extends.yaml', `netc: 1\nname: v\nextends: ${value}\n`);
      expect(loadSpec(f).diagnostics.map(brief)).toEqual([
        { code: 'NETC2003', message: `'extends' must be the path of a base spec, not ${shown}`, file: f, line: 3, column: 10 },
      ]);
    }
  });

  it('extends naming a folder or a device', () => {
    const folder = write('ext-folder.yaml', 'netc: 1\nname: v\nextends: ./base\n');
    expect(loadSpec(folder).diagnostics.map((d) => d.message)).toEqual(["'extends' names './base', which is a folder, not a spec file"]);
    const device = write('ext-device.yaml', 'netc: 1\nname: v\nextends: /dev/null\n');
    expect(loadSpec(device).diagnostics.map((d) => d.message)).toEqual(["'extends' names '/dev/null', which is a device, pipe or socket, not a spec file"]);
  });

  it('a cycle entered from outside it names only the files of the cycle', () => {
    write('cy-a.yaml', 'netc: 1\nname: a\nextends: ./cy-b.yaml\n');
    const b = write('cy-b.yaml', 'netc: 1\nname: b\nextends: ./cy-a.yaml\n');
    const top = write('cy-top.yaml', 'netc: 1\nname: top\nextends: ./cy-a.yaml\n');
    const cycle = loadSpec(top).diagnostics.filter((d) => d.code === 'NETC6002');
    expect(cycle.map(brief)).toEqual([
      { code: 'NETC6002', message: "'extends' is circular: cy-a.yaml → cy-b.yaml → cy-a.yaml; a spec cannot extend itself", file: b, line: 3, column: 10 },
    ]);
  });

  it('remove, insert_after or patch without extends: at each key', () => {
    const f = write('no-extends.yaml', 'netc: 1\nname: v\nremove: [a]\nlayers: []\npatch: {}\n');
    expect(loadSpec(f).diagnostics.map(brief)).toEqual([
      { code: 'NETC6005', message: "'remove' changes the layers of a base spec, so it needs 'extends: <base file>' beside it", file: f, line: 3, column: 1 },
      { code: 'NETC6005', message: "'patch' changes the layers of a base spec, so it needs 'extends: <base file>' beside it", file: f, line: 5, column: 1 },
      // issue 16: the schema's errors come in the same run, not after the edits are fixed
      { code: 'NETC2002', message: "the spec needs the key 'input'", file: f, line: 1, column: 1 },
      { code: 'NETC2008', message: "'layers' must have at least 1 item (it has 0)", file: f, line: 4, column: 9 },
    ]);
  });
});
