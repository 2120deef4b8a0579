/**
 * The summary's numbers against figures worked out by hand: the 1998 paper's own table of
 * LeNet-5 (LeCun et al. 1998, section II.B: C1 has 156 trainable parameters and 122,304
 * connections, S2 12 and 5,880, C3 1,516 and 151,600, S4 32 and 2,000, C5 48,120, F6 10,164;
 * 60,000 trainable parameters in all), the Keras tutorial's LeNet-5 (44,426 parameters), and
 * multiply-accumulates counted from each layer's output size and window.
 */
import { describe, expect, it } from 'vitest';
import { analyze } from '../../src/driver/analyze.js';
import type { LayerSummary } from '../../src/ir/summary.js';
import { writeSpec } from './ir-fixtures.js';

const rows = (s: { layers: LayerSummary[] }) => Object.fromEntries(s.layers.map((l) => [l.name, l]));

// Each test analyzes its spec itself: what runs while a file is collected is not counted as
// covered by any test, so a mutant there would be checked against none of these numbers.
describe('the 1998 LeNet-5', () => {
  it("has the paper's parameters and connections, layer by layer", () => {
    const r = rows(analyze('specs/lenet5-1998.yaml').summary!);
    expect(r.c1).toMatchObject({ params: 156, connections: 122_304, fixed_params: 0, shape: [28, 28, 6], activation: 'scaled_tanh' });
    expect(r.s2).toMatchObject({ params: 12, connections: 5_880, shape: [14, 14, 6] });
    // C3 reads 60 of the 96 (input channel, filter) pairs: the connection table is not a parameter
    expect(r.c3).toMatchObject({ params: 1_516, connections: 151_600, fixed_params: 0, shape: [10, 10, 16] });
    expect(r.s4).toMatchObject({ params: 32, connections: 2_000, shape: [5, 5, 16] });
    expect(r.c5).toMatchObject({ params: 48_120, connections: 48_120, shape: [1, 1, 120] });
    expect(r.flat).toMatchObject({ params: 0, connections: 0, macs: 0, shape: [120] });
    expect(r.f6).toMatchObject({ params: 10_164, connections: 10_164, shape: [84] });
    // the prototypes: 10 fixed 84-value bitmaps, each output reads all 84 inputs
    expect(r.out).toMatchObject({ params: 0, fixed_params: 840, state_params: 0, connections: 840, shape: [10] });
    expect(r.out!.activation).toBeUndefined();
  });

  it('has 60,000 trainable parameters, and multiply-accumulates counted by hand', () => {
    const s = analyze('specs/lenet5-1998.yaml').summary!;
    expect(s.params).toBe(60_000);
    expect(s.fixed_params).toBe(840);
    // fixed, not updated by training: no state
    expect(s.state_params).toBe(0);
    // conv: output pixels × kernel area × connected inputs; subsample: one multiply per output;
    // dense and RBF: inputs × units
    const macs = { c1: 28 * 28 * 25 * 6, s2: 14 * 14 * 6, c3: 10 * 10 * 25 * 60, s4: 5 * 5 * 16, c5: 25 * 16 * 120, flat: 0, f6: 120 * 84, out: 84 * 10 };
    expect(Object.fromEntries(s.layers.map((l) => [l.name, l.macs]))).toEqual(macs);
    expect(s.macs).toBe(Object.values(macs).reduce((a, b) => a + b, 0));
    expect(s.connections).toBe(122_304 + 5_880 + 151_600 + 2_000 + 48_120 + 10_164 + 840);
  });
});

describe("the Keras tutorial's LeNet-5", () => {
  it('has 44,426 parameters; pooling has connections but no parameters or multiplies', () => {
    const s = analyze('specs/lenet5.yaml').summary!;
    const r = rows(s);
    expect(s.params).toBe(44_426);
    expect(s.fixed_params).toBe(0);
    expect(r.c1).toMatchObject({ params: 156, macs: 24 * 24 * 25 * 6, connections: 24 * 24 * 26 * 6 });
    expect(r.s2).toMatchObject({ params: 0, macs: 0, connections: 12 * 12 * 6 * 4, shape: [12, 12, 6] });
    expect(r.c3).toMatchObject({ params: 2_416, macs: 8 * 8 * 25 * 96, connections: 8 * 8 * (25 * 96 + 16) });
    expect(r.s4).toMatchObject({ params: 0, macs: 0, connections: 4 * 4 * 16 * 4 });
    expect(r.f5).toMatchObject({ params: 30_840, macs: 256 * 120, connections: 257 * 120, activation: 'tanh' });
    expect(r.out).toMatchObject({ params: 850, macs: 840, connections: 850, activation: 'softmax', shape: [10] });
  });
});

