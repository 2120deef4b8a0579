/**
 * A pass is a named, pure function from graph to graph. Passes that rewrite nodes build the new
 * ones through the IR's one constructor, so shapes are inferred again; the manager runs the
 * verifier after each pass and blames the pass that broke the graph.
 */
import type { Graph } from '../ir/types.js';

export interface PassContext {
  /** the largest batch the graph will run with: memory is planned for it */
  readonly batch: number;
  /** where the planned region of the arena starts (after the parameters) */
  readonly arenaBase: number;
  /** offsets decided outside the pass (the parameters, shared by the training and inference graphs) */
  readonly fixedOffsets: Readonly<Record<string, number>>;
  /**
   * parameter id → where its gradient must live: outside the planned region, so that an
   * inference pass between computing and applying gradients cannot overwrite them
   */
  readonly gradientOffsets?: Readonly<Record<string, number>>;
}

/** The two graphs a spec compiles to: the training step (loss and gradients) and prediction. */
export type GraphKind = 'training' | 'inference';

export interface Pass {
  readonly name: string;
  /** one line for --list-passes */
  readonly summary: string;
  /**
   * The graphs the pass runs on, as an MLIR pass declares its anchor: a pipeline is one list,
   * and each graph runs the passes of that list that declare it.
   */
  readonly runsOn: readonly GraphKind[];
  /**
   * The graph computes the wrong thing without this pass (dropout at inference), so it runs on
   * its graphs even when a custom pass list leaves it out.
   */
  readonly required?: boolean;
  /**
   * Passes run in non-decreasing phase: rewrites of the forward graph (1), clean-up (2),
   * autodiff (3), memory planning (4). A custom --passes list must keep this order.
   */
  readonly phase: 1 | 2 | 3 | 4;
  run(graph: Graph, ctx: PassContext): Graph;
}

/** Thrown by a pass that meets a graph it cannot handle: a bug, reported naming the pass. */
export class PassError extends Error {}
