/**
 * What the gradient tests share: compiling a tiny network with a chosen pass pipeline, seeded
 * random data, tolerance checks that name the worst element, and central finite differences of
 * the loss in float64 with the IR interpreter.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { compileSpec, runtimeImportFor, type Compiled } from '../../src/driver/compile.js';
import { interpret } from '../../src/ir/interpret.js';
import type { Graph } from '../../src/ir/types.js';
import { DEFAULT_PIPELINE } from '../../src/passes/manager.js';
import type { ModelModule } from './modules.js';
import { tinySpec } from './modules.js';
import { layersYaml, type LayerSpec, type LossName } from './tfjs-net.js';

/**
 * The pipelines the tests compile with: netc's default (activations folded into conv2d and dense,
 * softmax + cross-entropy as one loss; at inference, batchnorm folded into the layer before), no
 * rewrites at all, and each rewrite alone.
 */
export const PIPELINES = {
  fused: DEFAULT_PIPELINE,
  unfused: ['eliminate-dead-nodes', 'autodiff', 'plan-memory'],
  'activations-only': ['fuse-activations', 'eliminate-dead-nodes', 'autodiff', 'plan-memory'],
  'loss-only': ['fuse-softmax-cross-entropy', 'eliminate-dead-nodes', 'autodiff', 'plan-memory'],
} as const satisfies Record<string, readonly string[]>;
export type PipelineName = keyof typeof PIPELINES;

export interface NetCase {
  readonly name: string;
  readonly input: readonly [number, number, number];
  readonly classes: number;
  readonly layers: readonly LayerSpec[];
  readonly loss?: LossName;
  /** the spec's optimizer, as YAML flow ('{ name: adam, learning_rate: 0.01 }') */
  readonly optimizer?: string;
  /** the spec's batch_size: the largest n of a training step (default 5) */
  readonly batchSize?: number;
  /** the spec's train.label_smoothing (default none) */
  readonly labelSmoothing?: number;
  /** node id → 'op' or 'op(activation)' it must be in the training graph when activations are fused */
  readonly fusedGraphHas?: Readonly<Record<string, string>>;
  /**
   * parameters whose gradient is zero in exact arithmetic (the bias of a layer that only a
   * batchnorm reads: the batch mean takes it away again); checked to be zero at the precision of
   * the network's other gradients, instead of against a nonzero truth
   */
  readonly zeroGradients?: readonly string[];
}

export interface Built {
  readonly module: ModelModule;
  readonly compiled: Compiled & { readonly train: Graph; readonly infer: Graph };
}

const root = resolve('test/.generated');
let counter = 0;

/** Compile a spec with the given training passes and import the module (like compileAndImport, with `passes`). */
export async function compileWithPasses(specPath: string, passes: readonly string[], inferBatch?: number): Promise<Built> {
  const outDir = join(root, `grad${process.pid}-${counter++}`);
  mkdirSync(outDir, { recursive: true });
  const compiled = compileSpec(specPath, { outDir, runtimeImport: runtimeImportFor(outDir), passes, ...(inferBatch ? { inferBatch } : {}) });
  if (!compiled.source || !compiled.train || !compiled.infer) {
    throw new Error(`compile failed: ${compiled.stoppedBecause ?? compiled.diagnostics.map((d) => d.message).join('; ')}`);
  }
  const file = join(outDir, 'model.ts');
  writeFileSync(file, compiled.source);
  const module = (await import(/* @vite-ignore */ file)) as ModelModule;
  return { module, compiled: compiled as Built['compiled'] };
}

export function caseSpec(c: NetCase): string {
  return tinySpec({
    input: c.input,
    classes: c.classes,
    layers: layersYaml(c.layers),
    ...(c.loss ? { loss: c.loss } : {}),
    optimizer: c.optimizer ?? '{ name: adam, learning_rate: 0.01 }',
    batchSize: c.batchSize ?? 5,
    ...(c.labelSmoothing ? { labelSmoothing: c.labelSmoothing } : {}),
  });
}

export async function buildCase(c: NetCase, pipeline: PipelineName, inferBatch = 4): Promise<Built> {
  return compileWithPasses(caseSpec(c), PIPELINES[pipeline], inferBatch);
}

/** mulberry32: a small seeded generator, so every run draws the same "random" inputs. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** n images of shape, uniform in [-1, 1), and n random one-hot labels. */
export function randomBatch(seed: number, n: number, shape: readonly [number, number, number], classes: number): { images: Float32Array; labels: Float32Array } {
  const r = rng(seed);
  const images = new Float32Array(n * shape[0] * shape[1] * shape[2]).map(() => 2 * r() - 1);
  const labels = new Float32Array(n * classes);
  for (let i = 0; i < n; i++) labels[i * classes + Math.floor(r() * classes)] = 1;
  return { images, labels };
}

export interface Mismatch {
  readonly index: number;
  readonly actual: number;
  readonly expected: number;
  readonly allowed: number;
}

