/**
 * The IR's small pieces, each against what its doc comment promises: the node constructor's
 * checks (unknown op, arity), the registries (a name registered twice is refused), the
 * initializer attributes (both directions, every kind), the type helpers, the schema cache,
 * and the interpreter's own checks and memory layouts.
 */
import { describe, expect, it } from 'vitest';
import { makeNode } from '../../src/ir/build.js';
import { initFromAttrs, initToAttrs } from '../../src/ir/init.js';
import { interpret } from '../../src/ir/interpret.js';
import { attrNums, BATCH, batch, last, pair, rows, size } from '../../src/ir/ops/common.js';
import { allLayers, allOps, getLayer, getOp, registerLayer, registerOp } from '../../src/ir/ops/index.js';
import { isProblem } from '../../src/ir/registry.js';
import { specSchema, buildSchema } from '../../src/ir/schema.js';
import { elementsPerExample, exampleShape, f32, formatShape, nodeMap, outputIds, sameShape, type Graph } from '../../src/ir/types.js';
import type { Init } from '../../src/runtime/model.js';
import { LOC, make } from './ir-fixtures.js';

const meta = { id: 'y', layer: 'L', loc: LOC };
const problemOf = (op: string, inputs: ReturnType<typeof make>[], attrs = {}) => {
  const r = makeNode(op, inputs, attrs, meta);
  return isProblem(r) ? r.problem(LOC) : undefined;
};

