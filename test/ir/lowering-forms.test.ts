/**
 * Lowering, form by form: each way a person may write a layer becomes the nodes written out
 * here by hand (window geometry worked out from TensorFlow's rules, initializers' fans, dropout's
 * salt from FNV-1a computed in the test), the training end of each loss, and each problem
 * lowering reports, at the line and key that caused it.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze } from '../../src/driver/analyze.js';
import { readPrototypes } from '../../src/ir/ops/rbf.js';
import { printGraph } from '../../src/ir/print.js';
import { writeSpec, type SpecParts } from './ir-fixtures.js';

/** FNV-1a, 32 bits, in BigInt arithmetic, kept to 31 bits: each dropout layer's salt. */
function fnv1a31(s: string): number {
  let h = 0x811c9dc5n;
  for (const ch of s) h = ((h ^ BigInt(ch.charCodeAt(0))) * 0x01000193n) & 0xffffffffn;
  return Number(h & 0x7fffffffn);
}

const body = (text: string) => text.slice(text.indexOf('\n') + 1);
/** The 1-based column of the value after `key` in a line of YAML. */
const col = (line: string, key: string) => line.indexOf(key) + key.length + 1;
const codes = (p: SpecParts, training = true) => analyze(writeSpec(p), { training }).diagnostics.map((d) => `${d.code} ${d.loc?.line}:${d.loc?.column}`);
const diag = (p: SpecParts, training = true) => analyze(writeSpec(p), { training }).diagnostics;

