/**
 * The graph IR: immutable nodes in topological order, each producing one f32 tensor whose shape
 * is known at compile time except for a symbolic batch dimension `N`.
 *
 * Parameters are nodes too (op `param`), so autodiff treats them like any other value and the
 * printer shows them. Every node remembers the spec layer and source position it came from, so
 * a problem found in any later stage still points at a line of YAML.
 */
import type { SourceLoc } from '../diagnostics/diagnostics.js';

/** A dimension: a size fixed at compile time, or the batch. */
export type Dim = number | 'N';
export type Shape = readonly Dim[];

export interface TensorType {
  readonly shape: Shape;
  readonly dtype: 'f32';
}

export type AttrValue = number | string | boolean | readonly number[] | readonly (readonly number[])[];
export type Attrs = Readonly<Record<string, AttrValue>>;

export interface Node {
  /** The value's name, unique in the graph: `c1`, `c1.w`, `c1.tanh`, `grad.c1.w`. */
  readonly id: string;
  readonly op: string;
  readonly inputs: readonly string[];
  readonly attrs: Attrs;
  readonly type: TensorType;
  /** The spec layer this node implements (`''` for graph-level nodes such as labels). */
  readonly layer: string;
  readonly loc: SourceLoc;
}

/** The values a graph is for; which are present depends on the graph's purpose. */
export interface GraphOutputs {
  /** the network's output as the spec names it (probabilities for a softmax network); inference graphs */
  readonly prediction?: string;
  /** the scalar loss, when the graph trains */
  readonly loss?: string;
  /** the values whose argmax is the predicted class, for training accuracy */
  readonly scores?: string;
  /** parameter id → the id of the loss's gradient with respect to it (after autodiff) */
  readonly gradients?: Readonly<Record<string, string>>;
  /**
   * state id → the node that writes the state's new value during the training step (an op with
   * `assigns`, whose input 0 is the state): batch normalization's moving mean and variance
   */
  readonly updates?: Readonly<Record<string, string>>;
}

export interface Graph {
  readonly name: string;
  readonly nodes: readonly Node[];
  readonly outputs: GraphOutputs;
  /** where each value lives in the arena, once the memory planning pass has run */
  readonly plan?: MemoryPlan;
}

/** Arena offsets and sizes in float32 elements, for a batch of `batch` examples. */
export interface MemoryPlan {
  readonly batch: number;
  /** value id → offset; values of one alias group (flatten) share it */
  readonly offsets: Readonly<Record<string, number>>;
  /** value id → size of its buffer */
  readonly sizes: Readonly<Record<string, number>>;
  /** the arena's end: everything the graph touches lies below it */
  readonly end: number;
  /** where planned (non-fixed) buffers start */
  readonly base: number;
  /** the planned region's size, and the sum of its buffers' sizes without reuse */
  readonly plannedFloats: number;
  readonly naiveFloats: number;
}

/** The values a graph must keep to its end: its outputs, gradients and state updates. */
export function outputIds(o: GraphOutputs): string[] {
  const ids = [o.prediction, o.loss, o.scores, ...Object.values(o.gradients ?? {}), ...Object.values(o.updates ?? {})];
  return ids.filter((x): x is string => x !== undefined);
}

export const f32 = (shape: Shape): TensorType => ({ shape, dtype: 'f32' });

/** Elements per example (batch dimension excluded) — or in total for a shape without `N`. */
export function elementsPerExample(shape: Shape): number {
  let n = 1;
  for (const d of shape) if (d !== 'N') n *= d;
  return n;
}

/** The shape without its batch dimension: what a person thinks of as a layer's output shape. */
export function exampleShape(shape: Shape): number[] {
  return shape.filter((d): d is number => d !== 'N');
}

/** `28×28×1`, or `N×28×28×1` with the batch. */
export function formatShape(shape: Shape): string {
  return shape.length === 0 ? 'scalar' : shape.join('×');
}

export function sameShape(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

export function nodeMap(g: Graph): Map<string, Node> {
  return new Map(g.nodes.map((n) => [n.id, n]));
}