describe('the node constructor', () => {
  const a = make('input', [], { shape: [4] }, 'a', '');
  const b = make('input', [], { shape: [4] }, 'b', 'bl');
  const img = make('input', [], { shape: [3, 3, 1] }, 'img');
  const w = make('param', [], { shape: [1, 1, 1, 2], init: 'zeros' }, 'w');
  const bias = make('param', [], { shape: [2], init: 'zeros' }, 'bias');
  const conv = { filters: 2, kernel: [1, 1], stride: [1, 1], padding: [0, 0, 0, 0] };

  it('refuses an op the registry does not know', () => {
    expect(problemOf('frobnicate', [a])).toMatchObject({ code: 'NETC9002', message: "internal error: unknown IR op 'frobnicate'; this is a bug in netc" });
  });

  it('checks the number of inputs: one count, a list of counts, or two and more', () => {
    expect(problemOf('tanh', [a, b])?.message).toBe("internal error: tanh 'y' takes 1 inputs, given 2; this is a bug in netc");
    expect(problemOf('tanh', [])?.code).toBe('NETC9002');
    expect(problemOf('add', [a])?.message).toBe("internal error: add 'y' takes variadic inputs, given 1; this is a bug in netc");
    expect(problemOf('add', [a, b])).toBeUndefined();
    expect(problemOf('add', [a, b, a, b])).toBeUndefined();
    // conv2d: x and weights, the bias unless use_bias is false, and a connection mask
    expect(problemOf('conv2d', [img])?.message).toBe("internal error: conv2d 'y' takes 2,3,4 inputs, given 1; this is a bug in netc");
    expect(problemOf('conv2d', [img, w], { ...conv, use_bias: false })).toBeUndefined();
    expect(problemOf('conv2d', [img, w, bias], conv)).toBeUndefined();
    expect(problemOf('conv2d', [img, w, bias, w], conv)).toBeUndefined();
    expect(problemOf('conv2d', [img, w, bias, w, w], conv)?.code).toBe('NETC9002');
    expect(problemOf('avgpool2d_grad', [img, img, img], { input: [3, 3, 1] })?.code).toBe('NETC9002');
  });

  it("names each input by the layer it came from, and an unnamed one as the network's input", () => {
    expect(problemOf('add', [a, make('input', [], { shape: [5] }, 'c', 'cl')])?.message).toContain('4 (input), 5 (cl)');
    expect(problemOf('concat', [b, img])?.message).toContain('4 (bl), 3×3×1 (img)');
  });

  it('makes a frozen node with the id, layer and place it is given', () => {
    const n = makeNode('tanh', [b], { k: 1 }, meta);
    expect(n).toEqual({ id: 'y', op: 'tanh', inputs: ['b'], attrs: { k: 1 }, type: f32(['N', 4]), layer: 'L', loc: LOC });
    expect(Object.isFrozen(n)).toBe(true);
  });

  it('lets shape rules refuse what their op cannot take', () => {
    const flat = make('input', [], { shape: [6] }, 'flat');
    const w32 = make('param', [], { shape: [3, 2], init: 'zeros' }, 'w32');
    const b2 = make('param', [], { shape: [2], init: 'zeros' }, 'b2');
    expect(problemOf('dense', [flat, w32, b2], { units: 2 })?.message).toContain("dense 'L' weights 3×2 do not fit input N×6");
    expect(problemOf('dense', [make('input', [], { shape: [3] }, 'x3'), w32, b2], { units: 3 })?.message).toContain('weights 3×2');
    expect(problemOf('conv2d', [img, w, b2], { ...conv, filters: 3 })?.message).toContain("conv2d 'L' weights 1×1×1×2 do not fit input N×3×3×1");
    const w2ch = make('param', [], { shape: [1, 1, 2, 2], init: 'zeros' }, 'w2ch');
    expect(problemOf('conv2d', [img, w2ch, bias], conv)?.code).toBe('NETC9002');
    const w12 = make('param', [], { shape: [1, 2, 1, 2], init: 'zeros' }, 'w12');
    expect(problemOf('conv2d', [img, w12, bias], conv)?.code).toBe('NETC9002');
    const b3 = make('param', [], { shape: [3], init: 'zeros' }, 'b3');
    expect(problemOf('conv2d', [img, w, b3], conv)?.code).toBe('NETC9002');
    expect(problemOf('conv2d', [img, make('param', [], { shape: [1, 1, 2], init: 'zeros' }, 'w3d'), bias], conv)?.code).toBe('NETC9002');
    expect(problemOf('subsample', [img, b2, b2], { pool: [1, 1], stride: [1, 1] })?.message).toContain("subsample 'L' has 2 coefficients for 1 channels");
    expect(problemOf('rbf', [flat, w32])?.message).toContain("rbf 'L' prototypes 3×2 do not fit input N×6");
    expect(problemOf('rbf', [img, make('param', [], { shape: [2, 3], init: 'zeros' }, 'p3')])?.code).toBe('NETC9002');
    expect(problemOf('mul', [a, img])?.message).toContain("mul of N×4 and N×3×3×1 in 'L'");
    expect(problemOf('mse', [a, img])?.message).toContain("mse of N×4 against labels N×3×3×1 in 'L'");
    expect(problemOf('dense', [img, w32, b2], { units: 2 })?.code).toBe('NETC4004');
    expect(problemOf('dense', [make('param', [], { shape: [1, 3], init: 'zeros' }, 'unbatched'), w32, b2], { units: 2 })?.code).toBe('NETC4004');
    expect(problemOf('pad', [a], { padding: [1, 1, 1, 1] })?.code).toBe('NETC4005');
    expect(problemOf('conv2d', [make('param', [], { shape: [1, 3, 3, 1], init: 'zeros' }, 'p4'), w, bias], conv)?.code).toBe('NETC4005');
  });

  it('checks each dimension of conv2d weights, and its bias, on its own', () => {
    const img2 = make('input', [], { shape: [5, 5, 2] }, 'img2');
    const attrs = { filters: 3, kernel: [3, 2], stride: [1, 1], padding: [0, 0, 0, 0] };
    const weights = (shape: number[]) => make('param', [], { shape, init: 'zeros' }, `w${shape.join('x')}`);
    const b3 = make('param', [], { shape: [3], init: 'zeros' }, 'b3');
    expect(problemOf('conv2d', [img2, weights([3, 2, 2, 3]), b3], attrs)).toBeUndefined();
    for (const shape of [[3, 2, 2, 3, 1], [2, 2, 2, 3], [3, 3, 2, 3], [3, 2, 1, 3], [3, 2, 2, 2]]) {
      expect(problemOf('conv2d', [img2, weights(shape), b3], attrs)?.message, shape.join('×')).toBe(
        `internal error: conv2d 'L' weights ${shape.join('×')} do not fit input N×5×5×2; this is a bug in netc`,
      );
    }
    const b2 = make('param', [], { shape: [2], init: 'zeros' }, 'b2');
    expect(problemOf('conv2d', [img2, weights([3, 2, 2, 3]), b2], attrs)?.code).toBe('NETC9002');
  });

  it('names the op and the layer an image op needed an image from, and blames its inputs', () => {
    const flat = make('input', [], { shape: [6] }, 'flat', 'f');
    const cases: [string, ReturnType<typeof make>[], object][] = [
      ['conv2d', [flat, make('param', [], { shape: [1, 1, 6, 1], init: 'zeros' }, 'cw'), make('param', [], { shape: [1], init: 'zeros' }, 'cb')], { filters: 1, kernel: [1, 1], stride: [1, 1], padding: [0, 0, 0, 0] }],
      ['avgpool2d', [flat], { pool: [1, 1], stride: [1, 1], padding: [0, 0, 0, 0] }],
      ['maxpool2d', [flat], { pool: [1, 1], stride: [1, 1], padding: [0, 0, 0, 0] }],
      ['subsample', [flat, make('param', [], { shape: [6], init: 'zeros' }, 'sc'), make('param', [], { shape: [6], init: 'zeros' }, 'sb')], { pool: [1, 1], stride: [1, 1] }],
      ['pad', [flat], { padding: [1, 1, 1, 1] }],
    ];
    for (const [op, inputs, attrs] of cases) {
      const r = makeNode(op, inputs, attrs as never, meta);
      expect(isProblem(r), op).toBe(true);
      if (!isProblem(r)) continue;
      expect(r.attr, op).toBe('inputs');
      expect(r.problem(LOC).message, op).toBe(`layer 'L' (${op}) needs an image input (height, width, channels), but 'f' gives 6; move it before the flatten layer`);
    }
    const w = make('param', [], { shape: [4, 2], init: 'zeros' }, 'dw');
    const r = makeNode('dense', [img, w, bias], { units: 2 }, meta);
    expect(isProblem(r) && [r.attr, r.problem(LOC).message]).toEqual([
      'inputs',
      "layer 'L' (dense) needs a flat input, but 'img' gives 3×3×1; add '- { name: flat, op: flatten }' before 'L'",
    ]);
    for (const op of ['add', 'concat']) {
      const m = makeNode(op, [img, flat], {}, meta);
      expect(isProblem(m) && m.attr, op).toBe('inputs');
    }
    // a window too large is blamed at the window's attribute
    const big = makeNode('subsample', [img, make('param', [], { shape: [1], init: 'zeros' }, 's1'), make('param', [], { shape: [1], init: 'zeros' }, 's2')], { pool: [4, 1], stride: [1, 1] }, meta);
    expect(isProblem(big) && [big.attr, big.problem(LOC).message]).toEqual([
      'pool',
      "layer 'L': the pool window 4×1 is larger than its padded input 3×3; use a smaller pool window, add padding, or remove a pooling layer before it",
    ]);
    const fits = makeNode('conv2d', [img, make('param', [], { shape: [4, 4, 1, 2], init: 'zeros' }, 'w44b'), bias], { filters: 2, kernel: [4, 4], stride: [1, 1], padding: [0, 0, 0, 0] }, meta);
    expect(isProblem(fits) && [fits.attr, fits.problem(LOC).code]).toEqual(['kernel', 'NETC4001']);
    const pool = makeNode('maxpool2d', [img], { pool: [1, 4], stride: [1, 1], padding: [0, 0, 0, 0] }, meta);
    expect(isProblem(pool) && [pool.attr, pool.problem(LOC).message]).toEqual([
      'pool',
      "layer 'L': the pool window 1×4 is larger than its padded input 3×3; use a smaller pool window, add padding, or remove a pooling layer before it",
    ]);
  });

  it('gives the gradient ops the shapes of what they differentiate', () => {
    const dz = make('input', [], { shape: [2, 3, 5] }, 'dz');
    const x = make('input', [], { shape: [4, 6, 2] }, 'x');
    expect(make('bias_grad', [dz], {}, 'db').type.shape).toEqual([5]);
    expect(make('conv2d_grad_filter', [x, dz], { kernel: [3, 2] }, 'dw').type.shape).toEqual([3, 2, 2, 5]);
    expect(make('conv2d_grad_input', [dz, x], { input: [4, 6, 2] }, 'dx').type.shape).toEqual(['N', 4, 6, 2]);
    expect(make('subsample_grad_coef', [x, dz], {}, 'dc').type.shape).toEqual([2]);
    expect(make('subsample_grad_input', [dz, x], { input: [7, 1, 3] }, 'dsi').type.shape).toEqual(['N', 7, 1, 3]);
    expect(make('avgpool2d_grad', [dz], { input: [4, 6, 5] }, 'dp').type.shape).toEqual(['N', 4, 6, 5]);
    expect(make('maxpool2d_grad', [x, dz], {}, 'dm').type.shape).toEqual(['N', 4, 6, 2]);
    expect(make('crop', [x], { padding: [1, 0, 2, 1] }, 'cr').type.shape).toEqual(['N', 3, 3, 2]);
    expect(make('slice_channels', [x], { offset: 0, channels: 1 }, 'sc').type.shape).toEqual(['N', 4, 6, 1]);
    const flat = make('input', [], { shape: [6] }, 'flat');
    const w = make('param', [], { shape: [6, 4], init: 'zeros' }, 'w');
    const dy = make('input', [], { shape: [4] }, 'dy');
    expect(make('dense_grad_input', [dy, w], {}, 'ddx').type.shape).toEqual(['N', 6]);
    expect(make('dense_grad_weight', [flat, dy], {}, 'ddw').type.shape).toEqual([6, 4]);
    expect(make('rbf_grad_input', [flat, w, dy], {}, 'drx').type.shape).toEqual(['N', 6]);
    expect(make('reshape', [flat], { shape: [3, 2] }, 'rs').type.shape).toEqual(['N', 3, 2]);
    expect(make('categorical_crossentropy_grad', [dy, dy], {}, 'dce').type.shape).toEqual(['N', 4]);
  });
});

