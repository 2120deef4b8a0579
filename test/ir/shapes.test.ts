/**
 * Each op's shape rule against shapes worked out by hand from TensorFlow's documented rules
 * (valid: ceil((in − k + 1) / s); same: ceil(in / s)), the way Keras reports them.
 */
import { describe, expect, it } from 'vitest';
import { makeNode } from '../../src/ir/build.js';
import { explicitPadding } from '../../src/ir/ops/common.js';
import { isProblem } from '../../src/ir/registry.js';
import { f32, type Attrs, type Node, type Shape } from '../../src/ir/types.js';

const loc = { file: 't.yaml', line: 1, column: 1, length: 0 };
let n = 0;
const value = (shape: Shape, layer = `v${n++}`): Node =>
  ({ id: layer, op: 'input', inputs: [], attrs: {}, type: f32(shape), layer, loc }) as Node;

function shapeOf(op: string, inputs: Shape[], attrs: Attrs): Shape | string {
  const r = makeNode(op, inputs.map((s) => value(s)), attrs, { id: 'y', layer: 'y', loc });
  return isProblem(r) ? r.problem(loc).code : r.type.shape;
}

const conv = (input: [number, number, number], k: number, filters: number, stride = 1, padding: 'valid' | 'same' | number = 'valid') => {
  const pad = explicitPadding(padding, [input[0], input[1]], [k, k], [stride, stride]);
  return shapeOf('conv2d', [['N', ...input], [k, k, input[2], filters], [filters]], { filters, kernel: [k, k], stride: [stride, stride], padding: pad });
};

const pool = (op: string, input: [number, number, number], p: number, stride = p, padding: 'valid' | 'same' = 'valid') => {
  const pad = explicitPadding(padding, [input[0], input[1]], [p, p], [stride, stride]);
  return shapeOf(op, [['N', ...input]], { pool: [p, p], stride: [stride, stride], padding: pad });
};

describe('conv2d', () => {
  it.each([
    { input: [28, 28, 1], k: 5, f: 6, s: 1, p: 'valid', want: ['N', 24, 24, 6] },
    { input: [12, 12, 6], k: 5, f: 16, s: 1, p: 'valid', want: ['N', 8, 8, 16] },
    { input: [28, 28, 1], k: 5, f: 6, s: 1, p: 'same', want: ['N', 28, 28, 6] },
    { input: [28, 28, 3], k: 3, f: 8, s: 2, p: 'same', want: ['N', 14, 14, 8] },
    { input: [27, 27, 3], k: 3, f: 8, s: 2, p: 'same', want: ['N', 14, 14, 8] },
    { input: [27, 27, 3], k: 3, f: 8, s: 2, p: 'valid', want: ['N', 13, 13, 8] },
    { input: [28, 28, 1], k: 5, f: 4, s: 1, p: 2, want: ['N', 28, 28, 4] },
    { input: [5, 5, 16], k: 5, f: 120, s: 1, p: 'valid', want: ['N', 1, 1, 120] },
    { input: [4, 4, 1], k: 5, f: 1, s: 1, p: 'valid', want: 'NETC4001' },
    { input: [4, 4, 1], k: 5, f: 1, s: 1, p: 'same', want: ['N', 4, 4, 1] },
  ] as const)('$input k=$k s=$s $p → $want', ({ input, k, f, s, p, want }) => {
    expect(conv([...input], k, f, s, p)).toEqual(want);
  });

  it('rejects a flat input', () => {
    expect(shapeOf('conv2d', [['N', 784], [5, 5, 1, 6], [6]], { filters: 6, kernel: [5, 5], stride: [1, 1], padding: [0, 0, 0, 0] })).toBe('NETC4005');
  });

  it("puts 'same' padding's odd pixel at the bottom and right, as TensorFlow does", () => {
    expect(explicitPadding('same', [28, 28], [4, 4], [1, 1])).toEqual([1, 2, 1, 2]);
    expect(explicitPadding('same', [27, 27], [3, 3], [2, 2])).toEqual([1, 1, 1, 1]);
    expect(explicitPadding('same', [28, 28], [3, 3], [2, 2])).toEqual([0, 1, 0, 1]);
  });
});

