/**
 * The gradient tests' networks, taken together, reach every op of the registry — forward,
 * backward and loss ops, in the graphs netc's default passes make (fused) and in the graphs
 * without rewrites (unfused) — and every spec form the tests promise: each activation on conv2d
 * and dense and as a layer of its own, each padding of conv2d and pooling, stride 2, add and
 * concat, dropout, both losses. A new op in the registry fails here until a network uses it.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { compileSpec } from '../../src/driver/compile.js';
import { ELEMENTWISE } from '../../src/ir/ops/activation.js';
import { allLayers, allOps } from '../../src/ir/ops/index.js';
import type { Graph } from '../../src/ir/types.js';
import { caseSpec, PIPELINES, type PipelineName } from '../helpers/gradcheck.js';
import { ALL_CASES, DROPOUT_CASES, LOSS_CASES } from '../helpers/gradient-cases.js';
import type { LayerSpec } from '../helpers/tfjs-net.js';

/**
 * The 1998 paper's own ops have no TensorFlow.js equivalent, so the tfjs networks cannot hold
 * them: test/gradients/lenet98.test.ts checks them against float64 finite differences (and the
 * connection table against a masked dense conv2d) on both backends.
 */
const LENET98_OPS = ['subsample', 'subsample_grad_input', 'subsample_grad_coef', 'rbf', 'rbf_grad_input', 'rbf_map', 'rbf_map_grad', 'affine', 'mul'];
const LENET98_LAYERS = ['subsample', 'rbf'];

interface Graphs {
  readonly pipeline: PipelineName;
  readonly train: Graph;
  readonly infer: Graph;
}

function compileAll(): Graphs[] {
  const out: Graphs[] = [];
  for (const c of ALL_CASES) {
    const spec = caseSpec(c);
    for (const pipeline of ['fused', 'unfused'] as const) {
      const r = compileSpec(spec, { passes: PIPELINES[pipeline], outDir: 'test/.generated' });
      if (!r.source || !r.train || !r.infer) throw new Error(`${c.name} [${pipeline}] did not compile`);
      out.push({ pipeline, train: r.train, infer: r.infer });
    }
  }
  return out;
}

