/**
 * Lowering of the newer layers (depthwise_conv2d, batchnorm, global pooling) to IR text written
 * out by hand: window geometry from TensorFlow's rules, initializer fans from Keras's
 * compute_fans (for a [kh, kw, C, M] kernel the receptive field is kh·kw, fan_in C·kh·kw,
 * fan_out M·kh·kw), batch normalization's inference and training forms as batchnorm.ts documents
 * them (tf.layers' update moving = momentum·moving + (1 − momentum)·batch), and the diagnostics of
 * each such layer placed where it cannot go, at its line, with nothing lowered after it.
 */
import { describe, expect, it } from 'vitest';
import { analyze } from '../../src/driver/analyze.js';
import { printGraph } from '../../src/ir/print.js';
import { writeSpec } from './ir-fixtures.js';

const body = (text: string) => text.slice(text.indexOf('\n') + 1);

const LAYERS = `  - { name: dw, op: depthwise_conv2d, kernel: [3, 2], depth_multiplier: 2, stride: [2, 1], padding: same, activation: relu }
  - { name: dn, op: depthwise_conv2d, kernel: 2, use_bias: false, activation: elu }
  - { name: bn, op: batchnorm, momentum: 0.75, center: false }
  - { name: gm, op: global_maxpool2d }
  - { name: out, op: dense, units: 3, activation: softmax }`;

// input 7×6×2. dw: 'same', stride [2, 1]: ceil(7/2) × 6 = 4×6; padding rows (4 − 1)·2 + 3 − 7 = 2
// (1, 1), columns (6 − 1) + 2 − 6 = 1 (0, 1); 2·2 = 4 channels; kernel [3, 2, 2, 2]: fans 2·6, 2·6.
// dn: valid 2×2 on 4×6: 3×5×4; kernel [2, 2, 4, 1]: fans 4·4 = 16, 1·4 = 4. elu's alpha: Keras's 1.
const FORWARD = `  %input: f32[N,7,6,2] = input()
  %dw.w: f32[3,2,2,2] = param() {fan_in=12, fan_out=12, init=glorot_uniform}
  %dw.b: f32[4] = param() {init=zeros}
  %dw: f32[N,4,6,4] = depthwise_conv2d(%input, %dw.w, %dw.b) {depth_multiplier=2, kernel=[3,2], padding=[1,1,0,1], stride=[2,1]}
  %dw.relu: f32[N,4,6,4] = relu(%dw)
  %dn.w: f32[2,2,4,1] = param() {fan_in=16, fan_out=4, init=glorot_uniform}
  %dn: f32[N,3,5,4] = depthwise_conv2d(%dw.relu, %dn.w) {depth_multiplier=1, kernel=[2,2], padding=[0,0,0,0], stride=[1,1], use_bias=false}
  %dn.elu: f32[N,3,5,4] = elu(%dn) {alpha=1}
  %bn.gamma: f32[4] = param() {init=ones}
  %bn.moving_mean: f32[4] = param() {init=zeros, role=state, trainable=false}
  %bn.moving_variance: f32[4] = param() {init=ones, role=state, trainable=false}
`;
const HEAD = `  %gm: f32[N,4] = global_maxpool2d(%bn)
  %out.w: f32[4,3] = param() {fan_in=4, fan_out=3, init=glorot_uniform}
  %out.b: f32[3] = param() {init=zeros}
  %out: f32[N,3] = dense(%gm, %out.w, %out.b) {units=3}
  %out.softmax: f32[N,3] = softmax(%out)
`;