describe('each layer form', () => {
  it('lowers to the nodes of its geometry', () => {
    const a = analyze(
      writeSpec({
        input: [7, 6, 2],
        extra: 'preprocess: { pad: 1, range: [-0.5, 1.5] }\n',
        layers: `  - { name: c1, op: conv2d, filters: 3, kernel: [4, 3], stride: [2, 1], padding: same, activation: relu }
  - { name: c2, op: conv2d, filters: 2, kernel: 2, stride: 2, padding: 1 }
  - { name: c3, op: conv2d, filters: 2, kernel: [1, 2], padding: valid, activation: linear }
  - { name: p1, op: avgpool2d, pool: [2, 1] }
  - { name: p2, op: maxpool2d, pool: 2, stride: 1, padding: same }
  - { name: s1, op: subsample, pool: [1, 2], activation: sigmoid }
  - { name: pd, op: pad, padding: 2 }
  - { name: dr, op: dropout, rate: 0.25 }
  - { name: lin, op: activation, fn: linear }
  - { name: sm, op: activation, fn: softmax }
  - { name: both, op: concat, inputs: [sm, dr] }
  - { name: sum, op: add, inputs: [both, both] }
  - { name: fl, op: flatten }
  - { name: de, op: dense, units: 3, activation: scaled_tanh }`,
      }),
      { training: false },
    );
    expect(a.diagnostics).toEqual([]);
    // input 7×6 padded by 1: 9×8. c1: 'same', stride [2, 1], kernel [4, 3]: 5×8; rows
    // (5 − 1)·2 + 4 − 9 = 3 of padding (1 above, 2 below), columns (8 − 1) + 3 − 8 = 2 (1, 1).
    // c2: padding 1 → 7×10, kernel 2 stride 2 → 3×5. c3: kernel [1, 2] → 3×4.
    // p1: pool [2, 1], stride = pool → 1×4. p2: 'same', stride 1, pool 2 → 1×4, padding [0,1,0,1].
    // s1: pool [1, 2], stride = pool → 1×2. pd: 5×6.
    expect(body(printGraph(a.graph!))).toBe(`  %input: f32[N,7,6,2] = input()
  %input.pad: f32[N,9,8,2] = pad(%input) {padding=[1,1,1,1]}
  %input.range: f32[N,9,8,2] = affine(%input.pad) {scale=2, shift=-0.5}
  %c1.w: f32[4,3,2,3] = param() {fan_in=24, fan_out=36, init=glorot_uniform}
  %c1.b: f32[3] = param() {init=zeros}
  %c1: f32[N,5,8,3] = conv2d(%input.range, %c1.w, %c1.b) {filters=3, kernel=[4,3], padding=[1,2,1,1], stride=[2,1]}
  %c1.relu: f32[N,5,8,3] = relu(%c1)
  %c2.w: f32[2,2,3,2] = param() {fan_in=12, fan_out=8, init=glorot_uniform}
  %c2.b: f32[2] = param() {init=zeros}
  %c2: f32[N,3,5,2] = conv2d(%c1.relu, %c2.w, %c2.b) {filters=2, kernel=[2,2], padding=[1,1,1,1], stride=[2,2]}
  %c3.w: f32[1,2,2,2] = param() {fan_in=4, fan_out=4, init=glorot_uniform}
  %c3.b: f32[2] = param() {init=zeros}
  %c3: f32[N,3,4,2] = conv2d(%c2, %c3.w, %c3.b) {filters=2, kernel=[1,2], padding=[0,0,0,0], stride=[1,1]}
  %p1: f32[N,1,4,2] = avgpool2d(%c3) {padding=[0,0,0,0], pool=[2,1], stride=[2,1]}
  %p2: f32[N,1,4,2] = maxpool2d(%p1) {padding=[0,1,0,1], pool=[2,2], stride=[1,1]}
  %s1.coef: f32[2] = param() {init=constant, value=0.5}
  %s1.b: f32[2] = param() {init=zeros}
  %s1: f32[N,1,2,2] = subsample(%p2, %s1.coef, %s1.b) {pool=[1,2], stride=[1,2]}
  %s1.sigmoid: f32[N,1,2,2] = sigmoid(%s1)
  %pd: f32[N,5,6,2] = pad(%s1.sigmoid) {padding=[2,2,2,2]}
  %dr: f32[N,5,6,2] = dropout(%pd) {rate=0.25, salt=${fnv1a31('dr')}}
  %sm: f32[N,5,6,2] = softmax(%dr)
  %both: f32[N,5,6,4] = concat(%sm, %dr)
  %sum: f32[N,5,6,4] = add(%both, %both)
  %fl: f32[N,120] = flatten(%sum)
  %de.w: f32[120,3] = param() {fan_in=120, fan_out=3, init=glorot_uniform}
  %de.b: f32[3] = param() {init=zeros}
  %de: f32[N,3] = dense(%fl, %de.w, %de.b) {units=3}
  %de.scaled_tanh: f32[N,3] = scaled_tanh(%de)
}
outputs: prediction=%de.scaled_tanh
`);
    // the linear activation layer is its input
    expect(a.layerOutputs!.get('lin')).toBe('dr');
    expect(a.layerOutputs!.get('c3')).toBe('c3');
    expect(a.layerOutputs!.get('input')).toBe('input.range');
  });

  it('gives each dropout layer its own salt', () => {
    expect(fnv1a31('')).toBe(0x811c9dc5 & 0x7fffffff);
    const a = analyze(
      writeSpec({ input: [2, 2, 1], layers: '  - { name: d1, op: dropout, rate: 0.5 }\n  - { name: d2, op: dropout, rate: 0.5 }' }),
      { training: false },
    );
    const salts = a.graph!.nodes.filter((n) => n.op === 'dropout').map((n) => n.attrs.salt);
    expect(salts).toEqual([fnv1a31('d1'), fnv1a31('d2')]);
    expect(salts[0]).not.toBe(salts[1]);
  });

  it('pads without rescaling, or rescales without padding', () => {
    const only = (extra: string) =>
      body(printGraph(analyze(writeSpec({ input: [2, 2, 1], extra, layers: '  - { name: f, op: flatten }' }), { training: false }).graph!));
    expect(only('preprocess: { pad: 2 }\n')).toBe(`  %input: f32[N,2,2,1] = input()
  %input.pad: f32[N,6,6,1] = pad(%input) {padding=[2,2,2,2]}
  %f: f32[N,36] = flatten(%input.pad)
}
outputs: prediction=%f
`);
    expect(only('preprocess: { range: [1, 3] }\n')).toContain('%input.range: f32[N,2,2,1] = affine(%input) {scale=2, shift=1}');
    expect(only('preprocess: { pad: 0 }\n')).toBe('  %input: f32[N,2,2,1] = input()\n  %f: f32[N,4] = flatten(%input)\n}\noutputs: prediction=%f\n');
  });
});

