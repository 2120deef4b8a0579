/**
 * What the pass manager reports about each run, which `netc compile --print-ir-after-change`
 * and `--time-passes` print: whether the pass changed the graph (known here from the spec:
 * a network without dropout gives remove-dropout nothing to do), how long it took (within the
 * wall time of the whole pipeline), and the IR only when asked. And what a failing pass
 * becomes: a diagnostic naming it when it says the graph is wrong, the error itself otherwise.
 */
import { describe, expect, it } from 'vitest';
import { analyze } from '../../src/driver/analyze.js';
import { lower } from '../../src/ir/lower.js';
import type { Graph } from '../../src/ir/types.js';
import { checkPassList, INFERENCE_PIPELINE, runPipeline, TRAINING_PIPELINE } from '../../src/passes/manager.js';
import { PassError, type Pass, type PassContext } from '../../src/passes/pass.js';
import { tinySpec } from '../helpers/modules.js';

const ctx: PassContext = { batch: 2, arenaBase: 0, fixedOffsets: {} };

/** The training and inference graphs of a small network, before any pass. */
function graphs(layers: string, loss: 'mse' | 'categorical_crossentropy'): { training: Graph; inference: Graph } {
  const a = analyze(tinySpec({ input: [4, 4, 1], classes: 3, layers, loss }));
  if (!a.ok) throw new Error(a.diagnostics.map((d) => d.message).join('\n'));
  return { training: a.graph!, inference: lower(a.loaded!, { training: false }).graph! };
}

const changes = (g: Graph, pipeline: readonly string[]) => Object.fromEntries(runPipeline(g, pipeline, ctx).runs.map((r) => [r.pass, r.changed]));

describe('the runs the pass manager reports', () => {
  it('says a pass changed nothing when the network gives it nothing to do', () => {
    // no activation to fold, no softmax, no dropout, no pooling, nothing dead
    const plain = graphs(`  - { name: flat, op: flatten }\n  - { name: out, op: dense, units: 3 }`, 'mse');
    expect(changes(plain.training, TRAINING_PIPELINE)).toEqual({
      'fuse-activations': false,
      'fuse-softmax-cross-entropy': false,
      'eliminate-dead-nodes': false,
      autodiff: true,
      'fuse-activation-grads': false,
      'plan-memory': true,
    });
    expect(changes(plain.inference, INFERENCE_PIPELINE)).toEqual({
      'remove-dropout': false,
      'fold-batchnorm': false,
      'fuse-activations': false,
      'eliminate-dead-nodes': false,
      'plan-memory': true,
    });
  });

  it('says it changed the graph when the network gives it something to do', () => {
    const busy = graphs(
      `  - { name: c, op: conv2d, filters: 2, kernel: 3, activation: tanh }
  - { name: p, op: avgpool2d, pool: 2 }
  - { name: flat, op: flatten }
  - { name: drop, op: dropout, rate: 0.5 }
  - { name: out, op: dense, units: 3, activation: softmax }`,
      'categorical_crossentropy',
    );
    expect(Object.values(changes(busy.training, TRAINING_PIPELINE)).every(Boolean)).toBe(true);
    expect(changes(busy.inference, INFERENCE_PIPELINE)).toMatchObject({ 'remove-dropout': true, 'fuse-activations': true });
  });

  it('times each pass within the time the whole pipeline took', () => {
    const { training } = graphs(`  - { name: flat, op: flatten }\n  - { name: out, op: dense, units: 3, activation: softmax }`, 'categorical_crossentropy');
    const t0 = performance.now();
    const r = runPipeline(training, TRAINING_PIPELINE, ctx);
    const wall = performance.now() - t0;
    for (const run of r.runs) expect(run.ms >= 0 && run.ms <= wall, `${run.pass}: ${run.ms} ms of ${wall}`).toBe(true);
  });

  it('prints the IR after each pass only when asked', () => {
    const { training } = graphs(`  - { name: flat, op: flatten }\n  - { name: out, op: dense, units: 3 }`, 'mse');
    expect(runPipeline(training, TRAINING_PIPELINE, ctx).runs.every((r) => r.ir === undefined)).toBe(true);
    expect(runPipeline(training, TRAINING_PIPELINE, ctx, { print: false }).runs.every((r) => r.ir === undefined)).toBe(true);
    expect(runPipeline(training, TRAINING_PIPELINE, ctx, { print: true }).runs.every((r) => r.ir?.includes('%out'))).toBe(true);
  });
});

describe('a pass that fails', () => {
  const { training } = graphs(`  - { name: flat, op: flatten }\n  - { name: out, op: dense, units: 3 }`, 'mse');
  const failing = (error: Error): Pass => ({ name: 'fails', summary: 'throws', phase: 1, runsOn: ['training'], run: () => { throw error; } });

  it('is named in a diagnostic when it reports the graph wrong, after the runs before it', () => {
    const r = runPipeline(training, ['fuse-activations', failing(new PassError('cannot rewrite out'))], ctx);
    expect(r.graph).toBeUndefined();
    expect(r.runs.map((x) => x.pass)).toEqual(['fuse-activations']);
    expect(r.diagnostics.map((d) => [d.code, d.message])).toEqual([['NETC9001', expect.stringMatching(/pass 'fails'.*cannot rewrite out/)]]);
  });

  it('lets any other error through: a crash is a bug, not a diagnosis of the graph', () => {
    expect(() => runPipeline(training, [failing(new TypeError('x is undefined'))], ctx)).toThrow(TypeError);
  });
});

describe('a custom pass list', () => {
  it('may list passes of the same phase in either order', () => {
    // remove-dropout, fuse-activations and fuse-softmax-cross-entropy are all forward rewrites
    expect(checkPassList(['fuse-softmax-cross-entropy', 'fuse-activations'])).toBeUndefined();
    expect(checkPassList(['fuse-activations', 'remove-dropout', 'fuse-softmax-cross-entropy'])).toBeUndefined();
    expect(checkPassList(['autodiff', 'fuse-activation-grads', 'plan-memory'])).toBeUndefined();
    expect(checkPassList(['plan-memory', 'autodiff'])).toMatch(/'autodiff' must come before/);
  });
});
