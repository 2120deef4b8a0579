/**
 * Lowering the salvage of a spec with schema errors (`LowerOptions.salvage`): layers the schema
 * made unusable are skipped like broken ones, a spec without shapes gets only the name and
 * reference checks, and an error that may follow from a left-out attribute carries a note at
 * that attribute: the layer's own, else the first layer it reads (in `inputs` order) that has
 * one, through any chain of layers. The salvage is written by hand here, with places that are
 * in no file, so what is noted where can only come from `lower`.
 */
import { describe, expect, it } from 'vitest';
import type { SourceLoc } from '../../src/diagnostics/diagnostics.js';
import { lower, type SalvageFacts } from '../../src/ir/lower.js';
import { specSchema } from '../../src/ir/schema.js';
import { loadSpec } from '../../src/spec/load.js';
import { writeSpec, type SpecParts } from './ir-fixtures.js';

const NOTE = 'this may follow from the error here; fix that one first';
const place = (line: number): SourceLoc => ({ file: 'left-out.yaml', line, column: 3, length: 4 });

function loaded(p: SpecParts) {
  const load = loadSpec(writeSpec(p), { schema: specSchema() });
  if (!load.loaded) throw new Error(load.diagnostics.map((d) => d.message).join('\n'));
  return load.loaded;
}

const salvage = (s: Partial<SalvageFacts>): SalvageFacts => ({ unusable: new Map(), repaired: new Map(), shapes: true, ...s });

/** [code, the spec line it is at, its notes: the line of a consequence's, [message, line] of others] of each diagnostic. */
function noted(p: SpecParts, s: SalvageFacts, training = false) {
  return lower(loaded(p), { training, salvage: s }).diagnostics.map((d) => [
    d.code,
    d.loc?.line,
    (d.related ?? []).map((r) => (r.message === NOTE ? r.loc!.line : [r.message, r.loc!.line])),
  ]);
}

// Lines 5 to 11; a dense layer on an image is an error of its own layer (NETC4004).
const branches = (q: string): SpecParts => ({
  input: [4, 4, 1],
  layers: `  - { name: a, op: activation, fn: tanh, inputs: [input] }
  - { name: b, op: activation, fn: relu, inputs: [input] }
  - { name: lone, op: dense, units: 2, inputs: [input] }
  - { name: own, op: dense, units: 2, inputs: [a] }
  - { name: q, op: add, inputs: ${q} }
  - { name: r, op: dense, units: 2, inputs: [q] }
  - { name: out, op: flatten, inputs: [input] }`,
});

describe('an error that may follow from a left-out attribute', () => {
  it('is noted at the layer\'s own attribute, else at the first of its inputs\' (through add), and only then', () => {
    const repaired = new Map([
      [0, place(40)],
      [1, place(41)],
      [3, place(43)],
    ]);
    // lone reads only the input: no note; own has its own; r reads q, which reads a first
    expect(noted(branches('[a, b]'), salvage({ repaired }))).toEqual([
      ['NETC4004', 7, []],
      ['NETC4004', 8, [43]],
      ['NETC4004', 10, [40]],
    ]);
    expect(noted(branches('[b, a]'), salvage({ repaired }))).toEqual([
      ['NETC4004', 7, []],
      ['NETC4004', 8, [43]],
      ['NETC4004', 10, [41]],
    ]);
    // own's inherited place when it has none of its own; nothing repaired, nothing noted
    expect(noted(branches('[b, a]'), salvage({ repaired: new Map([[0, place(40)]]) }))).toEqual([
      ['NETC4004', 7, []],
      ['NETC4004', 8, [40]],
      ['NETC4004', 10, [40]],
    ]);
    expect(noted(branches('[a, b]'), salvage({}))).toEqual([
      ['NETC4004', 7, []],
      ['NETC4004', 8, []],
      ['NETC4004', 10, []],
    ]);
    expect(lower(loaded(branches('[a, b]')), { training: false }).diagnostics.every((d) => d.related === undefined)).toBe(true);
  });

  it('is noted on the training end\'s errors from the output, and not on the name checks before lowering', () => {
    // lines 5 and 6; the output ends in no softmax for a cross-entropy (NETC5003 at the output)
    const p: SpecParts = {
      input: [2, 2, 1],
      classes: 3,
      loss: 'categorical_crossentropy',
      layers: '  - { name: f, op: flatten }\n  - { name: out, op: dense, units: 3 }',
    };
    expect(noted(p, salvage({}), true)).toEqual([['NETC5003', 6, []]]);
    expect(noted(p, salvage({ repaired: new Map([[1, place(50)]]) }), true)).toEqual([['NETC5003', 6, [50]]]);
    expect(noted(p, salvage({ repaired: new Map([[0, place(51)]]) }), true)).toEqual([['NETC5003', 6, [51]]]);
    // a duplicate name carries only its first's place; the shape error of a layer reading a repaired one its note
    const dup: SpecParts = {
      input: [4, 4, 1],
      layers: '  - { name: a, op: activation, fn: tanh }\n  - { name: a, op: flatten }\n  - { name: d, op: dense, units: 2, inputs: [a] }',
    };
    expect(noted(dup, salvage({ repaired: new Map([[0, place(60)]]) }))).toEqual([
      ['NETC3001', 6, [["the first 'a' is here", 5]]],
      ['NETC4004', 7, [60]],
    ]);
  });
});

describe('layers the salvage cannot use', () => {
  it('are checked for names and references only: not lowered, nor what reads them', () => {
    const unusable = new Map([[3, place(43)]]);
    // own (line 8) is unusable: neither its error nor one of a layer reading it
    const reads = branches('[a, own]');
    expect(noted(reads, salvage({}))).toEqual([
      ['NETC4004', 7, []],
      ['NETC4004', 8, []],
    ]);
    const l = lower(loaded(reads), { training: false, salvage: salvage({ unusable }) });
    expect(l.diagnostics.map((d) => [d.code, d.loc?.line])).toEqual([['NETC4004', 7]]);
    expect([...l.layerOutputs.keys()].sort()).toEqual(['a', 'b', 'input', 'out']);
    expect(l.graph).toBeUndefined();
    // an unusable layer's name is still known: reading it is no unknown reference
    expect(lower(loaded(branches('[a, b]')), { training: false, salvage: salvage({ unusable: new Map([[2, place(42)]]) }) }).diagnostics.map((d) => d.loc?.line)).toEqual([8, 10]);
  });

  it('without shapes, only names, references and cycles are checked, and no layer has an output', () => {
    const p: SpecParts = {
      input: [4, 4, 1],
      layers: `  - { name: d, op: dense, units: 2, inputs: [input] }
  - { name: x, op: add, inputs: [d, nope] }
  - { name: c1, op: activation, fn: tanh, inputs: [c2] }
  - { name: c2, op: activation, fn: tanh, inputs: [c1] }
  - { name: out, op: flatten, inputs: [d] }`,
    };
    const l = lower(loaded(p), { training: false, salvage: salvage({ shapes: false }) });
    expect(l.diagnostics.map((d) => [d.code, d.loc?.line])).toEqual([
      ['NETC3002', 6],
      ['NETC3003', 8],
    ]);
    expect(l.layerOutputs.size).toBe(0);
    expect(l.graph).toBeUndefined();
    // with shapes, the dense layer on an image is found too
    expect(lower(loaded(p), { training: false, salvage: salvage({}) }).diagnostics.map((d) => d.code)).toEqual(['NETC3002', 'NETC3003', 'NETC4004']);
  });
});
