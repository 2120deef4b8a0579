/**
 * `extends` hazards — cycles, missing bases, chains past the limit, edits naming layers that do
 * not exist, bases that are not spec files, hostile keys — each a diagnostic that points into the
 * file where the fix belongs, at the line to change.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { analyze } from '../../src/driver/analyze.js';
import { MAX_EXTENDS_DEPTH } from '../../src/spec/load.js';
import { Tally } from './tally.js';

const dir = mkdtempSync(join(tmpdir(), 'netc-extends-'));
const write = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};
const tally = new Tally(import.meta.url);
afterAll(() => tally.report());

const BASE = 'netc: 1\nname: base\ninput: { shape: [8, 8, 1] }\nlayers:\n  - { name: flat, op: flatten }\n  - { name: out, op: dense, units: 3, activation: softmax }\n';
write('base.yaml', BASE);

/** Each error as `CODE file:line:col`, with the file's base name. */
function errors(file: string): string[] {
  const a = analyze(file);
  tally.add('extends hazards', { crashed: false, rejected: !a.ok });
  return a.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.code} ${d.loc ? `${basename(d.loc.file)}:${d.loc.line}:${d.loc.column}` : 'nowhere'}`);
}

describe('extends hazards point into the right file', () => {
  it('a cycle of two: at the extends of the file that closes it, and the base error at the other', () => {
    write('a.yaml', 'netc: 1\nname: a\nextends: ./b.yaml\n');
    write('b.yaml', 'netc: 1\nname: b\nextends: ./a.yaml\n');
    expect(errors(join(dir, 'a.yaml'))).toEqual(['NETC6006 a.yaml:3:10', 'NETC6002 b.yaml:3:10']);
    expect(analyze(join(dir, 'a.yaml')).diagnostics.find((d) => d.code === 'NETC6002')!.message).toContain('a.yaml → b.yaml → a.yaml');
  });

  it('a spec that extends itself', () => {
    const f = write('self.yaml', 'netc: 1\nname: self\n\nextends: ./self.yaml\n');
    expect(errors(f)).toEqual(['NETC6002 self.yaml:4:10']);
  });

  it('a missing base two levels down: in the middle file, where the bad path is written', () => {
    write('mid.yaml', 'netc: 1\nname: mid\nextends: ./nowhere.yaml\n');
    const top = write('top.yaml', 'netc: 1\nname: top\nextends: ./mid.yaml\n');
    expect(errors(top)).toEqual(['NETC6001 mid.yaml:3:10', 'NETC6006 top.yaml:3:10']);
  });

  it(`a chain deeper than ${MAX_EXTENDS_DEPTH}: at the extends where it goes past the limit`, () => {
    write('chain0.yaml', BASE);
    for (let i = 1; i <= MAX_EXTENDS_DEPTH + 2; i++) write(`chain${i}.yaml`, `netc: 1\nname: c${i}\nextends: ./chain${i - 1}.yaml\n`);
    const e = errors(join(dir, `chain${MAX_EXTENDS_DEPTH + 2}.yaml`));
    expect(e.filter((x) => x.startsWith('NETC6004'))).toEqual([`NETC6004 chain${2}.yaml:3:10`]);
    expect(e.every((x) => /^NETC600[46] /.test(x))).toBe(true);
    expect(errors(join(dir, `chain${MAX_EXTENDS_DEPTH - 1}.yaml`))).toEqual([]);
  });

  it('patch, insert_after and remove naming layers the base does not have: at each name, in the variant', () => {
    const f = write(
      'edits.yaml',
      'netc: 1\nname: edits\nextends: ./base.yaml\nremove: [nope1]\ninsert_after:\n  nope2:\n    - { name: d, op: dropout, rate: 0.1 }\npatch:\n  nope3: { units: 4 }\n  out: { units: 3 }\n',
    );
    expect(errors(f)).toEqual(['NETC6003 edits.yaml:4:10', 'NETC6003 edits.yaml:6:3', 'NETC6003 edits.yaml:9:3']);
  });

  it('a bad value set by a patch points into the variant; one inherited from the base, into the base', () => {
    write('bad-base.yaml', BASE.replace('units: 3', 'units: -3'));
    const f = write('fix.yaml', 'netc: 1\nname: fix\nextends: ./bad-base.yaml\npatch:\n  flat: { bogus: 1 }\n');
    expect(errors(f).sort()).toEqual(['NETC2001 fix.yaml:5:11', 'NETC2006 bad-base.yaml:6:36'].sort());
  });

  it('a base that is a folder or a device: at the extends line', () => {
    expect(errors(write('folder.yaml', 'netc: 1\nname: f\nextends: .\n'))).toEqual(['NETC6008 folder.yaml:3:10']);
    expect(errors(write('device.yaml', 'netc: 1\nname: f\nextends: /dev/null\n'))).toEqual(['NETC6008 device.yaml:3:10']);
  });

  it('a base that is not a spec (binary garbage): its own error in the base, and the extends line', () => {
    writeFileSync(join(dir, 'garbage.yaml'), Buffer.from([0x00, 0xff, 0x7b, 0x5b, 0x3a, 0x0a, 0x2d, 0x2d]));
    const e = errors(write('on-garbage.yaml', 'netc: 1\nname: g\nextends: ./garbage.yaml\n'));
    expect(e[e.length - 1]).toBe('NETC6006 on-garbage.yaml:3:10');
    expect(e.slice(0, -1).every((x) => x.includes('garbage.yaml:') && x.startsWith('NETC1'))).toBe(true);
  });

  it('hostile keys in a variant: __proto__ is a key like any other, and the process is not polluted', () => {
    const f = write('proto.yaml', 'netc: 1\nname: p\nextends: ./base.yaml\n__proto__: { polluted: 1 }\npatch:\n  out: { __proto__: { bogus: 1 } }\n');
    expect(errors(f)).toEqual(['NETC2001 proto.yaml:4:1', 'NETC2001 proto.yaml:6:10']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.keys(Object.prototype)).toEqual([]);
  });

  it("layers named like Object.prototype's keys are ordinary layers", () => {
    const f = write(
      'names.yaml',
      'netc: 1\nname: n\nextends: ./base.yaml\ninsert_after:\n  flat:\n    - { name: constructor, op: dropout, rate: 0.1 }\n    - { name: toString, op: activation, fn: relu }\n    - { name: __proto__, op: activation, fn: tanh }\npatch:\n  __proto__: { fn: sigmoid }\n',
    );
    expect(errors(f)).toEqual([]);
    const a = analyze(f);
    expect(a.loaded!.spec.layers.map((l) => l.name)).toEqual(['flat', 'constructor', 'toString', '__proto__', 'out']);
    expect(a.loaded!.spec.layers[3]!.fn).toBe('sigmoid');
  });
});