describe('conv2d with dilation and without a bias', () => {
  // Keras: the taps span (k − 1)·d + 1 pixels; valid gives ⌊(in − span) / s⌋ + 1, same ⌈in / s⌉
  const dilated = (input: [number, number, number], k: [number, number], d: [number, number], s: number, padding: 'valid' | 'same', useBias = true) => {
    const span: [number, number] = [(k[0] - 1) * d[0] + 1, (k[1] - 1) * d[1] + 1];
    const pad = explicitPadding(padding, [input[0], input[1]], span, [s, s]);
    const attrs = { filters: 4, kernel: k, stride: [s, s], padding: pad, dilation: d, ...(useBias ? {} : { use_bias: false }) };
    return shapeOf('conv2d', [['N', ...input], [k[0], k[1], input[2], 4], ...(useBias ? [[4] as Shape] : [])], attrs);
  };
  it.each([
    { input: [28, 28, 1], k: [3, 3], d: [2, 2], s: 1, p: 'valid', want: ['N', 24, 24, 4] },
    { input: [28, 28, 1], k: [3, 3], d: [2, 2], s: 1, p: 'same', want: ['N', 28, 28, 4] },
    { input: [12, 12, 3], k: [3, 5], d: [2, 1], s: 1, p: 'valid', want: ['N', 8, 8, 4] },
    { input: [10, 10, 1], k: [3, 3], d: [4, 4], s: 1, p: 'valid', want: ['N', 2, 2, 4] },
    { input: [11, 11, 2], k: [3, 3], d: [2, 2], s: 2, p: 'valid', want: ['N', 4, 4, 4] },
    { input: [7, 7, 2], k: [3, 3], d: [3, 3], s: 1, p: 'same', want: ['N', 7, 7, 4] },
    { input: [10, 10, 1], k: [3, 3], d: [5, 5], s: 1, p: 'valid', want: 'NETC4001' },
  ] as const)('$input k=$k d=$d s=$s $p → $want', ({ input, k, d, s, p, want }) => {
    expect(dilated([...input], [...k], [...d], s, p)).toEqual(want);
  });

  it('has no bias input with use_bias: false', () => {
    expect(dilated([6, 6, 2], [3, 3], [1, 1], 1, 'valid', false)).toEqual(['N', 4, 4, 4]);
  });
});

describe('depthwise_conv2d', () => {
  const depthwise = (input: [number, number, number], k: [number, number], m: number, s: number, padding: 'valid' | 'same') => {
    const pad = explicitPadding(padding, [input[0], input[1]], k, [s, s]);
    const weights: Shape = [k[0], k[1], input[2], m];
    return shapeOf('depthwise_conv2d', [['N', ...input], weights, [input[2] * m]], { kernel: k, stride: [s, s], padding: pad, depth_multiplier: m });
  };
  it.each([
    { input: [28, 28, 8], k: [3, 3], m: 1, s: 1, p: 'same', want: ['N', 28, 28, 8] },
    { input: [28, 28, 3], k: [5, 5], m: 4, s: 1, p: 'valid', want: ['N', 24, 24, 12] },
    { input: [15, 15, 8], k: [3, 3], m: 1, s: 2, p: 'same', want: ['N', 8, 8, 8] },
    { input: [9, 7, 2], k: [3, 2], m: 3, s: 2, p: 'valid', want: ['N', 4, 3, 6] },
    { input: [3, 3, 4], k: [4, 4], m: 1, s: 1, p: 'valid', want: 'NETC4001' },
  ] as const)('$input k=$k multiplier $m s=$s $p → $want', ({ input, k, m, s, p, want }) => {
    expect(depthwise([...input], [...k], m, s, p)).toEqual(want);
  });

  it('rejects a flat input', () => {
    expect(shapeOf('depthwise_conv2d', [['N', 64], [3, 3, 1, 1], [1]], { kernel: [3, 3], stride: [1, 1], padding: [0, 0, 0, 0], depth_multiplier: 1 })).toBe('NETC4005');
  });
});

