/**
 * What the newer ops' gradient and kernel rules refuse, each with its message: graphs no
 * lowering builds, but a pass that rewires nodes wrongly could, and then a wrong gradient would
 * be computed without a word. Documented limits (batchnorm.ts, activation.ts, l2-penalty.ts):
 * only a batchnorm of its own batch's statistics has a gradient; gelu and swish need the value
 * before them, so they cannot be differentiated fused; an L2 penalty is a term of the loss only;
 * leaky_relu and elu always carry their alpha.
 */
import { describe, expect, it } from 'vitest';
import { activationArgs } from '../../src/ir/ops/activation.js';
import { getOp } from '../../src/ir/ops/index.js';
import type { GradContext } from '../../src/ir/registry.js';
import type { Node } from '../../src/ir/types.js';
import { make } from './ir-fixtures.js';

/** A gradient context over a node's inputs, every input needing a gradient; the nodes it makes are kept. */
function context(inputs: Node[]): GradContext & { made: Node[] } {
  const made: Node[] = [];
  return {
    made,
    input: (i) => inputs[i]!,
    needsGrad: () => true,
    node(op, ins, attrs, wrt) {
      const n = make(op, ins, attrs, `d.${String(wrt)}.${made.length}`);
      made.push(n);
      return n;
    },
  };
}

const grad = (node: Node, inputs: Node[], dy?: Node) => getOp(node.op)!.grad!(node, dy, context(inputs));

describe('batchnorm has a gradient only over the statistics of its own batch', () => {
  const x = make('input', [], { shape: [3, 4] }, 'x');
  const other = make('input', [], { shape: [3, 4] }, 'other');
  const gamma = make('param', [], { shape: [4], init: 'ones' }, 'gamma');
  const beta = make('param', [], { shape: [4], init: 'zeros' }, 'beta');
  const mean = make('batch_mean', [x], {}, 'mean');
  const variance = make('batch_variance', [x, mean], {}, 'variance');
  const dy = make('input', [], { shape: [3, 4] }, 'dy');
  const bn = (m: Node, v: Node, input = x) => make('batchnorm', [input, m, v, gamma, beta], { epsilon: 0.001 }, 'bn');
  const refusal = "batchnorm 'bn' normalizes with fixed statistics; only a batchnorm of its batch's own statistics (the training graph's) has a gradient rule";

  it("differentiates the training form: the input's, γ's and β's gradients", () => {
    const grads = grad(bn(mean, variance), [x, mean, variance, gamma, beta], dy);
    expect(grads.map((g) => g?.op)).toEqual(['batchnorm_grad_input', undefined, undefined, 'batchnorm_grad_scale', 'bias_grad']);
  });

  it.each([
    ['moving statistics (the inference form)', () => {
      const movingMean = make('param', [], { shape: [4], init: 'zeros', trainable: false, role: 'state' }, 'mm');
      const movingVariance = make('param', [], { shape: [4], init: 'ones', trainable: false, role: 'state' }, 'mv');
      return [bn(movingMean, movingVariance), [x, movingMean, movingVariance, gamma, beta]] as const;
    }],
    ['the mean of another value', () => {
      const m = make('batch_mean', [other], {}, 'm');
      const v = make('batch_variance', [x, m], {}, 'v');
      return [bn(m, v), [x, m, v, gamma, beta]] as const;
    }],
    ['the variance of another value', () => {
      const v = make('batch_variance', [other, mean], {}, 'v');
      return [bn(mean, v), [x, mean, v, gamma, beta]] as const;
    }],
    ['a variance around another mean', () => {
      const m2 = make('batch_mean', [x], {}, 'm2');
      const v = make('batch_variance', [x, m2], {}, 'v');
      return [bn(mean, v), [x, mean, v, gamma, beta]] as const;
    }],
    ['a variance that is not a batch variance', () => [bn(mean, mean), [x, mean, mean, gamma, beta]] as const],
    ['a mean that is not a batch mean', () => [bn(variance, variance), [x, variance, variance, gamma, beta]] as const],
  ])('refuses a batchnorm over %s', (_what, build) => {
    const [node, inputs] = build();
    expect(() => grad(node, [...inputs], dy)).toThrow(refusal);
  });
});

describe('fused activations, penalties and alphas', () => {
  const x = make('input', [], { shape: [5] }, 'x');
  const w = make('param', [], { shape: [5, 2], init: 'zeros' }, 'w');
  const b = make('param', [], { shape: [2], init: 'zeros' }, 'b');
  const dy = make('input', [], { shape: [2] }, 'dy');

  it.each(['gelu', 'swish'])("refuses to differentiate a dense layer with %s fused: its gradient needs the value before it", (fn) => {
    const d = make('dense', [x, w, b], { units: 2, activation: fn }, 'd');
    expect(() => grad(d, [x, w, b], dy)).toThrow(`'d' has ${fn} fused, whose gradient needs the value before it; fuse-activations keeps it apart in a graph that trains`);
  });

  it('differentiates a fused elu through its output, with its alpha', () => {
    const d = make('dense', [x, w, b], { units: 2, activation: 'elu', alpha: 0.5 }, 'd');
    const ctx = context([x, w, b]);
    getOp('dense')!.grad!(d, dy, ctx);
    expect(ctx.made[0]).toMatchObject({ op: 'activation_grad', inputs: ['d', 'dy'], attrs: { fn: 'elu', alpha: 0.5 } });
  });

  it('refuses a penalty that something besides the loss reads', () => {
    const p = make('l2_penalty', [w], { l2: 0.1 }, 'w.l2');
    expect(() => grad(p, [w], make('input', [], { shape: [] }, 'dp'))).toThrow("internal error: the penalty 'w.l2' is read by more than the loss");
    // as a term of the loss: 2·l2·w
    expect(grad(p, [w])[0]).toMatchObject({ op: 'affine', inputs: ['w'], attrs: { scale: 0.2, shift: 0 } });
  });

  it.each(['leaky_relu', 'elu'])('refuses to make the kernel call of a %s node without its alpha', (fn) => {
    const node = make(fn, [x], {}, 'a');
    expect(() => getOp(fn)!.kernel!(node, [x.type])).toThrow(`a ${fn} node without its alpha`);
    expect(getOp(fn)!.kernel!(make(fn, [x], { alpha: 0.25 }, 'a'), [x.type])[0]!.args.slice(-2)).toEqual([{ act: fn }, 0.25]);
  });

  it("passes a layer without an activation to its kernel as 'linear', and no alpha to a function without one", () => {
    // the kernels know the functions by name (Act); no function is called 'undefined'
    expect(activationArgs(undefined, undefined)).toEqual([{ act: 'linear' }]);
    expect(activationArgs('relu', 0.3)).toEqual([{ act: 'relu' }]);
    const [img, k] = [make('input', [], { shape: [2, 2, 1] }, 'img'), make('param', [], { shape: [1, 1, 1, 1], init: 'zeros' }, 'k')];
    const d = make('depthwise_conv2d', [img, k], { kernel: [1, 1], stride: [1, 1], padding: [0, 0, 0, 0], depth_multiplier: 1, use_bias: false }, 'dw');
    expect(getOp('depthwise_conv2d')!.kernel!(d, [img.type, k.type])[0]!.args.at(-1)).toEqual({ act: 'linear' });
  });
});