describe('what the gradient tests cover', () => {
  let graphs: Graphs[] = [];
  beforeAll(() => {
    graphs = compileAll();
  });
  const nodes = (pipeline?: PipelineName) =>
    graphs.filter((g) => pipeline === undefined || g.pipeline === pipeline).flatMap((g) => [...g.train.nodes, ...g.infer.nodes]);
  const layers: LayerSpec[] = ALL_CASES.flatMap((c) => [...c.layers]);

  it('every op of the registry, in compiled training or inference graphs', () => {
    const seen = new Set([...nodes().map((n) => n.op), ...LENET98_OPS]);
    expect(allOps().map((o) => o.name).filter((op) => !seen.has(op))).toEqual([]);
  });

  it('every op of the default pipeline and of the bare one', () => {
    const fused = new Set([...nodes('fused').map((n) => n.op), ...LENET98_OPS]);
    const unfused = new Set([...nodes('unfused').map((n) => n.op), ...LENET98_OPS]);
    // without rewrites, everything but the fused loss and the folded batchnorm appears
    const rewritten = (op: string) => op.startsWith('softmax_cross_entropy') || op.startsWith('batchnorm_fold');
    expect(allOps().map((o) => o.name).filter((op) => !unfused.has(op) && !rewritten(op))).toEqual([]);
    // with them, cross-entropy of a softmax output always fuses
    expect(allOps().map((o) => o.name).filter((op) => !fused.has(op) && !op.startsWith('categorical_crossentropy'))).toEqual([]);
  });

  it('each elementwise activation fused into conv2d and into dense', () => {
    const fused = nodes('fused');
    for (const op of ['conv2d', 'dense']) {
      const acts = new Set(fused.filter((n) => n.op === op).map((n) => n.attrs.activation ?? 'linear'));
      expect([...ELEMENTWISE, 'linear'].filter((a) => !acts.has(a)), op).toEqual([]);
    }
  });

  it('every spec layer, and each activation function as an `activation` layer', () => {
    const ops = new Set<string>([...layers.map((l) => l.op), ...LENET98_LAYERS]);
    expect(allLayers().map((l) => l.op).filter((op) => !ops.has(op))).toEqual([]);
    const fns = new Set<string>(layers.flatMap((l) => (l.op === 'activation' ? [l.fn] : [])));
    expect([...ELEMENTWISE, 'softmax'].filter((f) => !fns.has(f))).toEqual([]);
  });

  it('conv2d and pooling with each padding, stride 2, non-square windows', () => {
    const conv = layers.flatMap((l) => (l.op === 'conv2d' ? [l] : []));
    expect(conv.some((l) => l.padding === undefined || l.padding === 'valid')).toBe(true);
    expect(conv.some((l) => l.padding === 'same')).toBe(true);
    expect(conv.some((l) => typeof l.padding === 'number' && l.padding > 0)).toBe(true);
    expect(conv.some((l) => l.stride === 2)).toBe(true);
    expect(conv.some((l) => Array.isArray(l.kernel))).toBe(true);
    const convActs = new Set<string>(conv.map((l) => l.activation ?? 'linear'));
    expect([...ELEMENTWISE, 'linear'].filter((a) => !convActs.has(a))).toEqual([]);
    for (const op of ['avgpool2d', 'maxpool2d'] as const) {
      const pools = layers.flatMap((l) => (l.op === op ? [l] : []));
      expect(pools.some((l) => (l.padding ?? 'valid') === 'valid'), `${op} valid`).toBe(true);
      expect(pools.some((l) => l.padding === 'same'), `${op} same`).toBe(true);
    }
    const dense = new Set<string>(layers.flatMap((l) => (l.op === 'dense' ? [l.activation ?? 'linear'] : [])));
    expect([...ELEMENTWISE, 'linear', 'softmax'].filter((a) => !dense.has(a))).toEqual([]);
  });

  it('batchnorm folded into conv2d and into dense at inference, with a fused activation, without γ and without β', () => {
    const folded = new Set(nodes('fused').filter((n) => n.attrs.folded !== undefined).map((n) => n.op));
    expect([...folded].sort()).toEqual(['conv2d', 'dense']);
    expect(nodes('fused').some((n) => n.op === 'batchnorm' && n.attrs.activation !== undefined)).toBe(true);
    const norms = layers.flatMap((l) => (l.op === 'batchnorm' ? [l] : []));
    expect(norms.some((l) => l.scale === false)).toBe(true);
    expect(norms.some((l) => l.center === false)).toBe(true);
  });

  it('conv2d dilated (square and not) and without a bias; depthwise_conv2d of each padding, multiplier > 1, stride 2, without a bias, with a fused activation', () => {
    const conv = layers.flatMap((l) => (l.op === 'conv2d' ? [l] : []));
    expect(conv.some((l) => l.use_bias === false)).toBe(true);
    expect(conv.some((l) => typeof l.dilation === 'number' && l.dilation > 1)).toBe(true);
    expect(conv.some((l) => Array.isArray(l.dilation) && l.dilation[0] !== l.dilation[1])).toBe(true);
    expect(conv.some((l) => l.dilation !== undefined && l.stride !== undefined)).toBe(true);
    const dw = layers.flatMap((l) => (l.op === 'depthwise_conv2d' ? [l] : []));
    expect(dw.some((l) => (l.padding ?? 'valid') === 'valid')).toBe(true);
    expect(dw.some((l) => l.padding === 'same')).toBe(true);
    expect(dw.some((l) => (l.depth_multiplier ?? 1) > 1)).toBe(true);
    expect(dw.some((l) => l.stride === 2)).toBe(true);
    expect(dw.some((l) => l.use_bias === false)).toBe(true);
    expect(nodes('fused').some((n) => n.op === 'depthwise_conv2d' && n.attrs.activation !== undefined)).toBe(true);
  });

  it('add of two and of three, concat of images and of flat features, dropout, both losses', () => {
    const adds = layers.flatMap((l) => (l.op === 'add' ? [l.inputs.length] : []));
    expect(adds).toContain(2);
    expect(adds).toContain(3);
    const concats = nodes().filter((n) => n.op === 'concat').map((n) => n.type.shape.length);
    expect(concats).toContain(4); // N×H×W×C
    expect(concats).toContain(2); // N×features
    expect(layers.some((l) => l.op === 'concat' && l.inputs.length === 3)).toBe(true);
    expect(DROPOUT_CASES.flatMap((c) => c.layers).some((l) => l.op === 'dropout' && l.rate > 0)).toBe(true);
    const outputs = LOSS_CASES.map((c) => {
      const last = c.layers[c.layers.length - 1]!;
      return `${c.loss ?? 'categorical_crossentropy'}/${last.op === 'dense' ? (last.activation ?? 'linear') : last.op}`;
    });
    expect(outputs.sort()).toEqual(['categorical_crossentropy/softmax', 'mse/linear', 'mse/sigmoid', 'mse/softmax']);
  });
});
