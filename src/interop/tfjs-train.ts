/**
 * The train section of an imported spec, which a Layers model does not hold: from netc's own
 * metadata when the model is a netc export, else from the training config Keras or TensorFlow.js
 * saved (the loss; the optimizer by the names its registry entry gives) and netc's defaults;
 * MNIST when the model is shaped for it.
 */
import { allOptimizers, resolveOptimizer } from '../ir/optimizers/index.js';
import type { SerializedName } from '../ir/optimizers/registry.js';
import { isObject } from './tfjs-format.js';
import type { NetcLayer } from './tfjs-layers.js';
import type { LayerGraph } from './tfjs-topology.js';

/** What a netc export keeps in model.json's userDefinedMetadata.netc, as far as it is well-formed. */
export function netcMetadata(doc: Record<string, unknown>): { name?: string; description?: string; train?: Record<string, unknown> } | undefined {
  const meta = isObject(doc.userDefinedMetadata) ? doc.userDefinedMetadata.netc : undefined;
  if (!isObject(meta)) return undefined;
  return {
    ...(typeof meta.name === 'string' ? { name: meta.name } : {}),
    ...(typeof meta.description === 'string' ? { description: meta.description } : {}),
    ...(isObject(meta.train) ? { train: meta.train } : {}),
  };
}

const KERAS_LOSSES: Readonly<Record<string, string>> = {
  categorical_crossentropy: 'categorical_crossentropy',
  categoricalCrossentropy: 'categorical_crossentropy',
  mse: 'mse',
  mean_squared_error: 'mse',
  meanSquaredError: 'mse',
};

/** Keras's loss classes, as a saved config may name them ({class_name, config}). */
const KERAS_LOSS_CLASSES: Readonly<Record<string, string>> = { CategoricalCrossentropy: 'categorical_crossentropy', MeanSquaredError: 'mse' };

/**
 * A saved loss as the spec's `loss`, and `label_smoothing` when Keras's CategoricalCrossentropy
 * has one (TensorFlow.js's own training config names a loss only, so only Keras's has a place
 * for it). A loss on logits (from_logits) is not netc's: then nothing.
 */
function savedLoss(l: unknown): { loss?: string; label_smoothing?: number } {
  if (typeof l === 'string') return Object.hasOwn(KERAS_LOSSES, l) ? { loss: KERAS_LOSSES[l]! } : {};
  if (!isObject(l) || typeof l.class_name !== 'string' || !Object.hasOwn(KERAS_LOSS_CLASSES, l.class_name)) return {};
  const config = isObject(l.config) ? l.config : {};
  if (config.from_logits === true) return {};
  const s = config.label_smoothing;
  return { loss: KERAS_LOSS_CLASSES[l.class_name]!, ...(typeof s === 'number' && s > 0 && s <= 1 ? { label_smoothing: s } : {}) };
}

/**
 * Whether the model takes MNIST's images and gives its ten classes: then it is most likely an
 * MNIST classifier, and its spec trains on MNIST unless --dataset says otherwise.
 */
export function fitsMnist(graph: LayerGraph, converted: ReadonlyMap<string, NetcLayer>): boolean {
  if (graph.inputShape.join() !== '28,28,1') return false;
  // back from the output through the layers that keep the shape, to the dense layer that sets it
  let name = graph.output;
  for (;;) {
    const l = graph.layers.find((x) => x.name === name);
    const c = l && converted.get(name);
    if (!l || !c) return false;
    if (c.op === 'dense') return c.attrs.units === 10;
    if (c.op !== 'activation' && c.op !== 'dropout') return false;
    name = l.inputs[0]!;
  }
}

/** netc's metadata when the file has it; else Keras's training_config; else what fits the output. */
export function trainSection(doc: Record<string, unknown>, meta: ReturnType<typeof netcMetadata>, dataset: string, out: NetcLayer | undefined): Record<string, unknown> {
  if (meta?.train) return { ...meta.train, dataset };
  const topology = isObject(doc.modelTopology) ? doc.modelTopology : {};
  const tc = [doc.trainingConfig, doc.training_config, topology.training_config].find(isObject);
  const lastActivation = out && (out.op === 'activation' ? out.attrs.fn : out.attrs.activation);
  const saved = savedLoss(tc?.loss);
  const loss = saved.loss ?? (lastActivation === 'softmax' ? 'categorical_crossentropy' : 'mse');
  const fallback = resolveOptimizer(undefined);
  const optimizer = savedOptimizer(tc?.optimizer_config) ?? { name: fallback.def.name, learning_rate: fallback.learningRate };
  return { dataset, loss, ...(saved.label_smoothing ? { label_smoothing: saved.label_smoothing } : {}), optimizer };
}

/**
 * A saved `optimizer_config` ({class_name, config}, as Keras or TensorFlow.js writes it) as a
 * spec's optimizer: the registered optimizer whose Keras or TensorFlow.js name it carries, with
 * each key the config holds under that name; keys it lacks keep netc's defaults.
 */
function savedOptimizer(o: unknown): Record<string, unknown> | undefined {
  if (!isObject(o) || !isObject(o.config) || typeof o.class_name !== 'string') return undefined;
  const config = o.config;
  const cls = o.class_name.toLowerCase();
  const fits = (n: SerializedName | undefined): n is SerializedName => n !== undefined && n.className.toLowerCase() === cls && (n.matches?.(config) ?? true);
  const def = allOptimizers().find((d) => fits(d.keras) || fits(d.tfjs));
  if (!def) return undefined;
  const names = [def.keras, def.tfjs].filter(fits);
  const out: Record<string, unknown> = { name: def.name };
  for (const key of ['learning_rate', ...Object.keys(def.properties)]) {
    const boolean = def.properties[key]?.type === 'boolean';
    const value = names
      .flatMap((n) => n.config[key] ?? [])
      .map((k) => config[k])
      .find((v) => (boolean ? typeof v === 'boolean' : typeof v === 'number' && Number.isFinite(v)));
    if (value !== undefined) out[key] = value;
  }
  return out;
}