describe('the training end', () => {
  const net = (last: string, loss?: string): SpecParts => ({
    input: [3, 1, 1],
    classes: 3,
    ...(loss ? { loss } : {}),
    layers: `  - { name: f, op: flatten }\n${last}`,
    files: { 'p.txt': 'X.X\n\n.X.\n\nXX.\n' },
  });

  it('cross-entropy, the default: labels, the loss of the softmax, and the logits as scores', () => {
    const a = analyze(writeSpec(net('  - { name: out, op: dense, units: 3, activation: softmax }')));
    expect(a.diagnostics).toEqual([]);
    expect(a.graph!.outputs).toEqual({ loss: 'loss', scores: 'out' });
    expect(body(printGraph(a.graph!)).split('\n').slice(-5).join('\n')).toBe(`  %labels: f32[N,3] = input() {role=labels}
  %loss: f32[] = categorical_crossentropy(%out.softmax, %labels)
}
outputs: loss=%loss scores=%out
`);
    // inference: the probabilities, no labels
    const i = analyze(writeSpec(net('  - { name: out, op: dense, units: 3, activation: softmax }')), { training: false });
    expect(i.graph!.outputs).toEqual({ prediction: 'out.softmax' });
    expect(i.graph!.nodes.some((n) => n.id === 'labels')).toBe(false);
  });

  it('mse of a sigmoid: the scores are the output itself', () => {
    const a = analyze(writeSpec(net('  - { name: out, op: dense, units: 3, activation: sigmoid }', 'mse')));
    expect(a.diagnostics).toEqual([]);
    expect(a.graph!.outputs).toEqual({ loss: 'loss', scores: 'out.sigmoid' });
    expect(a.graph!.nodes.find((n) => n.id === 'loss')!.op).toBe('mse');
  });

  it('the MAP loss: negated penalties are the scores; inference predicts their softmax', () => {
    const layer = '  - { name: out, op: rbf, units: 3, prototypes: p.txt }';
    const a = analyze(writeSpec(net(layer, 'rbf_map')));
    expect(a.diagnostics).toEqual([]);
    expect(a.graph!.outputs).toEqual({ loss: 'loss', scores: 'out.neg' });
    expect(body(printGraph(a.graph!)).split('\n').slice(-6).join('\n')).toBe(`  %labels: f32[N,3] = input() {role=labels}
  %loss: f32[] = rbf_map(%out, %labels)
  %out.neg: f32[N,3] = affine(%out) {scale=-1, shift=0}
}
outputs: loss=%loss scores=%out.neg
`);
    const i = analyze(writeSpec(net(layer, 'rbf_map')), { training: false });
    expect(i.graph!.outputs).toEqual({ prediction: 'out.posterior' });
    expect(body(printGraph(i.graph!)).split('\n').slice(-6).join('\n')).toBe(`  %out: f32[N,3] = rbf(%f, %out.w)
  %out.neg: f32[N,3] = affine(%out) {scale=-1, shift=0}
  %out.posterior: f32[N,3] = softmax(%out.neg)
}
outputs: prediction=%out.posterior
`);
    // the prototypes, row by row: X = +1, . = −1
    expect(i.graph!.nodes.find((n) => n.id === 'out.w')!.attrs).toEqual({ shape: [3, 3], init: 'values', values: [1, -1, 1, -1, 1, -1, 1, 1, -1], trainable: false });
    // with mse the inference graph predicts the penalties themselves
    const m = analyze(writeSpec(net(layer, 'mse')), { training: false });
    expect(m.graph!.outputs).toEqual({ prediction: 'out' });
  });

  it('a spec without a train section lowers the same graph for training as for inference', () => {
    const p: SpecParts = { input: [2, 2, 1], layers: '  - { name: f, op: flatten }' };
    expect(printGraph(analyze(writeSpec(p)).graph!)).toBe(printGraph(analyze(writeSpec(p), { training: false }).graph!));
  });

  it('names what does not fit the data set, at the key to change', () => {
    // input 3×3×1 against 4×3×1 images (line 3), 2 units against 3 classes (line 6, 'units')
    const out = '  - { name: out, op: dense, units: 2, activation: softmax }';
    const d = diag({ ...net(out), dataImage: [4, 1, 1] });
    expect(d.map((x) => [x.code, x.loc?.line])).toEqual([
      ['NETC5002', 3],
      ['NETC5001', 6],
    ]);
    expect(d[0]!.message).toMatch(/^input\.shape is \[3, 1, 1\], but .*train-images\.idx images are \[4, 1, 1\]; write 'shape: \[4, 1, 1\]'$/);
    expect(d[1]!.message).toMatch(/^the output 'out' has shape 2, but .* has 3 classes, so the loss needs \[3\]/);
    expect(d[1]!.loc!.column).toBe(col(out, 'units: '));
    // width and channels are compared too
    expect(diag({ ...net(out.replace('units: 2', 'units: 3')), dataImage: [3, 2, 1] }).map((x) => x.code)).toEqual(['NETC5002']);
    expect(diag({ ...net(out.replace('units: 2', 'units: 3')), dataImage: [3, 1, 2] }).map((x) => x.code)).toEqual(['NETC5002']);
    // an output of one value per class, but not flat
    const image = diag({ input: [3, 1, 1], classes: 3, loss: 'mse', layers: '  - { name: a, op: activation, fn: sigmoid }' });
    expect(image.map((x) => x.message)).toEqual([
      expect.stringMatching(/^the output 'a' has shape 3×1×1, but .* has 3 classes, so the loss needs \[3\]/),
    ]);
    // an output without units is blamed at its op
    const flat = '  - { name: f, op: flatten }';
    const f = diag({ input: [3, 1, 1], classes: 2, layers: flat });
    // (and, under cross-entropy, for ending in no softmax)
    expect(f.map((x) => [x.code, x.loc?.line, x.loc?.column])).toEqual([
      ['NETC5001', 5, col(flat, 'op: ')],
      ['NETC5003', 5, col(flat, 'op: ')],
    ]);
    expect(f[0]!.message).toMatch(/^the output 'f' has shape 3, but/);
  });

  it('names the activation a cross-entropy output ends in, at the key that sets it', () => {
    const ends = (last: string) => diag(net(last)).map((x) => [x.code, x.loc?.line, x.loc?.column, x.message.replace(/^.*ends in (.*); give.*$/, '$1')]);
    const tanh = '  - { name: out, op: dense, units: 3, activation: tanh }';
    expect(ends(tanh)).toEqual([['NETC5003', 6, col(tanh, 'activation: '), 'tanh']]);
    const bare = '  - { name: out, op: dense, units: 3 }';
    expect(ends(bare)).toEqual([['NETC5003', 6, col(bare, 'op: '), 'no activation']]);
    const sig = '  - { name: out, op: activation, fn: sigmoid }';
    expect(ends(`  - { name: d, op: dense, units: 3 }\n${sig}`)).toEqual([['NETC5003', 7, col(sig, 'fn: '), 'sigmoid']]);
    const lin = '  - { name: out, op: activation, fn: linear }';
    expect(ends(`  - { name: d, op: dense, units: 3 }\n${lin}`)).toEqual([['NETC5003', 7, col(lin, 'fn: '), 'no activation']]);
    expect(diag(net(tanh))[0]!.message).toBe("categorical_crossentropy compares probabilities, but the output 'out' ends in tanh; give it 'activation: softmax'");
  });
});