describe('the registries', () => {
  it('refuses a second op or layer of a name already taken', () => {
    const tanh = getOp('tanh')!;
    expect(() => registerOp({ ...tanh })).toThrow("an IR op named 'tanh' is already registered");
    expect(() => registerLayer({ ...getLayer('dense')! })).toThrow("a spec layer 'dense' is already registered");
    expect(getOp('tanh')).toBe(tanh);
    expect(allOps().filter((o) => o.name === 'tanh')).toHaveLength(1);
    expect(allLayers().filter((l) => l.op === 'dense')).toHaveLength(1);
  });

  it('adds a new op everywhere the registry is read, without changing a list taken before', () => {
    const before = allOps();
    const name = `probe_op_${before.length}_${Math.random().toString(36).slice(2)}`;
    registerOp({ name, summary: 'a probe', arity: 1, shape: ([x]) => x! });
    expect(getOp(name)?.name).toBe(name);
    expect(allOps()).not.toBe(before);
    expect(allOps().map((o) => o.name)).toEqual([...before.map((o) => o.name), name]);
    expect(before.some((o) => o.name === name)).toBe(false);
    const x = make('input', [], { shape: [2] }, 'x');
    expect(make(name, [x], {}, 'y').type.shape).toEqual(['N', 2]);
    expect(() => registerOp({ name, summary: 'again', arity: 1, shape: ([v]) => v! })).toThrow(`an IR op named '${name}' is already registered`);
  });

  it('knows each op by its name, and a layer by its op', () => {
    for (const o of allOps()) expect(getOp(o.name)).toBe(o);
    for (const l of allLayers()) expect(getLayer(l.op)).toBe(l);
    expect(getOp('activation')).toBeUndefined();
    expect(getLayer('tanh')).toBeUndefined();
    expect(getOp('constructor')).toBeUndefined();
  });

  it('rebuilds the validation schema only when a registry changed', () => {
    const one = specSchema();
    expect(specSchema()).toBe(one);
    expect(specSchema()).toEqual(buildSchema());
    const name = `probe_${allLayers().length}_${Math.random().toString(36).slice(2)}`;
    registerLayer({ op: name, summary: 'a probe', properties: {}, required: [], inputs: { min: 1, max: 3 }, lower: (_l, [x]) => x });
    const two = specSchema();
    expect(two).not.toBe(one);
    const layer = (two as { definitions: { layer: { oneOf: { properties: { op: { const: string }; inputs: Record<string, unknown> } }[] } } }).definitions.layer.oneOf.find(
      (s) => s.properties.op.const === name,
    )!;
    expect(layer.properties.inputs).toMatchObject({ minItems: 1, maxItems: 3, description: "the layers this one reads; 'input' is the network's input" });
    expect(specSchema()).toBe(two);
  });
});

