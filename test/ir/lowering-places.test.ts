/**
 * Where lowering puts things: each diagnostic at the key or value a person would change (the
 * column computed here from the YAML line the test wrote), every node at the YAML line it came
 * from, graph-level nodes (the input, its preprocessing, labels, the loss, the negated
 * penalties) in no layer; and what lowering does around a failure: a data set it cannot read,
 * a layer reading one that failed, an error beside the output.
 */
import { writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { analyze } from '../../src/driver/analyze.js';
import { lower } from '../../src/ir/lower.js';
import { specSchema } from '../../src/ir/schema.js';
import { loadSpec } from '../../src/spec/load.js';
import { writeSpec, type SpecParts } from './ir-fixtures.js';

/** The 1-based column of the value after `key` in a line of YAML. */
const col = (line: string, key: string) => line.indexOf(key) + key.length + 1;
const diag = (p: SpecParts, training = true) => analyze(writeSpec(p), { training }).diagnostics;
const at = (p: SpecParts) => diag(p).map((d) => [d.code, d.loc?.line, d.loc?.column]);
const L = (layers: string): SpecParts => ({ input: [4, 4, 1], layers });

describe('diagnostics at the key to change', () => {
  it('a reserved or duplicate name at the name, the first of a duplicate at its name too', () => {
    const loss = '  - { name: loss, op: flatten }';
    expect(at(L(loss))).toEqual([['NETC3006', 5, col(loss, 'name: ')]]);
    const a = '  - { name: a, op: flatten }';
    const again = '  - { name: a, op: activation, fn: relu }';
    const d = diag(L(`${a}\n${again}`));
    expect(d.map((x) => [x.code, x.loc?.line, x.loc?.column])).toEqual([['NETC3001', 6, col(again, 'name: ')]]);
    expect(d[0]!.related!.map((r) => [r.loc?.line, r.loc?.column])).toEqual([[5, col(a, 'name: ')]]);
    expect(d[0]!.message).toBe("a layer named 'a' already exists; layer names must be unique: rename this one");
  });

  it('an unknown input at the name in the list, a cycle at the inputs of the layer closing it', () => {
    const reads = '  - { name: x, op: add, inputs: [input, nope] }';
    expect(at(L(reads))).toEqual([['NETC3002', 5, reads.indexOf('nope') + 1]]);
    const a = '  - { name: a, op: activation, fn: tanh, inputs: [b] }';
    const b = '  - { name: b, op: activation, fn: tanh, inputs: [a] }';
    expect(at(L(`${a}\n${b}`))).toEqual([['NETC3003', 6, col(b, 'inputs: ')]]);
  });

  it('a cycle names only the layers in it, not the path that led there', () => {
    // x is visited first and reads b; b and a read each other
    const d = diag(
      L(`  - { name: x, op: activation, fn: relu, inputs: [b] }
  - { name: a, op: activation, fn: tanh, inputs: [b] }
  - { name: b, op: activation, fn: tanh, inputs: [a] }`),
    );
    expect(d.map((x) => x.message)).toEqual(['the layers form a cycle (b → a → b); a network is a DAG: make one of these read an earlier layer']);
  });

  it('a dilated kernel too large at its dilation, an ordinary one at its kernel, each named so', () => {
    // 3 taps 2 apart span 5 pixels: more than 4; without the dilation the 3×3 kernel fits
    const spaced = '  - { name: c, op: conv2d, filters: 2, kernel: 3, dilation: 2 }';
    expect(diag(L(spaced)).map((x) => [x.code, x.loc?.line, x.loc?.column, x.message])).toEqual([
      [
        'NETC4001',
        5,
        col(spaced, 'dilation: '),
        "layer 'c': the dilated kernel 5×5 is larger than its padded input 4×4; use a smaller dilated kernel, add padding, or remove a pooling layer before it",
      ],
    ]);
    const wide = '  - { name: c, op: conv2d, filters: 2, kernel: 5 }';
    expect(diag(L(wide)).map((x) => [x.code, x.loc?.column, x.message])).toEqual([
      ['NETC4001', col(wide, 'kernel: '), "layer 'c': the kernel 5×5 is larger than its padded input 4×4; use a smaller kernel, add padding, or remove a pooling layer before it"],
    ]);
  });

  it('an unused layer at its name', () => {
    const side = '  - { name: side, op: activation, fn: tanh, inputs: [input] }';
    expect(at(L(`${side}\n  - { name: f, op: flatten, inputs: [input] }`))).toEqual([['NETC3007', 5, col(side, 'name: ')]]);
  });

  it('an input that does not fit the data set at the shape', () => {
    const d = diag({ input: [3, 1, 1], classes: 3, dataImage: [4, 1, 1], loss: 'mse', layers: '  - { name: f, op: flatten }' });
    expect(d.map((x) => [x.code, x.loc?.line, x.loc?.column])).toEqual([['NETC5002', 3, col('input: { shape: [3, 1, 1] }', 'shape: ')]]);
  });
});

describe('nodes at the line they came from', () => {
  it('the input at input:, preprocessing at its keys, labels at the data set, the loss at loss:', () => {
    const file = writeSpec({
      input: [1, 1, 1],
      classes: 3,
      loss: 'rbf_map',
      extra: 'preprocess: { pad: 1, range: [0, 2] }\n',
      files: { 'p.txt': '...\n...\n...\n\nXXX\nXXX\nXXX\n\n.X.\n.X.\n.X.\n' },
      layers: '  - { name: f, op: flatten }\n  - { name: out, op: rbf, units: 3, prototypes: p.txt }',
    });
    const g = analyze(file).graph!;
    const node = (id: string) => g.nodes.find((n) => n.id === id)!;
    const pre = 'preprocess: { pad: 1, range: [0, 2] }';
    // line 1 netc, 2 name, 3 input, 4 preprocess, 5 layers, 6 and 7 the layers, 8 train, 9 dataset, 10 loss;
    // the padded 3×3 image is what the prototypes are compared with
    expect(Object.fromEntries(['input', 'input.pad', 'input.range', 'f', 'labels', 'loss', 'out.neg'].map((id) => [id, [node(id).loc.line, node(id).loc.column]]))).toEqual({
      input: [3, col('input: { shape: [1, 1, 1] }', 'input: ')],
      'input.pad': [4, col(pre, 'pad: ')],
      'input.range': [4, col(pre, 'range: ')],
      f: [6, 5],
      labels: [9, col('  dataset: { idx: ', 'dataset: ')],
      loss: [10, col('  loss: rbf_map', 'loss: ')],
      'out.neg': [10, col('  loss: rbf_map', 'loss: ')],
    });
    // graph-level nodes belong to no layer
    for (const id of ['input', 'input.pad', 'input.range', 'labels', 'loss', 'out.neg']) expect(node(id).layer, id).toBe('');
    expect(node('out').layer).toBe('out');
    // inference: the posterior belongs to no layer either
    const i = analyze(file, { training: false }).graph!;
    for (const id of ['out.neg', 'out.posterior']) expect(i.nodes.find((n) => n.id === id)!.layer, id).toBe('');
  });

  it('lowers the training graph when no options are given', () => {
    const load = loadSpec(writeSpec({ input: [2, 1, 1], classes: 2, loss: 'mse', layers: '  - { name: f, op: flatten }' }), { schema: specSchema() });
    expect(lower(load.loaded!).graph!.outputs).toEqual({ loss: 'loss', scores: 'f' });
    expect(lower(load.loaded!, { training: false }).graph!.outputs).toEqual({ prediction: 'f' });
  });
});

describe('around a failure', () => {
  it('a data set it cannot read is the one diagnostic, with no graph', () => {
    const file = writeSpec({ input: [2, 1, 1], classes: 2, loss: 'mse', layers: '  - { name: f, op: flatten }' });
    const spec = file.replace(/spec\.yaml$/, 'other.yaml');
    // the same spec, naming a labels file that is not there
    const text = `netc: 1
name: t
input: { shape: [2, 1, 1] }
layers:
  - { name: f, op: flatten }
train:
  dataset: { idx: { train_images: train-images.idx, train_labels: missing.idx, test_images: test-images.idx, test_labels: test-labels.idx } }
  loss: mse
`;
    writeFileSync(spec, text);
    const a = analyze(spec);
    expect(a.diagnostics.map((d) => [d.code, d.loc?.line])).toEqual([['NETC7001', 7]]);
    expect(a.graph).toBeUndefined();
    // inference needs no data set
    expect(analyze(spec, { training: false }).graph!.outputs).toEqual({ prediction: 'f' });
  });

  it('a layer reading one that failed is skipped, whichever of its inputs failed', () => {
    for (const inputs of ['[bad, good]', '[good, bad]']) {
      const d = diag(L(`  - { name: bad, op: dense, units: 2, inputs: [input] }\n  - { name: good, op: activation, fn: tanh, inputs: [input] }\n  - { name: s, op: add, inputs: ${inputs} }`));
      expect(d.map((x) => x.code), inputs).toEqual(['NETC4004']);
    }
  });

  it('an error beside the output does not hide the training end\'s own error (every error in one run)', () => {
    // the side branch fails; the output (4 values for 3 classes) is a second, independent error
    const d = diag({
      input: [2, 2, 1],
      classes: 3,
      loss: 'mse',
      layers: '  - { name: side, op: dense, units: 2, inputs: [input] }\n  - { name: f, op: flatten, inputs: [input] }',
    });
    expect(d.map((x) => x.code)).toEqual(['NETC4004', 'NETC5001']);
  });
});
