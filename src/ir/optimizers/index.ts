/** Every optimizer netc knows; adding one means adding its file (and its kernels) and a line here. */
import type { OptimizerSpec } from '../../spec/types.js';
import { adam } from './adam.js';
import { adamw } from './adamw.js';
import { momentum } from './momentum.js';
import type { Hyperparameter, Hyperparameters, OptimizerDef } from './registry.js';
import { rmsprop } from './rmsprop.js';
import { sgd } from './sgd.js';

const OPTIMIZERS: readonly OptimizerDef[] = [sgd, momentum, adam, adamw, rmsprop];

/** What a spec trains with when its train section names no optimizer. */
export const DEFAULT_OPTIMIZER = 'adam';

const byName = new Map(OPTIMIZERS.map((o) => [o.name, o]));

export function getOptimizer(name: string): OptimizerDef | undefined {
  return byName.get(name);
}

export const allOptimizers = (): readonly OptimizerDef[] => OPTIMIZERS;

/** An optimizer with every default filled in: what a spec's `optimizer:` means. */
export interface ResolvedOptimizer {
  readonly def: OptimizerDef;
  /** the step size, before any schedule */
  readonly learningRate: number;
  /** every hyperparameter of the entry, in its schema's order */
  readonly hyper: Hyperparameters;
  /** the names of its state buffers per trained parameter, as these hyperparameters need them */
  readonly state: readonly string[];
}

/** The spec's optimizer (the default one when absent), its defaults filled in from the registry. */
export function resolveOptimizer(spec: OptimizerSpec | undefined): ResolvedOptimizer {
  const name = spec?.name ?? DEFAULT_OPTIMIZER;
  const def = getOptimizer(name);
  // the schema admits only registered names, so this is netc's mistake, not the spec's
  if (!def) throw new Error(`internal error: no optimizer '${name}' in the registry`);
  const hyper: Record<string, Hyperparameter> = {};
  for (const [key, schema] of Object.entries(def.properties)) hyper[key] = (spec?.[key] ?? schema.default) as Hyperparameter;
  const state = typeof def.state === 'function' ? def.state(hyper) : def.state;
  return { def, learningRate: spec?.learning_rate ?? def.learningRate, hyper, state };
}

/**
 * What a generated module's `info.optimizer` holds: the name, the step size and each
 * hyperparameter, with the spec's snake_case keys in camelCase (`{ name: 'adam',
 * learningRate: 0.001, beta1: 0.9, ... }`).
 */
export function optimizerInfo(o: ResolvedOptimizer): Readonly<Record<string, string | Hyperparameter>> {
  const camel = (key: string) => key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
  return { name: o.def.name, learningRate: o.learningRate, ...Object.fromEntries(Object.entries(o.hyper).map(([k, v]) => [camel(k), v])) };
}