/**
 * Elements where |actual − expected| > rtol · max(|expected|, floor); returns them worst first.
 * `floor` keeps entries that are tiny next to the rest of their tensor from demanding more
 * precision than float32 arithmetic has.
 */
export function mismatches(actual: ArrayLike<number>, expected: ArrayLike<number>, rtol: number, floor: number): Mismatch[] {
  if (actual.length !== expected.length) throw new Error(`length ${actual.length} vs expected ${expected.length}`);
  const out: (Mismatch & { excess: number })[] = [];
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!;
    const e = expected[i]!;
    const allowed = rtol * Math.max(Math.abs(e), floor);
    const err = Math.abs(a - e);
    if (!(err <= allowed)) out.push({ index: i, actual: a, expected: e, allowed, excess: err / allowed });
  }
  return out.sort((x, y) => y.excess - x.excess || (Number.isNaN(y.excess) ? 1 : 0));
}

export const maxAbs = (v: ArrayLike<number>): number => {
  let m = 0;
  for (let i = 0; i < v.length; i++) m = Math.max(m, Math.abs(v[i]!));
  return m;
};

/** Throws, naming the worst element, unless every element is within tolerance. */
export function expectClose(what: string, actual: ArrayLike<number>, expected: ArrayLike<number>, rtol: number, floor: number): void {
  const bad = mismatches(actual, expected, rtol, floor);
  if (bad.length === 0) return;
  const w = bad[0]!;
  throw new Error(
    `${what}: ${bad.length} of ${expected.length} elements differ; worst [${w.index}]: ${w.actual} vs expected ${w.expected} ` +
      `(|diff| ${Math.abs(w.actual - w.expected).toExponential(2)} > allowed ${w.allowed.toExponential(2)})`,
  );
}

/** The feeds of the IR interpreter: images, labels, and every parameter the graph has. */
export function feedsFor(g: Graph, images: ArrayLike<number>, labels: ArrayLike<number>, params: Readonly<Record<string, ArrayLike<number>>>): Record<string, Float64Array> {
  const feeds: Record<string, Float64Array> = { input: Float64Array.from(images), labels: Float64Array.from(labels) };
  for (const n of g.nodes) {
    if (n.op !== 'param') continue;
    const p = params[n.id];
    if (!p) throw new Error(`no value for parameter '${n.id}'`);
    feeds[n.id] = Float64Array.from(p);
  }
  return feeds;
}

/** The loss and the gradient of every parameter, from the planned training graph, in float64. */
export function interpretGradients(
  train: Graph,
  feeds: Readonly<Record<string, Float64Array>>,
  batch: number,
  seed?: number,
): { loss: number; gradients: Record<string, Float64Array>; run: ReturnType<typeof interpret> } {
  const run = interpret(train, feeds, { batch, dtype: 'f64', ...(seed !== undefined ? { seed } : {}) });
  const gradients: Record<string, Float64Array> = {};
  for (const [p, g] of Object.entries(train.outputs.gradients ?? {})) gradients[p] = run.get(g);
  return { loss: run.get(train.outputs.loss!)[0]!, gradients, run };
}

/**
 * Central differences (L(θ + ε) − L(θ − ε)) / 2ε of the loss of `graph` (any graph with a loss:
 * the unfused lowering is the most independent) with respect to chosen entries of a parameter.
 */
export function finiteDifferences(
  graph: Graph,
  feeds: Readonly<Record<string, Float64Array>>,
  param: string,
  indices: readonly number[],
  batch: number,
  options: { eps?: number; seed?: number } = {},
): number[] {
  const eps = options.eps ?? 1e-6;
  const lossOf = (f: Record<string, Float64Array>) =>
    interpret(graph, f, { batch, dtype: 'f64', ...(options.seed !== undefined ? { seed: options.seed } : {}) }).get(graph.outputs.loss!)[0]!;
  return indices.map((i) => {
    const p = Float64Array.from(feeds[param]!);
    const base = p[i]!;
    p[i] = base + eps;
    const plus = lossOf({ ...feeds, [param]: p });
    const q = Float64Array.from(feeds[param]!);
    q[i] = base - eps;
    const minus = lossOf({ ...feeds, [param]: q });
    return (plus - minus) / (2 * eps);
  });
}

/** Up to `count` entries of a tensor to check: the largest gradient, the smallest, then random ones. */
export function sampleIndices(g: ArrayLike<number>, count: number, seed: number): number[] {
  if (g.length <= count) return Array.from({ length: g.length }, (_, i) => i);
  let big = 0;
  let small = 0;
  for (let i = 1; i < g.length; i++) {
    if (Math.abs(g[i]!) > Math.abs(g[big]!)) big = i;
    if (Math.abs(g[i]!) < Math.abs(g[small]!)) small = i;
  }
  const chosen = new Set([big, small]);
  const r = rng(seed);
  while (chosen.size < count) chosen.add(Math.floor(r() * g.length));
  return [...chosen];
}