describe('the newer layers lower to the nodes of their geometry', () => {
  it('at inference: batchnorm reads the moving statistics, and there is no β with center=false', () => {
    const a = analyze(writeSpec({ input: [7, 6, 2], classes: 3, layers: LAYERS }), { training: false });
    expect(a.diagnostics).toEqual([]);
    expect(body(printGraph(a.graph!))).toBe(`${FORWARD}  %bn: f32[N,3,5,4] = batchnorm(%dn.elu, %bn.moving_mean, %bn.moving_variance, %bn.gamma) {center=false, epsilon=0.001}
${HEAD}}
outputs: prediction=%out.softmax
`);
  });

  it('in training: batchnorm reads the batch statistics, and each moving statistic is updated from them', () => {
    const a = analyze(writeSpec({ input: [7, 6, 2], classes: 3, layers: LAYERS }), { training: true });
    expect(a.diagnostics).toEqual([]);
    const keep = 1 - 0.75;
    const update = (s: string, batch: string) => `  %bn.${s}.decayed: f32[4] = affine(%bn.${s}) {scale=0.75, shift=0}
  %bn.${s}.batch: f32[4] = affine(%bn.${batch}) {scale=${keep}, shift=0}
  %bn.${s}.next: f32[4] = add(%bn.${s}.decayed, %bn.${s}.batch)
  %bn.${s}.update: f32[4] = assign(%bn.${s}, %bn.${s}.next)
`;
    expect(body(printGraph(a.graph!))).toBe(`${FORWARD}  %bn.mean: f32[4] = batch_mean(%dn.elu)
  %bn.variance: f32[4] = batch_variance(%dn.elu, %bn.mean)
  %bn: f32[N,3,5,4] = batchnorm(%dn.elu, %bn.mean, %bn.variance, %bn.gamma) {center=false, epsilon=0.001}
${update('moving_mean', 'mean')}${update('moving_variance', 'variance')}${HEAD}  %labels: f32[N,3] = input() {role=labels}
  %loss: f32[] = categorical_crossentropy(%out.softmax, %labels)
}
outputs: loss=%loss scores=%out
update: %bn.moving_mean <- %bn.moving_mean.update
update: %bn.moving_variance <- %bn.moving_variance.update
`);
  });

  it("takes Keras's defaults: one kernel per channel, stride 1, valid, a bias, γ and β, momentum 0.99, ε 0.001", () => {
    const a = analyze(writeSpec({ input: [5, 4, 3], layers: '  - { name: dw, op: depthwise_conv2d, kernel: 3 }\n  - { name: bn, op: batchnorm }\n  - { name: ga, op: global_avgpool2d }' }), { training: false });
    expect(a.diagnostics).toEqual([]);
    expect(body(printGraph(a.graph!))).toBe(`  %input: f32[N,5,4,3] = input()
  %dw.w: f32[3,3,3,1] = param() {fan_in=27, fan_out=9, init=glorot_uniform}
  %dw.b: f32[3] = param() {init=zeros}
  %dw: f32[N,3,2,3] = depthwise_conv2d(%input, %dw.w, %dw.b) {depth_multiplier=1, kernel=[3,3], padding=[0,0,0,0], stride=[1,1]}
  %bn.gamma: f32[3] = param() {init=ones}
  %bn.beta: f32[3] = param() {init=zeros}
  %bn.moving_mean: f32[3] = param() {init=zeros, role=state, trainable=false}
  %bn.moving_variance: f32[3] = param() {init=ones, role=state, trainable=false}
  %bn: f32[N,3,2,3] = batchnorm(%dw, %bn.moving_mean, %bn.moving_variance, %bn.gamma, %bn.beta) {epsilon=0.001}
  %ga: f32[N,3] = global_avgpool2d(%bn)
}
outputs: prediction=%ga
`);
  });
});

describe('the newer layers where they cannot go', () => {
  const codes = (layers: string) => analyze(writeSpec({ input: [4, 4, 2], layers }), { training: false }).diagnostics.map((d) => `${d.code} ${d.loc?.line}`);
  // line 4 is `layers:`, so the first layer is line 5
  it.each([
    ['depthwise_conv2d', '{ name: x, op: depthwise_conv2d, kernel: 2 }'],
    ['global_avgpool2d', '{ name: x, op: global_avgpool2d }'],
    ['global_maxpool2d', '{ name: x, op: global_maxpool2d }'],
  ])('%s after a flatten needs an image: NETC4005 at its line', (op, layer) => {
    expect(codes(`  - { name: f, op: flatten }\n  - ${layer}\n  - { name: t, op: activation, fn: tanh }`)).toEqual(['NETC4005 6']);
    const d = analyze(writeSpec({ input: [4, 4, 2], layers: `  - { name: f, op: flatten }\n  - ${layer}` }), { training: false }).diagnostics[0]!;
    expect(d.message).toBe(`layer 'x' (${op}) needs an image input (height, width, channels), but 'f' gives 32; move it before the flatten layer`);
  });

  it('a depthwise kernel larger than its input is NETC4001 at its line, and its activation is not lowered', () => {
    const a = analyze(writeSpec({ input: [4, 4, 2], layers: '  - { name: x, op: depthwise_conv2d, kernel: [5, 2], activation: relu }' }), { training: false });
    expect(a.diagnostics.map((d) => `${d.code} ${d.loc?.line}`)).toEqual(['NETC4001 5']);
    expect(a.graph).toBeUndefined();
  });
});