describe('problems with names and references', () => {
  const L = (lines: string): SpecParts => ({ input: [4, 4, 1], layers: lines });

  it('refuses the reserved names, and takes names an object has', () => {
    const d = diag(L('  - { name: labels, op: flatten }\n  - { name: loss, op: flatten, inputs: [input] }'));
    expect(d.map((x) => [x.code, x.loc?.line, x.message])).toEqual([
      ['NETC3006', 5, "'labels' is reserved for the labels of the training data; choose another layer name"],
      ['NETC3006', 6, "'loss' is reserved for the training loss; choose another layer name"],
    ]);
    expect(diag(L('  - { name: input, op: flatten }'))[0]!.message).toContain("the network's input");
    const ok = analyze(writeSpec(L('  - { name: constructor, op: flatten }\n  - { name: toString, op: activation, fn: relu }\n  - { name: hasOwnProperty, op: activation, fn: tanh }')), { training: false });
    expect(ok.diagnostics).toEqual([]);
    expect(ok.graph!.outputs.prediction).toBe('hasOwnProperty');
  });

  it('points a duplicate at the first of its name, and lowers the first', () => {
    const d = diag(L('  - { name: a, op: flatten }\n  - { name: b, op: activation, fn: tanh }\n  - { name: a, op: activation, fn: relu }'));
    expect(d.map((x) => [x.code, x.loc?.line])).toEqual([['NETC3001', 7]]);
    expect(d[0]!.related).toEqual([{ message: "the first 'a' is here", loc: expect.objectContaining({ line: 5 }) }]);
  });

  it('suggests a near name for an unknown input, and skips what reads it', () => {
    const d = diag(L('  - { name: conv, op: conv2d, filters: 1, kernel: 1 }\n  - { name: x, op: flatten, inputs: [cnov] }\n  - { name: y, op: dense, units: 2 }'));
    expect(d.map((x) => [x.code, x.loc?.line, x.message])).toEqual([
      ['NETC3002', 6, "no layer is named 'cnov'; did you mean 'conv'?"],
    ]);
    const far = diag(L('  - { name: x, op: flatten, inputs: [zzzzzz] }'));
    expect(far[0]!.message).toBe("no layer is named 'zzzzzz'; name an earlier layer, or 'input' for the network's input");
  });

  it('reports a cycle once, at the inputs of the layer that closes it, and skips the layers that read it', () => {
    const d = diag(
      L(`  - { name: a, op: activation, fn: tanh, inputs: [c] }
  - { name: b, op: activation, fn: tanh, inputs: [a] }
  - { name: c, op: activation, fn: tanh, inputs: [b] }
  - { name: d, op: activation, fn: relu, inputs: [c] }`),
    );
    // a reads c reads b reads a: found from a, closed by b
    expect(d.map((x) => [x.code, x.loc?.line])).toEqual([['NETC3003', 6]]);
    expect(d[0]!.message).toBe('the layers form a cycle (a → c → b → a); a network is a DAG: make one of these read an earlier layer');
  });

  it('lowers layers in the order of what they read, and keeps the spec order otherwise', () => {
    const a = analyze(
      writeSpec(L(`  - { name: s, op: add, inputs: [q, p] }
  - { name: q, op: activation, fn: tanh, inputs: [p] }
  - { name: p, op: activation, fn: relu, inputs: [input] }
  - { name: r, op: activation, fn: sigmoid, inputs: [s] }`)),
      { training: false },
    );
    expect(a.diagnostics).toEqual([]);
    expect(a.graph!.nodes.map((n) => n.id)).toEqual(['input', 'p', 'q', 's', 'r']);
  });

  it('names an unknown output with a suggestion; warns of unused layers only when all else is sound', () => {
    const d = diag({ ...L('  - { name: flat, op: flatten }\n  - { name: side, op: activation, fn: tanh, inputs: [input] }'), extra: '' });
    expect(d.map((x) => [x.code, x.severity, x.loc?.line, x.message])).toEqual([
      ['NETC3007', 'warning', 5, "layer 'flat' does not contribute to the output 'side'; remove it or read it from a later layer"],
    ]);
    const o = analyze(writeSpec({ ...L('  - { name: flat, op: flatten }\n  - { name: side, op: activation, fn: tanh, inputs: [flat] }'), extra: 'output: falt\n' }));
    expect(o.diagnostics.map((x) => [x.code, x.loc?.line, x.message])).toEqual([['NETC3005', 4, "the output names 'falt', which is not a layer; did you mean 'flat'?"]]);
    expect(o.graph).toBeUndefined();
    // output: a middle layer; what comes after it is unused, what it reads is not
    const m = diag({ ...L('  - { name: a, op: flatten }\n  - { name: b, op: activation, fn: tanh }\n  - { name: c, op: activation, fn: relu }'), extra: 'output: b\n' });
    expect(m.map((x) => [x.code, x.loc?.line])).toEqual([['NETC3007', 8]]);
    // with an error, no warning: it could be the error's consequence
    const e = diag(L('  - { name: a, op: flatten }\n  - { name: b, op: conv2d, filters: 1, kernel: 1 }\n  - { name: c, op: activation, fn: relu, inputs: [a] }'));
    expect(e.map((x) => x.code)).toEqual(['NETC4005']);
  });

  it('gives one diagnostic for a layer that cannot lower, not one for each layer after it', () => {
    const dense = '  - { name: d, op: dense, units: 3 }';
    expect(codes(L(`${dense}\n  - { name: e, op: dense, units: 2 }\n  - { name: f, op: activation, fn: tanh }`))).toEqual([`NETC4004 5:${col(dense, 'op: ')}`]);
    expect(diag(L('  - { name: d, op: dense, units: 3 }'))[0]!.message).toBe(
      "layer 'd' (dense) needs a flat input, but 'input' gives 4×4×1; add '- { name: flat, op: flatten }' before 'd'",
    );
    const rbf = '  - { name: r, op: rbf, units: 2, prototypes: p.txt }';
    const r = diag({ ...L(`  - { name: c, op: conv2d, filters: 1, kernel: 1 }\n${rbf}`), files: { 'p.txt': 'X\n' } });
    expect(r.map((x) => [x.code, x.loc?.line, x.loc?.column, x.message])).toEqual([
      ['NETC4004', 6, col(rbf, 'op: '), "layer 'r' (rbf) needs a flat input, but 'c' gives 4×4×1; add '- { name: flat, op: flatten }' before 'r'"],
    ]);
    expect(diag({ ...L(rbf), files: { 'p.txt': 'X\n' } })[0]!.message).toBe(
      "layer 'r' (rbf) needs a flat input, but 'input' gives 4×4×1; add '- { name: flat, op: flatten }' before 'r'",
    );
    // an image op after a flatten: blamed at its inputs, or at the layer ('{') when it names none
    for (const [name, op, rest] of [['p', 'maxpool2d', 'pool: 2'], ['p', 'pad', 'padding: 1'], ['s', 'subsample', 'pool: 2'], ['c', 'conv2d', 'filters: 1, kernel: 1']]) {
      const spec = L(`  - { name: f, op: flatten }\n  - { name: ${name}, op: ${op}, ${rest} }`);
      expect(codes(spec), op).toEqual(['NETC4005 6:5']);
      expect(diag(spec)[0]!.message).toBe(`layer '${name}' (${op}) needs an image input (height, width, channels), but 'f' gives 16; move it before the flatten layer`);
    }
    const named = '  - { name: s, op: avgpool2d, pool: 2, inputs: [f] }';
    expect(codes(L(`  - { name: f, op: flatten }\n${named}`))).toEqual([`NETC4005 6:${col(named, 'inputs: ')}`]);
    expect(diag(L(`  - { name: f, op: flatten }\n${named}`))[0]!.message).toBe(
      "layer 's' (avgpool2d) needs an image input (height, width, channels), but 'f' gives 16; move it before the flatten layer",
    );
  });

  it('names a window larger than its padded input at the window', () => {
    const tall = '  - { name: c, op: conv2d, filters: 1, kernel: [5, 1] }';
    const d = diag(L(tall));
    expect(d.map((x) => [x.code, x.loc?.line, x.loc?.column, x.message])).toEqual([
      ['NETC4001', 5, col(tall, 'kernel: '), "layer 'c': the kernel 5×1 is larger than its padded input 4×4; use a smaller kernel, add padding, or remove a pooling layer before it"],
    ]);
    const wide = '  - { name: c, op: conv2d, filters: 1, kernel: [1, 5] }';
    expect(codes(L(wide))).toEqual([`NETC4001 5:${col(wide, 'kernel: ')}`]);
    expect(codes(L('  - { name: c, op: conv2d, filters: 1, kernel: [5, 5], padding: 1 }'))).toEqual([]);
    expect(codes(L('  - { name: c, op: conv2d, filters: 1, kernel: [4, 4] }'))).toEqual([]);
    const pool = '  - { name: p, op: maxpool2d, pool: [1, 5] }';
    expect(codes(L(pool))).toEqual([`NETC4001 5:${col(pool, 'pool: ')}`]);
    expect(diag(L(pool))[0]!.message).toContain('the pool window 1×5 is larger than its padded input 4×4');
    const sub = '  - { name: s, op: subsample, pool: [5, 1] }';
    expect(codes(L(sub))).toEqual([`NETC4001 5:${col(sub, 'pool: ')}`]);
    expect(diag(L(sub))[0]!.message).toContain("layer 's': the pool window 5×1 is larger than its padded input 4×4; use a smaller pool window");
    expect(codes(L('  - { name: s, op: subsample, pool: [4, 4] }'))).toEqual([]);
  });

  it('names add and concat inputs that do not fit, with the layers they come from', () => {
    const sum = '  - { name: s, op: add, inputs: [a, input] }';
    const add = diag(L(`  - { name: a, op: conv2d, filters: 2, kernel: 1 }\n${sum}`));
    expect(add.map((x) => [x.code, x.loc?.line, x.loc?.column])).toEqual([['NETC4002', 6, col(sum, 'inputs: ')]]);
    expect(add[0]!.message).toBe(
      "layer 's' (add) needs inputs of one shape, but they are 4×4×2 (a), 4×4×1 (input); make the shapes equal (a 1×1 conv2d can change the channels)",
    );
    const join = '  - { name: s, op: concat, inputs: [a, input] }';
    const cat = diag(L(`  - { name: a, op: maxpool2d, pool: 2 }\n${join}`));
    expect(cat.map((x) => [x.code, x.loc?.line, x.loc?.column])).toEqual([['NETC4003', 6, col(join, 'inputs: ')]]);
    expect(cat[0]!.message).toContain('2×2×1 (a), 4×4×1 (input)');
  });
});