describe('initializers as attributes', () => {
  it.each<[Init, Record<string, unknown>]>([
    [{ kind: 'glorot_uniform', fanIn: 12, fanOut: 30 }, { init: 'glorot_uniform', fan_in: 12, fan_out: 30 }],
    [{ kind: 'uniform', limit: 0.25 }, { init: 'uniform', limit: 0.25 }],
    [{ kind: 'constant', value: 0.5 }, { init: 'constant', value: 0.5 }],
    [{ kind: 'values', values: [1, -1, 2] }, { init: 'values', values: [1, -1, 2] }],
    [{ kind: 'connections', table: [[0, 2], [1]] }, { init: 'connections', table: [[0, 2], [1]] }],
    [{ kind: 'zeros' }, { init: 'zeros' }],
    [{ kind: 'ones' }, { init: 'ones' }],
  ])('%o ⇄ %o', (init, attrs) => {
    expect(initToAttrs(init)).toEqual(attrs);
    expect(initFromAttrs(attrs as never)).toEqual(init);
  });

  it('copies value lists and tables, and refuses an unknown kind', () => {
    const values = [1, 2];
    const a = initToAttrs({ kind: 'values', values });
    values.push(3);
    expect(a.values).toEqual([1, 2]);
    const table = [[0]];
    const t = initToAttrs({ kind: 'connections', table });
    table[0]!.push(1);
    expect(t.table).toEqual([[0]]);
    expect(() => initFromAttrs({ init: 'he_normal' })).toThrow("unknown initializer 'he_normal'");
    expect(() => initFromAttrs({})).toThrow("unknown initializer 'undefined'");
  });
});

