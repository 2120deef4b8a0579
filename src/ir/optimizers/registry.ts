/**
 * The optimizer registry's entry: the one place that knows an optimizer, as `OpDef` is for an
 * op. Each optimizer has its own file beside this one with
 *  - its YAML vocabulary: the hyperparameters a person writes, as JSON Schema, each with its
 *    default (the schema builder, the emitter, `netc train` and the interpreter all read the
 *    defaults from there, so they are written once);
 *  - its state: the buffers it keeps per trained parameter (Adam's m and v);
 *  - its update, as kernel calls that the code generator prints and the interpreter runs;
 *  - how Keras and TensorFlow.js name it in a saved training config, for import.
 * The step size, its default and its schedule are common to every optimizer; the schema builder
 * adds them.
 */
import type { KernelName } from '../../runtime/kernels/types.js';
import type { JsonSchema } from '../registry.js';

/** A hyperparameter's value: what the spec writes, or its schema default. */
export type Hyperparameter = number | boolean;
export type Hyperparameters = Readonly<Record<string, Hyperparameter>>;

/**
 * An argument of an update kernel: the op registry's `KernelArg`, with the values an update
 * reads in place of a graph's buffers. Tensor arguments are arena offsets.
 */
export type UpdateArg =
  | number
  /** the parameter being updated */
  | { readonly param: true }
  /** the parameter's gradient from the training step */
  | { readonly gradient: true }
  /** the parameter's i-th state buffer, in the order the entry's `state` names them */
  | { readonly state: number }
  /** this step's step size (a schedule or `--learning-rate` may change it between steps) */
  | { readonly learningRate: true }
  /** the number of this step, counting from 1 */
  | { readonly step: true };

/** One kernel call of an update: `KernelCall` with update arguments. */
export interface UpdateCall {
  readonly kernel: KernelName;
  readonly args: readonly UpdateArg[];
}

export const PARAM: UpdateArg = { param: true };
export const GRADIENT: UpdateArg = { gradient: true };
export const LEARNING_RATE: UpdateArg = { learningRate: true };
export const STEP: UpdateArg = { step: true };
export const state = (i: number): UpdateArg => ({ state: i });

/** How a saved training config (`optimizer_config: {class_name, config}`) names an optimizer. */
export interface SerializedName {
  /** `class_name`, compared without regard to case */
  readonly className: string;
  /** netc's key (learning_rate or a hyperparameter) → the config keys that may hold it, first found wins */
  readonly config: Readonly<Record<string, readonly string[]>>;
  /** for a class that is more than one netc optimizer (Keras's SGD is sgd or momentum): whether this config is this one */
  matches?(config: Readonly<Record<string, unknown>>): boolean;
}

export interface OptimizerDef {
  /** the `name:` a person writes */
  readonly name: string;
  /** one line: the schema's description */
  readonly summary: string;
  /** the step size when the spec gives none */
  readonly learningRate: number;
  /** JSON Schema of its hyperparameters, each with a `default` */
  readonly properties: Readonly<Record<string, JsonSchema>>;
  /**
   * its state buffers per trained parameter, each the parameter's size, by name (suffixes in
   * generated code); a function when the hyperparameters decide (RMSprop keeps a momentum
   * buffer only with momentum)
   */
  readonly state: readonly string[] | ((h: Hyperparameters) => readonly string[]);
  /** The kernel calls of one step on a parameter of `size` elements. */
  update(h: Hyperparameters, size: number): UpdateCall[];
  /** its names in Keras's and in TensorFlow.js's saved training configs (absent where TensorFlow.js has no such optimizer) */
  readonly keras: SerializedName;
  readonly tfjs?: SerializedName;
}

/** A hyperparameter as a kernel argument: booleans are 0 or 1. */
export const arg = (v: Hyperparameter | undefined): number => (typeof v === 'boolean' ? Number(v) : v!);