describe('connection tables and prototypes', () => {
  const conv = (table: string): SpecParts => ({ input: [4, 4, 3], layers: `  - { name: c, op: conv2d, filters: 2, kernel: 1, connections: ${table} }` });

  it('refuses a table of the wrong length, a channel the input lacks, a channel listed twice', () => {
    const msg = (t: string) => diag(conv(t)).map((d) => `${d.code} ${d.loc?.line}:${d.loc?.column} ${d.message}`);
    expect(msg('[[0]]')).toEqual(["NETC4011 5:64 layer 'c': 'connections' lists 1 filters, but the layer has 2: give one list of input channels per filter"]);
    expect(msg('[[0], [1, 3]]')).toEqual(["NETC4011 5:64 layer 'c': filter 1 reads channel 3, but the input has channels 0 to 2"]);
    expect(msg('[[2, 0, 2], [1]]')).toEqual(["NETC4011 5:64 layer 'c': filter 0 lists a channel twice (2, 0, 2)"]);
    expect(msg('[[0, 1, 2], [2]]')).toEqual([]);
  });

  it('keeps the table as a fixed mask beside the weights it holds at zero', () => {
    const a = analyze(writeSpec(conv('[[2], [0, 1]]')), { training: false });
    expect(body(printGraph(a.graph!)).split('\n').slice(1, 5).join('\n')).toBe(`  %c.mask: f32[1,1,3,2] = param() {init=connections, role=mask, table=[[2],[0,1]], trainable=false}
  %c.w: f32[1,1,3,2] = param() {fan_in=3, fan_out=2, init=glorot_uniform, mask=c.mask}
  %c.b: f32[2] = param() {init=zeros}
  %c: f32[N,4,4,2] = conv2d(%input, %c.w, %c.b, %c.mask) {connections=[[2],[0,1]], filters=2, kernel=[1,1], padding=[0,0,0,0], stride=[1,1]}`);
  });

  it('reads prototypes: X and # are +1, . is −1, % starts a comment, blank lines separate bitmaps', () => {
    const dir = writeSpec({ input: [1, 1, 1], layers: '  - { name: f, op: flatten }' });
    const at = (name: string, text: string) => {
      const p = join(dir, '..', name);
      writeFileSync(p, text);
      return readPrototypes(p);
    };
    expect(at('a.txt', '% two bitmaps\r\nX.\r\n.#\r\n\r\n\r\n  ##  \r\n..\r\n% end\r\n')).toEqual({ values: [1, -1, -1, 1, 1, 1, -1, -1], units: 2, size: 4 });
    expect(at('b.txt', '\n\nX.X\n')).toEqual({ values: [1, -1, 1], units: 1, size: 3 });
    expect(at('c.txt', 'X.\nXo\n')).toBe("has the line 'Xo'; a bitmap row holds only X (or #) for +1 and . for −1");
    expect(at('c2.txt', 'X.\noX\n')).toBe("has the line 'oX'; a bitmap row holds only X (or #) for +1 and . for −1");
    expect(at('d.txt', '% nothing\n\n')).toBe('holds no bitmaps');
    expect(at('e.txt', 'X.\n..\n\nX\n')).toBe('bitmap 2 has 1 pixels, but the first has 4; all must have the same size');
    expect(at('f.txt', 'X.\n..\n\nX\n.\n\nXX\n')).toBe('bitmap 2 has 2 pixels, but the first has 4; all must have the same size');
    expect(readPrototypes(join(dir, '..', 'none.txt'))).toBe('does not exist');
    expect(readPrototypes(join(dir, '..'))).toMatch(/^cannot be read \(/);
    expect(readFileSync(dir, 'utf8')).toContain('netc: 1');
  });

  it('names a prototypes file that does not fit the layer, or cannot be read', () => {
    const rbf = '  - { name: out, op: rbf, units: 2, prototypes: p.txt }';
    const spec = (files: Record<string, string>) => ({ input: [2, 1, 1] as const, files, layers: `  - { name: f, op: flatten }\n${rbf}` });
    expect(diag(spec({ 'p.txt': 'X\n.\n\n.\nX\n' }))).toEqual([]);
    const wrong = diag(spec({ 'p.txt': 'X\n.\n' }));
    expect(wrong.map((x) => [x.code, x.loc?.line, x.loc?.column, x.message])).toEqual([
      ['NETC4010', 6, col(rbf, 'prototypes: '), "layer 'out': its prototypes file holds 1 prototypes of 2 values, but the layer has 2 units on an input of 2; make them agree"],
    ]);
    expect(diag(spec({ 'p.txt': 'X.X\n\n.X.\n' })).map((x) => x.message)).toEqual([
      "layer 'out': its prototypes file holds 2 prototypes of 3 values, but the layer has 2 units on an input of 2; make them agree",
    ]);
    const missing = diag(spec({}));
    expect(missing.map((x) => [x.code, x.loc?.line])).toEqual([['NETC7001', 6]]);
    expect(missing[0]!.message).toMatch(/p\.txt: does not exist$/);
    // an absolute path is taken as it is
    const elsewhere = join(writeSpec({ input: [1, 1, 1], layers: '  - { name: f, op: flatten }' }), '..', 'q.txt');
    writeFileSync(elsewhere, 'X\n.\n\n.\nX\n');
    const abs = { input: [2, 1, 1] as const, layers: `  - { name: f, op: flatten }\n  - { name: out, op: rbf, units: 2, prototypes: '${elsewhere}' }` };
    expect(diag(abs)).toEqual([]);
    const bad = diag(spec({ 'p.txt': 'X?\n' }));
    expect(bad[0]!.message).toMatch(/p\.txt: has the line 'X\?'/);
  });
});