describe('the type helpers', () => {
  it('count, print and compare shapes', () => {
    expect(elementsPerExample(['N', 3, 4])).toBe(12);
    expect(elementsPerExample([5, 2])).toBe(10);
    expect(elementsPerExample([])).toBe(1);
    expect(exampleShape(['N', 3, 4])).toEqual([3, 4]);
    expect(formatShape([])).toBe('scalar');
    expect(formatShape(['N', 28, 28, 1])).toBe('N×28×28×1');
    expect(sameShape(['N', 2], ['N', 2])).toBe(true);
    expect(sameShape(['N', 2], [2, 'N'])).toBe(false);
    expect(sameShape(['N', 2], ['N', 2, 1])).toBe(false);
    expect(sameShape([], [])).toBe(true);
  });

  it('list the values a graph keeps to its end', () => {
    expect(outputIds({})).toEqual([]);
    expect(outputIds({ prediction: 'p', loss: 'l', scores: 's', gradients: { w: 'gw', b: 'gb' }, updates: { s1: 'u1' } })).toEqual(['p', 'l', 's', 'gw', 'gb', 'u1']);
    const g: Graph = { name: 'g', nodes: [make('input', [], { shape: [1] }, 'i')], outputs: {} };
    expect([...nodeMap(g).keys()]).toEqual(['i']);
  });
});

describe("the op files' shared helpers", () => {
  it('count elements for kernels: times the batch when the tensor has one', () => {
    expect(size(f32(['N', 2, 3]))).toEqual({ batch: 6 });
    expect(size(f32([2, 3]))).toBe(6);
    expect(size(f32([]))).toBe(1);
    expect(rows(f32(['N', 2, 3, 5]))).toEqual({ batch: 6 });
    expect(rows(f32([4, 5]))).toBe(4);
    expect(rows(f32(['N', 7]))).toEqual({ batch: 1 });
    expect(last(f32(['N', 2, 9]))).toBe(9);
    expect(BATCH).toEqual({ batch: 1 });
    expect(batch(3, 4)).toEqual(['N', 3, 4]);
  });

  it('read an int or a pair as a pair, and numbers from attributes', () => {
    expect(pair(3, [1, 1])).toEqual([3, 3]);
    expect(pair([2, 5], [1, 1])).toEqual([2, 5]);
    expect(pair(['2', '5'], [1, 1])).toEqual([2, 5]);
    expect(pair(undefined, [4, 6])).toEqual([4, 6]);
    expect(pair([1, 2, 3], [4, 6])).toEqual([4, 6]);
    expect(pair('same', [7, 8])).toEqual([7, 8]);
    expect(attrNums([1, '2'])).toEqual([1, 2]);
    expect(attrNums(3)).toEqual([]);
    expect(attrNums(undefined)).toEqual([]);
  });
});

