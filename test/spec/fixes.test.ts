/**
 * Diagnostics that carry a repair (`fix`): a misspelt key, op, value, layer reference, output or
 * patched layer, each with the name it is closest to. The fix replaces the text at the
 * diagnostic's place, so that place must underline exactly the misspelling; the editor's quick
 * fix and SARIF's fixes write it there.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze } from '../../src/driver/analyze.js';

/** [code, the text the diagnostic underlines, its fix] of each diagnostic of a file. */
function fixes(file: string): [string, string, string | undefined][] {
  return analyze(file).diagnostics.map((d) => {
    const line = readFileSync(d.loc!.file, 'utf8').split('\n')[d.loc!.line - 1]!;
    return [d.code, line.slice(d.loc!.column - 1, d.loc!.column - 1 + d.loc!.length), d.fix];
  });
}

const dir = mkdtempSync(join(tmpdir(), 'netc-fixes-'));
const write = (name: string, text: string) => {
  writeFileSync(join(dir, name), text);
  return join(dir, name);
};

describe('a misspelling carries its likely repair, over exactly the misspelt text', () => {
  it('keys, ops, values, layer references and the output', () => {
    const file = write(
      'typos.yaml',
      `netc: 1
name: typos
input: { shape: [28, 28, 1] }
layers:
  - { name: c1, op: conv2d, filtrs: 6, kernel: 5, activation: reluu }
  - { name: p1, op: maxpool2, pool: 2 }
  - { name: flat, op: flatten, inputs: [c11] }
  - { name: out, op: dense, units: 10, activation: softmax }
output: outt
train:
  dataset: mnist
`,
    );
    expect(fixes(file)).toEqual([
      ['NETC2001', 'filtrs', 'filters'],
      ['NETC2004', 'reluu', 'relu'],
      ['NETC2005', 'maxpool2', 'maxpool2d'],
      ['NETC3002', 'c11', 'c1'],
      ['NETC3005', 'outt', 'out'],
    ]);
  });

  it("a variant's patched and removed layers", () => {
    const file = write('variant.yaml', `extends: ${resolve('specs/lenet5.yaml')}\nname: v\nremove: [f55]\npatch:\n  c33: { filters: 8 }\n`);
    expect(fixes(file)).toEqual([
      ['NETC6003', 'f55', 'f5'],
      ['NETC6003', 'c33', 'c3'],
    ]);
  });

  it('none where no name is near, nor for a key with no name at all', () => {
    const file = write('far.yaml', 'netc: 1\nname: far\ninput: { shape: [28, 28, 1] }\nlayers:\n  - { name: flat, op: flatten, zzzzzz: 1 }\n  - { name: out, op: dense, units: 10, : 2 }\n');
    expect(fixes(file).map(([code, , fix]) => [code, fix])).toEqual([
      ['NETC2001', undefined],
      ['NETC2001', undefined],
    ]);
  });
});
