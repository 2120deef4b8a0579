/**
 * The op registry: the one place that knows an op.
 *
 * Two kinds of entry live here, each op in its own file under `ops/`:
 *  - an IR op (`OpDef`): its shape rule (which returns a diagnostic, never throws), its cost,
 *    and (for the compiler's later stages) its gradient rule and kernel;
 *  - a spec layer (`LayerDef`): the YAML vocabulary — the attributes a person writes, as JSON
 *    Schema (the shipped `specs/netc.schema.json` is generated from these), and how a layer
 *    lowers to IR nodes.
 * Most layers lower to the IR op of the same name; `activation` lowers to the op its `fn` names.
 */
import type { Diagnostic, SourceLoc } from '../diagnostics/diagnostics.js';
import type { KernelName } from '../runtime/kernels/types.js';
import type { Init } from '../runtime/model.js';
import type { Attrs, Node, TensorType } from './types.js';
import type { SpecLayer } from '../spec/types.js';

export type JsonSchema = { readonly [key: string]: unknown };

/** A failed shape rule: the diagnostic, placed at the attribute it blames when there is one. */
export interface ShapeProblem {
  readonly problem: (loc: SourceLoc | undefined) => Diagnostic;
  /** the spec attribute to point at (`kernel`, `inputs`); the layer itself when absent */
  readonly attr?: string;
}

export function isProblem<T extends object>(r: T | ShapeProblem): r is ShapeProblem {
  return 'problem' in r;
}

export interface ShapeContext {
  /** the spec layer being checked, for messages */
  readonly layer: string;
  /** for each input, the spec layer that produced it */
  readonly from: readonly string[];
}

export interface OpDef {
  readonly name: string;
  /** one line, for `--list-ops`, docs and the IR printer's legend */
  readonly summary: string;
  /** the number of IR inputs (parameters included): one count, the allowed counts, or 'variadic' for two or more */
  readonly arity: number | readonly number[] | 'variadic';
  shape(inputs: readonly TensorType[], attrs: Attrs, ctx: ShapeContext): TensorType | ShapeProblem;
  /** multiply-accumulates with a weight, per example; 0 when absent */
  macs?(inputs: readonly TensorType[], out: TensorType, attrs: Attrs): number;
  /**
   * connections per example as the 1998 paper counts them: for each output value, the inputs
   * it is computed from plus one for a bias; 0 when absent
   */
  connections?(inputs: readonly TensorType[], out: TensorType, attrs: Attrs): number;
  /**
   * The runtime kernel calls that compute the node, in order. The interpreter executes them and
   * the code generator prints them, so both agree on every argument. Absent for nodes that no
   * kernel computes (inputs, parameters) and for aliases.
   */
  kernel?(node: Node, inputs: readonly TensorType[]): KernelCall[];
  /** the output is input 0's memory seen with another shape (flatten): no kernel, no copy */
  readonly alias?: boolean;
  /**
   * The node is a state update: its result is written into input 0, a state (a persistent,
   * non-trainable `param`), so its buffer is the state's own and the graph lists it in
   * `outputs.updates`. The verifier allows one update per state and no reader of the state
   * after it, so every other reader in the step sees the old value.
   */
  readonly assigns?: boolean;
  /**
   * The gradient rule: given the node and the gradient of the loss with respect to its output
   * (undefined for the loss itself, whose gradient is 1), the gradients with respect to each
   * input — undefined for inputs that need none.
   */
  grad?(node: Node, dy: Node | undefined, ctx: GradContext): (Node | undefined)[];
}

/** A kernel argument: a constant, a tensor (its arena offset), or a value known when the step runs. */
export type KernelArg =
  | number
  | { readonly buf: string }
  /** the batch size times a constant */
  | { readonly batch: number }
  /** the training step's random seed (for dropout) */
  | { readonly seed: true }
  /** an activation function, by name (the kernels' Act code) */
  | { readonly act: string };

export interface KernelCall {
  readonly kernel: KernelName;
  readonly args: readonly KernelArg[];
}

export interface GradContext {
  /** the node that produces input `i` of the node being differentiated */
  input(i: number): Node;
  /** whether input `i` needs a gradient (it depends on a trainable parameter) */
  needsGrad(i: number): boolean;
  /**
   * Add a backward node. `wrt` names the input whose gradient it is, or a suffix for an
   * intermediate (`pre`: the gradient before the fused activation).
   */
  node(op: string, inputs: readonly Node[], attrs: Attrs, wrt: number | string): Node;
}

/** A value while lowering: the node that produces it. */
export type Value = Node;

export interface LowerContext {
  /**
   * Whether this graph is the training step (the spec trains, and labels and loss are lowered)
   * rather than inference: a layer with running statistics updates them only here.
   */
  readonly training: boolean;
  /** Add an IR node; undefined (with a diagnostic recorded) when its shape rule fails. */
  node(op: string, inputs: readonly Value[], attrs: Attrs, id?: string): Value | undefined;
  /** Declare a parameter of this layer, named `<layer>.<suffix>` (trainable unless options say). */
  param(suffix: string, shape: readonly number[], init: Init, options?: ParamOptions): Value;
  /**
   * Declare a state of this layer, named `<layer>.<suffix>`: a persistent buffer that is not
   * trained but may be updated by the training step (batch normalization's moving mean). It is
   * laid out, initialized and checkpointed like a parameter. Declare it in the inference graph
   * too when inference reads it, so that both graphs share its offset.
   */
  state(suffix: string, shape: readonly number[], init: Init): Value;
  /**
   * Write `value` into `state` during the training step (only when `training`): adds an
   * `assign` node and lists it among the graph's updates. At most once per state and step, and
   * no node may read the state after it. Undefined (reported) when the shapes differ.
   */
  update(state: Value, value: Value): Value | undefined;
  /**
   * Apply an activation function by name, with the layer's `alpha:` for leaky_relu and elu (their
   * default when it has none; reported when the function takes no alpha); `linear` adds nothing.
   */
  activation(x: Value, fn: string): Value | undefined;
  /** The [H, W, C] of an image input, or undefined (reported) when `x` is not an image batch. */
  image(x: Value, op: string): [number, number, number] | undefined;
  /** Where an attribute of the layer is written, for diagnostics. */
  locate(attr?: string): SourceLoc;
  report(d: Diagnostic): void;
}

/** How a parameter is used, beyond its initializer. */
export interface ParamOptions {
  /** false for fixed tensors the optimizer leaves alone (default true) */
  readonly trainable?: boolean;
  /** a 0/1 tensor of the same shape that holds disconnected weights at zero */
  readonly mask?: Value;
  /**
   * 'mask' for a connection mask: not a weight, so not counted among fixed parameters;
   * 'state' for a buffer the training step updates (declared through LowerContext.state)
   */
  readonly role?: 'mask' | 'state';
  /**
   * Keras's kernel_regularizer L2: the training loss gains l2·Σw² of this parameter (its `l2`
   * attribute; lower-train.ts adds the penalty). A layer passes its `l2` attribute through here.
   */
  readonly l2?: number;
}

export interface LayerDef {
  /** the `op:` a person writes */
  readonly op: string;
  readonly summary: string;
  /** JSON Schema of the layer's own attributes (name, op and inputs are common to all) */
  readonly properties: Readonly<Record<string, JsonSchema>>;
  readonly required: readonly string[];
  /** how many layers it reads */
  readonly inputs: { readonly min: number; readonly max: number };
  lower(layer: SpecLayer, inputs: readonly Value[], ctx: LowerContext): Value | undefined;
}
