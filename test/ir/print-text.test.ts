/**
 * The IR printer's text, written out by hand for a graph that has every part the printer
 * knows: attributes in key order (with the shape of inputs and parameters left out, it is their
 * type), long value lists shortened and tables printed whole, a scalar, every kind of output,
 * gradients, state updates and a memory plan.
 */
import { describe, expect, it } from 'vitest';
import { formatAttrs, printGraph, printNode } from '../../src/ir/print.js';
import type { Graph } from '../../src/ir/types.js';
import { make } from './ir-fixtures.js';

const x = make('input', [], { shape: [2, 2, 1] }, 'input');
const labels = make('input', [], { shape: [3], role: 'labels' }, 'labels');
const f = make('flatten', [x], {}, 'f');
const w = make('param', [], { shape: [4, 3], init: 'values', values: Array.from({ length: 12 }, (_, i) => i) }, 'w');
const b = make('param', [], { shape: [3], init: 'zeros' }, 'b');
const d = make('dense', [f, w, b], { units: 3, activation: 'tanh' }, 'd');
const loss = make('mse', [d, labels], {}, 'loss');
const s = make('param', [], { shape: [3], init: 'zeros', trainable: false, role: 'state' }, 's');
const u = make('assign', [s, b], {}, 's.update');

describe('the IR printer', () => {
  it('prints a node: type, op, arguments, attributes in key order', () => {
    expect(printNode(d)).toBe('%d: f32[N,3] = dense(%f, %w, %b) {activation=tanh, units=3}');
    expect(printNode(x)).toBe('%input: f32[N,2,2,1] = input()');
    expect(printNode(labels)).toBe('%labels: f32[N,3] = input() {role=labels}');
    expect(printNode(loss)).toBe('%loss: f32[] = mse(%d, %labels)');
    // a shape attribute is printed for ops other than input and param
    expect(printNode(make('reshape', [d], { shape: [3, 1] }, 'r'))).toBe('%r: f32[N,3,1] = reshape(%d) {shape=[3,1]}');
  });

  it('prints up to 16 values whole, longer lists by their start and length, and tables whole', () => {
    const sixteen = Array.from({ length: 16 }, (_, i) => i - 8);
    expect(formatAttrs({ v: sixteen })).toBe(` {v=[${sixteen.join(',')}]}`);
    const seventeen = [0.5, -1, 2, 3, 4, ...Array.from({ length: 12 }, () => 9)];
    expect(formatAttrs({ v: seventeen })).toBe(' {v=[0.5,-1,2,3,… 17 values]}');
    const table = Array.from({ length: 18 }, (_, i) => [i, i + 1]);
    expect(formatAttrs({ table })).toBe(` {table=[${table.map((t) => `[${t.join(',')}]`).join(',')}]}`);
    expect(formatAttrs({})).toBe('');
    expect(formatAttrs({ b: 1, a: true, c: 'x' }, ['a'])).toBe(' {b=1, c=x}');
    expect(formatAttrs({ shape: [1] }, ['shape'])).toBe('');
  });

  it('prints a whole graph with its outputs, gradients, updates and memory plan', () => {
    const g: Graph = {
      name: 'whole',
      nodes: [x, labels, f, w, b, d, loss, s, u],
      outputs: { prediction: 'd', loss: 'loss', scores: 'd', gradients: { w: 'w', b: 'b' }, updates: { s: 's.update' } },
      plan: {
        batch: 2,
        offsets: { input: 0, f: 0, w: 8, b: 20, d: 24, loss: 32 },
        sizes: { input: 8, f: 8, w: 12, b: 3, d: 6, loss: 1 },
        end: 36,
        base: 24,
        plannedFloats: 12,
        naiveFloats: 15,
      },
    };
    expect(printGraph(g)).toBe(`graph whole {
  %input: f32[N,2,2,1] = input()
  %labels: f32[N,3] = input() {role=labels}
  %f: f32[N,4] = flatten(%input)
  %w: f32[4,3] = param() {init=values, values=[0,1,2,3,4,5,6,7,8,9,10,11]}
  %b: f32[3] = param() {init=zeros}
  %d: f32[N,3] = dense(%f, %w, %b) {activation=tanh, units=3}
  %loss: f32[] = mse(%d, %labels)
  %s: f32[3] = param() {init=zeros, role=state, trainable=false}
  %s.update: f32[3] = assign(%s, %b)
}
outputs: prediction=%d loss=%loss scores=%d
gradient: %w <- %w
gradient: %b <- %b
update: %s <- %s.update
memory: batch 2, 12 floats planned for 15 in buffers, arena ends at 36
  %input @ 0 +8
  %f @ 0 +8
  %w @ 8 +12
  %b @ 20 +3
  %d @ 24 +6
  %loss @ 32 +1
`);
  });

  it('prints only the outputs a graph has', () => {
    expect(printGraph({ name: 'p', nodes: [x], outputs: { prediction: 'input' } })).toBe('graph p {\n  %input: f32[N,2,2,1] = input()\n}\noutputs: prediction=%input\n');
    expect(printGraph({ name: 'l', nodes: [x], outputs: { loss: 'input' } })).toBe('graph l {\n  %input: f32[N,2,2,1] = input()\n}\noutputs: loss=%input\n');
    expect(printGraph({ name: 's', nodes: [], outputs: { scores: 'q' } })).toBe('graph s {\n}\noutputs: scores=%q\n');
  });
});
