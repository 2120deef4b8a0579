/**
 * A network of every op and activation that no shipped spec has, for the export tests (ONNX,
 * PyTorch), and the check that the shipped specs and it together leave none out.
 */
import { ACTIVATIONS } from '../../src/ir/ops/activation.js';
import { allLayers } from '../../src/ir/ops/index.js';

export const EVERY_OP = `netc: 1
name: every-op
input: { shape: [13, 11, 2] }
preprocess: { pad: 1, range: [-1, 1] }
layers:
  - { name: c1, op: conv2d, filters: 4, kernel: [3, 2], stride: 2, padding: 1, activation: sigmoid }
  - { name: c1_pad, op: pad, padding: 1 }
  - { name: a1, op: avgpool2d, pool: 3, stride: 2, padding: same }
  - { name: m1, op: maxpool2d, pool: 2, stride: 1, padding: same, inputs: [c1_pad] }
  - { name: b1, op: conv2d, filters: 4, kernel: 3, stride: 2, padding: same, activation: leaky_relu, alpha: 0.2, inputs: [m1] }
  - { name: join, op: concat, inputs: [a1, b1] }
  - { name: dw, op: depthwise_conv2d, kernel: 3, depth_multiplier: 2, padding: same, activation: elu, alpha: 0.5 }
  - { name: d2, op: conv2d, filters: 8, kernel: 3, dilation: 2, padding: same, use_bias: false, activation: gelu }
  - { name: bn, op: batchnorm }
  - { name: sum, op: add, inputs: [join, bn] }
  - { name: act, op: activation, fn: swish }
  - { name: gap, op: global_avgpool2d }
  - { name: gmp, op: global_maxpool2d, inputs: [act] }
  - { name: flat, op: flatten, inputs: [act] }
  - { name: flat_sp, op: activation, fn: softplus }
  - { name: pools, op: concat, inputs: [gap, gmp, flat_sp] }
  - { name: drop, op: dropout, rate: 0.5 }
  - { name: d1, op: dense, units: 6, activation: scaled_tanh }
  - { name: out, op: activation, fn: softmax }
output: out
`;

/** The layers and activations none of these spec texts uses. */
export function untestedOps(texts: readonly string[]): { layers: string[]; activations: string[] } {
  const all = texts.join('\n');
  return {
    layers: allLayers().map((l) => l.op).filter((op) => !all.includes(`op: ${op}`)),
    activations: Object.keys(ACTIVATIONS).filter((fn) => fn !== 'linear' && !new RegExp(`(activation|fn): ${fn}\\b`).test(all)),
  };
}