describe('global pooling', () => {
  it.each(['global_avgpool2d', 'global_maxpool2d'])('%s maps N×H×W×C to N×C, and asks for an image', (op) => {
    expect(shapeOf(op, [['N', 7, 7, 16]], {})).toEqual(['N', 16]);
    expect(shapeOf(op, [['N', 1, 1, 3]], {})).toEqual(['N', 3]);
    expect(shapeOf(op, [['N', 49]], {})).toBe('NETC4005');
  });
});

describe('pooling', () => {
  it.each([
    { op: 'avgpool2d', input: [24, 24, 6], p: 2, s: 2, pad: 'valid', want: ['N', 12, 12, 6] },
    { op: 'maxpool2d', input: [8, 8, 16], p: 2, s: 2, pad: 'valid', want: ['N', 4, 4, 16] },
    { op: 'maxpool2d', input: [7, 7, 4], p: 2, s: 2, pad: 'valid', want: ['N', 3, 3, 4] },
    { op: 'maxpool2d', input: [7, 7, 4], p: 2, s: 2, pad: 'same', want: ['N', 4, 4, 4] },
    { op: 'avgpool2d', input: [7, 7, 4], p: 3, s: 1, pad: 'valid', want: ['N', 5, 5, 4] },
    { op: 'avgpool2d', input: [1, 1, 4], p: 2, s: 2, pad: 'valid', want: 'NETC4001' },
  ] as const)('$op $input pool=$p stride=$s $pad → $want', ({ op, input, p, s, pad, want }) => {
    expect(pool(op, [...input], p, s, pad)).toEqual(want);
  });
});

describe('dense, flatten, pad, add, concat, activations, losses', () => {
  it('dense maps [N, K] to [N, units]', () => {
    expect(shapeOf('dense', [['N', 256], [256, 120], [120]], { units: 120 })).toEqual(['N', 120]);
  });
  it('dense on an image asks for a flatten', () => {
    expect(shapeOf('dense', [['N', 4, 4, 16], [256, 120], [120]], { units: 120 })).toBe('NETC4004');
  });
  it('flatten keeps the batch and multiplies the rest', () => {
    expect(shapeOf('flatten', [['N', 4, 4, 16]], {})).toEqual(['N', 256]);
  });
  it('pad grows height and width only', () => {
    expect(shapeOf('pad', [['N', 28, 28, 1]], { padding: [2, 2, 2, 2] })).toEqual(['N', 32, 32, 1]);
  });
  it('add needs equal shapes', () => {
    expect(shapeOf('add', [['N', 8, 8, 4], ['N', 8, 8, 4], ['N', 8, 8, 4]], {})).toEqual(['N', 8, 8, 4]);
    expect(shapeOf('add', [['N', 8, 8, 4], ['N', 8, 8, 5]], {})).toBe('NETC4002');
  });
  it('concat sums channels and needs equal height and width', () => {
    expect(shapeOf('concat', [['N', 8, 8, 4], ['N', 8, 8, 6]], {})).toEqual(['N', 8, 8, 10]);
    expect(shapeOf('concat', [['N', 120], ['N', 84]], {})).toEqual(['N', 204]);
    expect(shapeOf('concat', [['N', 8, 8, 4], ['N', 7, 8, 4]], {})).toBe('NETC4003');
    expect(shapeOf('concat', [['N', 8, 8, 4], ['N', 64]], {})).toBe('NETC4003');
  });
  it.each(['tanh', 'scaled_tanh', 'relu', 'sigmoid', 'softmax', 'dropout'])('%s keeps the shape', (op) => {
    expect(shapeOf(op, [['N', 3, 5, 7]], op === 'dropout' ? { rate: 0.5 } : {})).toEqual(['N', 3, 5, 7]);
  });
  it('losses are scalars', () => {
    expect(shapeOf('categorical_crossentropy', [['N', 10], ['N', 10]], {})).toEqual([]);
    expect(shapeOf('mse', [['N', 10], ['N', 10]], {})).toEqual([]);
  });
  it('the node constructor checks arity', () => {
    expect(shapeOf('flatten', [['N', 4], ['N', 4]], {})).toBe('NETC9002');
    expect(shapeOf('add', [['N', 4]], {})).toBe('NETC9002');
  });
});