describe('layers a summary names by their function', () => {
  it('an activation layer shows its fn, a linear activation none, and pooling with stride 1 counts every window', () => {
    const a = analyze(
      writeSpec({
        input: [6, 5, 2],
        layers: `  - { name: c, op: conv2d, filters: 3, kernel: [3, 2], stride: [1, 2], padding: same, activation: linear }
  - { name: a, op: activation, fn: relu }
  - { name: m, op: maxpool2d, pool: [2, 3], stride: 1 }
  - { name: s, op: subsample, pool: [2, 1] }
  - { name: f, op: flatten }
  - { name: d, op: dropout, rate: 0.5 }
  - { name: o, op: dense, units: 4 }`,
      }),
      { training: false },
    );
    expect(a.diagnostics).toEqual([]);
    const r = rows(a.summary!);
    // conv: 'same' with stride [1, 2] on 6×5 gives 6×3
    expect(r.c).toMatchObject({ shape: [6, 3, 3], params: 3 * 2 * 2 * 3 + 3, macs: 6 * 3 * 3 * 2 * 2 * 3, connections: 6 * 3 * (2 * 3 * 2 * 3 + 3) });
    expect(r.c!.activation).toBeUndefined();
    expect(r.a).toMatchObject({ op: 'activation', activation: 'relu', shape: [6, 3, 3], params: 0, macs: 0, connections: 0 });
    // maxpool 2×3, stride 1, valid: 5×1 windows of 6 pixels
    expect(r.m).toMatchObject({ shape: [5, 1, 3], connections: 5 * 1 * 3 * 6, macs: 0 });
    // subsample 2×1 (stride = pool): 2×1 outputs, a coefficient and a bias per channel
    expect(r.s).toMatchObject({ shape: [2, 1, 3], params: 6, macs: 2 * 1 * 3, connections: 2 * 1 * 3 * (2 + 1) });
    expect(r.d).toMatchObject({ shape: [6], params: 0, macs: 0, connections: 0 });
    expect(r.o).toMatchObject({ shape: [4], params: 6 * 4 + 4, macs: 24, connections: 7 * 4 });
    expect(a.summary!.params).toBe(39 + 6 + 28);
  });
});

describe('depthwise convolution and global pooling', () => {
  it('count one multiply-add per tap per output, a connection more for the bias, and every pixel a global pool reads', () => {
    const a = analyze(
      writeSpec({
        input: [6, 5, 2],
        layers: `  - { name: dw, op: depthwise_conv2d, kernel: [3, 2], depth_multiplier: 3, stride: [1, 2] }
  - { name: dn, op: depthwise_conv2d, kernel: 2, use_bias: false }
  - { name: gm, op: global_maxpool2d }
  - { name: ga, op: global_avgpool2d, inputs: [dw] }
  - { name: both, op: concat, inputs: [gm, ga] }`,
      }),
      { training: false },
    );
    expect(a.diagnostics).toEqual([]);
    const r = rows(a.summary!);
    // dw: valid, stride [1, 2] on 6×5: 4×2 outputs of 2·3 channels, each of 3·2 taps and a bias
    expect(r.dw).toMatchObject({ shape: [4, 2, 6], params: 3 * 2 * 2 * 3 + 6, macs: 4 * 2 * 6 * 6, connections: 4 * 2 * 6 * (6 + 1) });
    // dn: 2×2 taps on 4×2: 3×1 outputs of 6 channels, no bias
    expect(r.dn).toMatchObject({ shape: [3, 1, 6], params: 2 * 2 * 6, macs: 3 * 1 * 6 * 4, connections: 3 * 1 * 6 * 4 });
    // each of the 6 outputs reads the 3·1 (gm) or 4·2 (ga) pixels of its channel
    expect(r.gm).toMatchObject({ shape: [6], params: 0, macs: 0, connections: 6 * 3 * 1 });
    expect(r.ga).toMatchObject({ shape: [6], params: 0, macs: 0, connections: 6 * 4 * 2 });
  });
});
