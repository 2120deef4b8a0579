/**
 * Lowering gives the unfused IR a person would write by hand for a spec, and the verifier
 * catches graphs that break the IR's rules.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze } from '../../src/driver/analyze.js';
import { printGraph } from '../../src/ir/print.js';
import { verifyGraph } from '../../src/ir/verify.js';
import type { Graph, Node } from '../../src/ir/types.js';

const dir = mkdtempSync(join(tmpdir(), 'netc-lower-'));
function specFile(text: string): string {
  const f = join(dir, `s${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(f, text);
  return f;
}

describe('lowering', () => {
  it('makes an activation attribute and an activation layer into the same node', () => {
    const f = specFile(`netc: 1
name: small
input: { shape: [6, 6, 2] }
layers:
  - { name: c, op: conv2d, filters: 3, kernel: 3, stride: 1, padding: 1, activation: relu }
  - { name: p, op: maxpool2d, pool: 2 }
  - { name: a, op: activation, fn: sigmoid }
  - { name: f, op: flatten }
  - { name: d, op: dense, units: 10, activation: softmax }
train: { dataset: mnist, loss: mse }
`);
    const a = analyze(f);
    expect(a.diagnostics).toEqual([
      expect.objectContaining({ code: 'NETC5002' }), // 6×6×2 is not MNIST's 28×28×1
    ]);
    const b = analyze(f, { training: false });
    expect(printGraph(b.graph!)).toBe(`graph small {
  %input: f32[N,6,6,2] = input()
  %c.w: f32[3,3,2,3] = param() {fan_in=18, fan_out=27, init=glorot_uniform}
  %c.b: f32[3] = param() {init=zeros}
  %c: f32[N,6,6,3] = conv2d(%input, %c.w, %c.b) {filters=3, kernel=[3,3], padding=[1,1,1,1], stride=[1,1]}
  %c.relu: f32[N,6,6,3] = relu(%c)
  %p: f32[N,3,3,3] = maxpool2d(%c.relu) {padding=[0,0,0,0], pool=[2,2], stride=[2,2]}
  %a: f32[N,3,3,3] = sigmoid(%p)
  %f: f32[N,27] = flatten(%a)
  %d.w: f32[27,10] = param() {fan_in=27, fan_out=10, init=glorot_uniform}
  %d.b: f32[10] = param() {init=zeros}
  %d: f32[N,10] = dense(%f, %d.w, %d.b) {units=10}
  %d.softmax: f32[N,10] = softmax(%d)
}
outputs: prediction=%d.softmax
`);
  });

  it('lowers the training end: labels, the loss, and the scores before softmax', () => {
    const a = analyze('specs/lenet5.yaml');
    // training needs no prediction: leaving it out lets the softmax fold into the loss
    expect(a.graph!.outputs).toEqual({ loss: 'loss', scores: 'out' });
    const tail = printGraph(a.graph!).split('\n').slice(-5).join('\n');
    expect(tail).toBe(`  %labels: f32[N,10] = input() {role=labels}
  %loss: f32[] = categorical_crossentropy(%out.softmax, %labels)
}
outputs: loss=%loss scores=%out
`);
  });

  it('lowers a DAG in dependency order, whatever order the spec lists it in', () => {
    const f = specFile(`netc: 1
name: dag
input: { shape: [4, 4, 1] }
layers:
  - { name: sum, op: add, inputs: [a, b] }
  - { name: a, op: conv2d, filters: 2, kernel: 1, inputs: [input] }
  - { name: b, op: conv2d, filters: 2, kernel: 1, inputs: [input] }
output: sum
`);
    const a = analyze(f, { training: false });
    expect(a.ok).toBe(true);
    expect(a.graph!.nodes.filter((n) => n.op !== 'param').map((n) => n.id)).toEqual(['input', 'a', 'b', 'sum']);
    expect(verifyGraph(a.graph!)).toEqual([]);
  });

  it('remembers the spec position of every node', () => {
    const a = analyze('specs/lenet5.yaml');
    const c3 = a.graph!.nodes.find((n) => n.id === 'c3.tanh')!;
    expect([c3.loc.file, c3.loc.line]).toEqual(['specs/lenet5.yaml', 12]);
  });
});

describe('the verifier', () => {
  const good = analyze('specs/lenet5.yaml').graph!;
  const edit = (f: (nodes: Node[]) => Node[]): Graph => ({ ...good, nodes: f([...good.nodes]) });

  it('accepts what lowering makes', () => expect(verifyGraph(good)).toEqual([]));

  it('finds a node read before it is defined', () => {
    const g = edit((ns) => {
      const i = ns.findIndex((n) => n.id === 'c1');
      const [c1] = ns.splice(i, 1);
      return [...ns, c1!];
    });
    expect(verifyGraph(g).join('\n')).toMatch(/'c1.tanh' reads 'c1', which is not defined before it/);
  });

  it('finds a shape that the registry does not give', () => {
    const g = edit((ns) => ns.map((n) => (n.id === 's2' ? { ...n, type: { ...n.type, shape: ['N', 13, 12, 6] } } : n)));
    expect(verifyGraph(g).join('\n')).toMatch(/'s2' \(avgpool2d\) claims N×13×12×6 but its inputs give N×12×12×6/);
  });

  it('finds duplicate ids and dangling outputs', () => {
    const g = edit((ns) => [...ns, ns[1]!]);
    expect(verifyGraph(g).join('\n')).toMatch(/'c1.w' is defined twice/);
    const h: Graph = { ...good, outputs: { ...good.outputs, loss: 'nope' } };
    expect(verifyGraph(h)).toEqual(["the loss output 'nope' is not a node"]);
  });
});
