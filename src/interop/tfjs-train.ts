/**
 * The train section of an imported spec, which a Layers model does not hold: from netc's own
 * metadata when the model is a netc export, else from Keras's training_config (loss, Adam or
 * SGD with momentum) and netc's defaults; MNIST when the model is shaped for it.
 */
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
  const loss = (typeof tc?.loss === 'string' && Object.hasOwn(KERAS_LOSSES, tc.loss) && KERAS_LOSSES[tc.loss]) || (lastActivation === 'softmax' ? 'categorical_crossentropy' : 'mse');
  return { dataset, loss, optimizer: kerasOptimizer(tc?.optimizer_config) ?? { name: 'adam', learning_rate: 0.001 } };
}

function kerasOptimizer(o: unknown): Record<string, unknown> | undefined {
  if (!isObject(o) || !isObject(o.config) || typeof o.class_name !== 'string') return undefined;
  const c = o.config;
  const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
  const lr = num(c.learning_rate) ?? num(c.lr);
  const rate = lr !== undefined ? { learning_rate: lr } : {};
  switch (o.class_name.toLowerCase()) {
    case 'adam': {
      const [b1, b2, eps] = [num(c.beta_1) ?? num(c.beta1), num(c.beta_2) ?? num(c.beta2), num(c.epsilon)];
      return { name: 'adam', ...rate, ...(b1 !== undefined ? { beta1: b1 } : {}), ...(b2 !== undefined ? { beta2: b2 } : {}), ...(eps !== undefined ? { epsilon: eps } : {}) };
    }
    case 'sgd': {
      const m = num(c.momentum) ?? 0;
      return m > 0 ? { name: 'momentum', ...rate, momentum: m, nesterov: c.nesterov === true } : { name: 'sgd', ...rate };
    }
    default:
      return undefined;
  }
}
