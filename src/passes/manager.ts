/**
 * The pass manager: runs a named list of passes over a graph, verifies the graph after each
 * (a broken graph is reported as a bug in the pass that broke it), and can print the IR after
 * each pass and time each one.
 */
import type { Diagnostic } from '../diagnostics/diagnostics.js';
import { Messages } from '../diagnostics/messages.js';
import { printGraph } from '../ir/print.js';
import type { Graph } from '../ir/types.js';
import { verifyGraph } from '../ir/verify.js';
import { autodiff } from './autodiff.js';
import { eliminateDeadNodes } from './eliminate-dead-nodes.js';
import { foldBatchnorm } from './fold-batchnorm.js';
import { fuseActivationGrads } from './fuse-activation-grads.js';
import { fuseActivations } from './fuse-activations.js';
import { fuseSoftmaxCrossEntropy } from './fuse-softmax-cross-entropy.js';
import { PassError, type GraphKind, type Pass, type PassContext } from './pass.js';
import { planMemoryPass } from './plan-memory.js';
import { removeDropout } from './remove-dropout.js';

/** Every pass, in the order the default pipeline runs them: the default pipeline is this list. */
export const PASSES: readonly Pass[] = [
  removeDropout,
  foldBatchnorm,
  fuseActivations,
  fuseSoftmaxCrossEntropy,
  eliminateDeadNodes,
  autodiff,
  fuseActivationGrads,
  planMemoryPass,
];

export const DEFAULT_PIPELINE: readonly string[] = PASSES.map((p) => p.name);

export function getPass(name: string): Pass | undefined {
  return PASSES.find((p) => p.name === name);
}

/**
 * The passes of a pipeline that run on one graph, in order: those that declare the graph, plus
 * any required pass for it the list left out (in its place in PASSES). Names must be known
 * (checkPassList first).
 */
export function pipelineFor(names: readonly string[], kind: GraphKind): string[] {
  const rank = (name: string) => PASSES.findIndex((p) => p.name === name);
  const missing = PASSES.filter((p) => p.required && !names.includes(p.name)).map((p) => p.name);
  const all = [...names];
  for (const name of missing) {
    const at = all.findIndex((n) => rank(n) > rank(name));
    all.splice(at < 0 ? all.length : at, 0, name);
  }
  return all.filter((name) => getPass(name)!.runsOn.includes(kind));
}

/** The training step: fuse, clean up, differentiate, plan. */
export const TRAINING_PIPELINE = pipelineFor(DEFAULT_PIPELINE, 'training');
/** Prediction: no dropout, no loss, no gradients. */
export const INFERENCE_PIPELINE = pipelineFor(DEFAULT_PIPELINE, 'inference');

export interface PassRun {
  readonly pass: string;
  readonly ms: number;
  readonly changed: boolean;
  /** the IR after the pass, when printing was asked for */
  readonly ir?: string;
}

export interface PipelineResult {
  /** the final graph; absent when a pass failed */
  readonly graph?: Graph;
  readonly runs: PassRun[];
  readonly diagnostics: Diagnostic[];
}

/** Run passes (by name, or Pass objects) in order, verifying after each. */
export function runPipeline(graph: Graph, passes: readonly (string | Pass)[], ctx: PassContext, options: { print?: boolean } = {}): PipelineResult {
  const runs: PassRun[] = [];
  let g = graph;
  for (const p of passes) {
    const pass = typeof p === 'string' ? getPass(p) : p;
    if (!pass) return { runs, diagnostics: [Messages.Internal.at(undefined, `no pass named '${String(p)}'`)] };
    const name = pass.name;
    const t0 = performance.now();
    let next: Graph;
    try {
      next = pass.run(g, ctx);
    } catch (e) {
      if (e instanceof PassError) return { runs, diagnostics: [Messages.PassBrokeGraph.at(undefined, name, e.message)] };
      throw e;
    }
    const ms = performance.now() - t0;
    const problems = verifyGraph(next);
    if (problems.length > 0) return { runs, diagnostics: [Messages.PassBrokeGraph.at(undefined, name, problems.join('; '))] };
    runs.push({ pass: name, ms, changed: next !== g, ...(options.print ? { ir: printGraph(next) } : {}) });
    g = next;
  }
  return { graph: g, runs, diagnostics: [] };
}

/** Checks a custom pass list: known names, each once, phases in order. Returns a problem or undefined. */
export function checkPassList(names: readonly string[]): string | undefined {
  let phase = 0;
  const seen = new Set<string>();
  for (const name of names) {
    const pass = getPass(name);
    if (!pass) return `unknown pass '${name}'; the passes are: ${PASSES.map((p) => p.name).join(', ')}`;
    if (seen.has(name)) return `pass '${name}' is listed twice`;
    if (pass.phase < phase) return `pass '${name}' must come before the passes of later phases (rewrites, clean-up, autodiff, memory planning)`;
    seen.add(name);
    phase = pass.phase;
  }
  return undefined;
}