describe('the interpreter', () => {
  const x = make('input', [], { shape: [3] }, 'x');
  const t = make('affine', [x], { scale: 2, shift: 1 }, 't');
  const v = make('flatten', [t], {}, 'v');
  const u = make('affine', [v], { scale: 1, shift: 0.5 }, 'u');
  const g: Graph = { name: 'g', nodes: [x, t, v, u], outputs: { prediction: 'u' } };

  it('checks what it is fed', () => {
    expect(() => interpret(g, {}, { batch: 1 })).toThrow("interpret: no value fed for 'x'");
    expect(() => interpret(g, { x: [1, 2] }, { batch: 1 })).toThrow("interpret: 'x' needs 3 values, got 2");
    expect(() => interpret(g, { x: [1, 2, 3] }, { batch: 2 })).toThrow("interpret: 'x' needs 6 values, got 3");
    expect(() => interpret(g, { x: [1, 2, 3] }, { batch: 1, usePlan: true })).toThrow('interpret: the graph has no memory plan');
  });

  it('computes in float32 by default and in float64 when asked', () => {
    const third = 1 / 3;
    expect(Array.from(interpret(g, { x: [third, 0, 0] }, { batch: 1 }).get('t'))).toEqual([Math.fround(2 * Math.fround(third) + 1), 1, 1]);
    expect(Array.from(interpret(g, { x: [third, 0, 0] }, { batch: 1, dtype: 'f64' }).get('t'))).toEqual([2 * third + 1, 1, 1]);
  });

  it('lays values out one after the other (a view shares its input), or as the plan says', () => {
    const feeds = { x: [1, 2, 3, 4, 5, 6] };
    const r = interpret(g, feeds, { batch: 2 });
    expect(Array.from(r.get('v'))).toEqual([3, 5, 7, 9, 11, 13]);
    expect(Array.from(r.get('u'))).toEqual([3.5, 5.5, 7.5, 9.5, 11.5, 13.5]);
    // a plan that puts u over x (x is dead by then) and holds 4 examples
    const plan = { batch: 4, offsets: { x: 0, t: 12, v: 12, u: 0 }, sizes: { x: 12, t: 12, v: 12, u: 12 }, end: 24, base: 0, plannedFloats: 24, naiveFloats: 36 };
    const p = interpret({ ...g, plan }, feeds, { batch: 2, usePlan: true });
    expect(Array.from(p.get('u'))).toEqual([3.5, 5.5, 7.5, 9.5, 11.5, 13.5]);
    expect(Array.from(p.get('x'))).toEqual([3.5, 5.5, 7.5, 9.5, 11.5, 13.5]);
    expect(() => interpret({ ...g, plan }, feeds, { batch: 5, usePlan: true })).toThrow("interpret: batch 5 exceeds the plan's 4");
    expect(() => interpret({ ...g, plan }, { x: new Array(12).fill(0) }, { batch: 4, usePlan: true })).not.toThrow();
  });

  it('hands a copy of a value, not a view of its arena', () => {
    const r = interpret(g, { x: [1, 2, 3] }, { batch: 1 });
    r.get('u').fill(0);
    expect(Array.from(r.get('u'))).toEqual([3.5, 5.5, 7.5]);
  });

  it('draws dropout masks from the seed it is given, 0 when none', () => {
    const d = make('dropout', [x], { rate: 0.5, salt: 3 }, 'd');
    const dg: Graph = { name: 'd', nodes: [x, d], outputs: { prediction: 'd' } };
    const feeds = { x: new Array(3 * 64).fill(1) };
    const at = (seed?: number) => Array.from(interpret(dg, feeds, { batch: 64, ...(seed === undefined ? {} : { seed }) }).get('d'));
    expect(at()).toEqual(at(0));
    expect(at()).not.toEqual(at(1));
  });
});
