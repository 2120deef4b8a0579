/**
 * A trained netc network as a TensorFlow.js Layers model. Each spec layer becomes the Keras
 * layer that computes the same thing, with the same name, so its weights keep their names
 * (`c1.w` → `c1/kernel`, `c1.b` → `c1/bias`) and their layouts (both are [KH, KW, Cin, Cout]
 * and [K, units]). The model is always written as a functional `Model`, which holds a stack and
 * a DAG alike. What has no Layers equivalent — the 1998 paper's layers, a connection table,
 * scaled tanh, an elu of alpha other than 1, preprocessing — is a diagnostic naming the layer
 * and the attribute.
 */
import { BATCHNORM_DEFAULTS } from '../ir/ops/batchnorm.js';
import { ALPHA_DEFAULTS } from '../ir/ops/activation.js';
import { pair } from '../ir/ops/common.js';
import { DEPTH_MULTIPLIER } from '../ir/ops/depthwise-conv2d.js';
import type { Graph } from '../ir/types.js';
import { sortDiagnostics, type Diagnostic } from '../diagnostics/diagnostics.js';
import { Messages } from '../diagnostics/messages.js';
import type { LoadedSpec, SpecLayer } from '../spec/types.js';
import { batchNormalizationWeights, float32Bytes, GLOROT_UNIFORM, shards, ZEROS, type LayerJson, type ModelJson, type NetcMetadata, type WeightSpec } from './tfjs-format.js';

/** What Keras writes for a layer with a kernel and a bias, no regularization and no constraints. */
const KERNEL_AND_BIAS = {
  use_bias: true,
  kernel_initializer: GLOROT_UNIFORM,
  bias_initializer: ZEROS,
  kernel_regularizer: null,
  bias_regularizer: null,
  activity_regularizer: null,
  kernel_constraint: null,
  bias_constraint: null,
};

const KERNEL_AND_BIAS_WEIGHTS = [['w', 'kernel'], ['b', 'bias']] as const;
const ONES = { class_name: 'Ones', config: {} } as const;

export interface TfjsExport {
  readonly modelJson: ModelJson;
  /** the weight files, named as model.json's manifest names them */
  readonly shards: readonly { readonly name: string; readonly bytes: Uint8Array }[];
}

export interface ExportInput {
  readonly loaded: LoadedSpec;
  /** the spec's lowered graph, for the parameters' shapes */
  readonly graph: Graph;
  /** trained parameters by netc's names */
  readonly params: Readonly<Record<string, Float32Array>>;
  readonly netcVersion: string;
  /** where the parameters came from, for messages */
  readonly paramsFrom: string;
}

const INPUT = 'input';

/** A Keras layer a spec layer becomes (a conv2d with padding in pixels becomes two). */
interface Keras {
  readonly className: string;
  readonly config: Record<string, unknown>;
  readonly weighted?: boolean;
  /** [netc parameter suffix, Keras weight] in Keras's order, when not a kernel and a bias */
  readonly weights?: readonly (readonly [string, string])[];
}

const common = (name: string) => ({ name, trainable: true });

/**
 * A layer's `l2` as Keras's kernel_regularizer. Written as L1L2 with l1 0, the class TensorFlow.js
 * registers (it has no class `L2`, which Keras 3 writes); both compute l2·Σw².
 */
const kernelRegularizer = (l: SpecLayer, key = 'kernel_regularizer') => (typeof l.l2 === 'number' && l.l2 > 0 ? { [key]: { class_name: 'L1L2', config: { l1: 0, l2: l.l2 } } } : {});
const channelsLast = { data_format: 'channels_last' };

/** One transform per op: the spec layer's Keras layers, first to last. */
const TO_KERAS: Readonly<Record<string, (l: SpecLayer, padName: string) => Keras[]>> = {
  conv2d(l, padName) {
    const p = l.padding ?? 'valid';
    const conv: Keras = {
      className: 'Conv2D',
      weighted: true,
      ...(l.use_bias === false ? { weights: [['w', 'kernel']] } : {}),
      config: {
        filters: l.filters,
        kernel_size: pair(l.kernel, [1, 1]),
        strides: pair(l.stride, [1, 1]),
        padding: typeof p === 'number' ? 'valid' : p,
        ...channelsLast,
        dilation_rate: pair(l.dilation, [1, 1]),
        activation: kerasActivation(l.activation),
        ...KERNEL_AND_BIAS,
        ...(l.use_bias === false ? { use_bias: false } : {}),
        ...kernelRegularizer(l),
        ...common(l.name),
      },
    };
    // Keras's Conv2D pads only 'same'; pixels of padding are a ZeroPadding2D before a valid conv.
    if (typeof p !== 'number' || p === 0) return withActivationLayer(l, [conv]);
    return withActivationLayer(l, [{ className: 'ZeroPadding2D', config: { padding: [[p, p], [p, p]], ...channelsLast, ...common(padName) } }, conv]);
  },
  dense: (l) =>
    withActivationLayer(l, [
      {
        className: 'Dense',
        weighted: true,
        config: {
          units: l.units,
          activation: kerasActivation(l.activation),
          ...KERNEL_AND_BIAS,
          ...kernelRegularizer(l),
          ...common(l.name),
        },
      },
    ]),
  depthwise_conv2d: (l) =>
    withActivationLayer(l, [
      {
        className: 'DepthwiseConv2D',
        weighted: true,
        weights: l.use_bias === false ? [['w', 'depthwise_kernel']] : [['w', 'depthwise_kernel'], ['b', 'bias']],
        config: {
          kernel_size: pair(l.kernel, [1, 1]),
          strides: pair(l.stride, [1, 1]),
          padding: l.padding ?? 'valid',
          depth_multiplier: l.depth_multiplier ?? DEPTH_MULTIPLIER,
          ...channelsLast,
          dilation_rate: [1, 1],
          activation: kerasActivation(l.activation),
          use_bias: l.use_bias !== false,
          depthwise_initializer: GLOROT_UNIFORM,
          bias_initializer: ZEROS,
          depthwise_regularizer: null,
          bias_regularizer: null,
          activity_regularizer: null,
          depthwise_constraint: null,
          bias_constraint: null,
          ...kernelRegularizer(l, 'depthwise_regularizer'),
          ...common(l.name),
        },
      },
    ]),
  avgpool2d: (l) => [{ className: 'AveragePooling2D', config: poolConfig(l) }],
  global_avgpool2d: (l) => [{ className: 'GlobalAveragePooling2D', config: { ...channelsLast, ...common(l.name) } }],
  global_maxpool2d: (l) => [{ className: 'GlobalMaxPooling2D', config: { ...channelsLast, ...common(l.name) } }],
  maxpool2d: (l) => [{ className: 'MaxPooling2D', config: poolConfig(l) }],
  flatten: (l) => [{ className: 'Flatten', config: common(l.name) }],
  dropout: (l) => [{ className: 'Dropout', config: { rate: l.rate, noise_shape: null, seed: null, ...common(l.name) } }],
  activation: (l) => [l.fn === 'leaky_relu' ? leakyReLU(l, l.name) : { className: 'Activation', config: { activation: l.fn, ...common(l.name) } }],
  add: (l) => [{ className: 'Add', config: common(l.name) }],
  concat: (l) => [{ className: 'Concatenate', config: { axis: -1, ...common(l.name) } }],
  batchnorm: (l) => [batchNormalization(l)],
  pad: (l) => [{ className: 'ZeroPadding2D', config: { padding: [[l.padding, l.padding], [l.padding, l.padding]], ...channelsLast, ...common(l.name) } }],
};

/** Keras's BatchNormalization over the last axis, its weights named as netc's parameters are. */
function batchNormalization(l: SpecLayer): Keras {
  const o = { ...BATCHNORM_DEFAULTS, ...Object.fromEntries(Object.keys(BATCHNORM_DEFAULTS).filter((k) => l[k] !== undefined).map((k) => [k, l[k]])) };
  const init = { beta_initializer: ZEROS, gamma_initializer: ONES, moving_mean_initializer: ZEROS, moving_variance_initializer: ONES };
  const none = { beta_regularizer: null, gamma_regularizer: null, beta_constraint: null, gamma_constraint: null };
  return { className: 'BatchNormalization', weighted: true, weights: batchNormalizationWeights(o), config: { axis: -1, ...o, ...init, ...none, ...common(l.name) } };
}

/**
 * TensorFlow.js has leaky_relu as a layer (LeakyReLU {alpha}), not as an activation: a conv2d or
 * dense with it becomes the Keras layer with a linear activation, then a LeakyReLU named
 * `<layer>_leaky_relu`. Every other function of netc's that Layers has goes by its own name.
 */
const kerasActivation = (fn: unknown) => (fn === undefined || fn === 'leaky_relu' ? 'linear' : fn);

function leakyReLU(l: SpecLayer, name: string): Keras {
  return { className: 'LeakyReLU', config: { alpha: l.alpha ?? ALPHA_DEFAULTS.leaky_relu, ...common(name) } };
}

const withActivationLayer = (l: SpecLayer, keras: Keras[]): Keras[] => (l.activation === 'leaky_relu' ? [...keras, leakyReLU(l, `${l.name}_leaky_relu`)] : keras);

function poolConfig(l: SpecLayer): Record<string, unknown> {
  const pool = pair(l.pool, [2, 2]);
  return { pool_size: pool, padding: l.padding ?? 'valid', strides: pair(l.stride, pool), ...channelsLast, ...common(l.name) };
}

/** Why an op has no Layers equivalent. */
const NO_EQUIVALENT: Readonly<Record<string, string>> = {
  subsample: "the 1998 paper's trainable subsampling; Keras's pooling layers have no trainable coefficient",
  rbf: "the 1998 paper's Euclidean RBF units; Keras has no RBF layer",
};

/** Every spec op is one or the other; a test holds the registry to it, so a new op is not forgotten here. */
export const EXPORTABLE_OPS: readonly string[] = Object.keys(TO_KERAS);
export const UNEXPORTABLE_OPS: readonly string[] = Object.keys(NO_EQUIVALENT);

/** Everything in the spec that a Layers model cannot express, each at its place. */
export function exportProblems(loaded: LoadedSpec, layers: readonly SpecLayer[]): Diagnostic[] {
  const { spec, map } = loaded;
  const out: Diagnostic[] = [];
  // at the attribute's key ('connections:' rather than the table under it), or the op's value
  const problem = (path: (string | number)[], what: string, why: string) =>
    out.push(Messages.TfjsNoLayersEquivalent.at(map.locate(path, path[path.length - 1] === 'op' ? 'value' : 'key'), what, why));
  if (spec.preprocess) problem(['preprocess'], "'preprocess'", 'a Layers model takes the images as they are; scale and pad them before calling predict');
  if (spec.train?.loss === 'rbf_map') problem(['train', 'loss'], "the loss 'rbf_map'", "its network's prediction is softmax(−y) of the RBF penalties");
  for (const l of layers) {
    const i = spec.layers.indexOf(l);
    const what = `layer '${l.name}' (${l.op})`;
    if (NO_EQUIVALENT[l.op]) problem(['layers', i, 'op'], what, NO_EQUIVALENT[l.op]!);
    else if (!TO_KERAS[l.op]) problem(['layers', i, 'op'], what, 'netc does not know how to write it');
    if (l.connections !== undefined) problem(['layers', i, 'connections'], `${what} with 'connections'`, "Keras's Conv2D reads every input channel");
    if (pair(l.dilation, [1, 1]).some((d) => d > 1) && pair(l.stride, [1, 1]).some((s) => s > 1)) {
      problem(['layers', i, 'dilation'], `${what} with a dilation and a stride above 1`, "Keras's Conv2D takes strides or a dilation_rate above 1, not both");
    }
    for (const key of ['activation', 'fn']) {
      if (l[key] === 'scaled_tanh') problem(['layers', i, key], `${what} with scaled_tanh`, 'Keras has no 1.7159·tanh(2x/3) activation');
      if (l[key] === 'elu' && l.alpha !== undefined && l.alpha !== 1) problem(['layers', i, 'alpha'], `${what} with elu of alpha ${String(l.alpha)}`, "TensorFlow.js's elu and ELU layer have alpha 1 only");
    }
  }
  return sortDiagnostics(out);
}

/** The spec's layers that the output depends on, each after what it reads, and what each reads. */
function outputCone(layers: readonly SpecLayer[], output: string): { order: SpecLayer[]; reads: Map<string, string[]> } {
  const byName = new Map(layers.map((l) => [l.name, l]));
  const reads = new Map(layers.map((l, i) => [l.name, l.inputs ? [...l.inputs] : [i === 0 ? INPUT : layers[i - 1]!.name]]));
  const order: SpecLayer[] = [];
  const seen = new Set<string>();
  const visit = (name: string): void => {
    if (name === INPUT || seen.has(name)) return;
    seen.add(name);
    for (const r of reads.get(name) ?? []) visit(r);
    order.push(byName.get(name)!);
  };
  visit(output);
  // the spec's order where it is already one (it usually is), so model.json reads like the spec
  order.sort((a, b) => layers.indexOf(a) - layers.indexOf(b));
  const position = new Map(order.map((l, i) => [l.name, i]));
  const topological = order.every((l, i) => reads.get(l.name)!.every((r) => r === INPUT || position.get(r)! < i));
  if (!topological) {
    order.length = 0;
    seen.clear();
    visit(output);
  }
  return { order, reads };
}

export function exportTfjs(input: ExportInput): TfjsExport | Diagnostic[] {
  const { loaded, graph, params } = input;
  const spec = loaded.spec;
  const output = spec.output ?? spec.layers[spec.layers.length - 1]!.name;
  const { order, reads } = outputCone(spec.layers, output);
  const problems = exportProblems(loaded, order);
  if (problems.length > 0) return problems;

  const names = new Set([INPUT, ...spec.layers.map((l) => l.name)]);
  const fresh = (base: string) => {
    let n = base;
    for (let k = 2; names.has(n); k++) n = `${base}_${k}`;
    names.add(n);
    return n;
  };
  const [h, w, c] = spec.input.shape;
  const layers: LayerJson[] = [
    { name: INPUT, class_name: 'InputLayer', config: { batch_input_shape: [null, h, w, c], dtype: 'float32', sparse: false, name: INPUT }, inbound_nodes: [] },
  ];
  const weights: WeightSpec[] = [];
  const values: Float32Array[] = [];
  const missing: string[] = [];
  const outputOf = new Map<string, string>();
  for (const l of order) {
    // a spec layer's value is its last Keras layer's (a LeakyReLU after a conv2d)
    let from = reads.get(l.name)!.map((r) => outputOf.get(r) ?? r);
    for (const k of TO_KERAS[l.op]!(l, `${l.name}_pad`)) {
      const name = k.config.name as string;
      const config = name === l.name ? k.config : { ...k.config, name: fresh(name) };
      layers.push({ name: config.name as string, class_name: k.className, config, inbound_nodes: [from.map((r) => [r, 0, 0, {}])] });
      from = [config.name as string];
      if (!k.weighted) continue;
      for (const [suffix, role] of k.weights ?? KERNEL_AND_BIAS_WEIGHTS) {
        const id = `${l.name}.${suffix}`;
        const shape = graph.nodes.find((n) => n.id === id)?.type.shape as number[] | undefined;
        const v = params[id];
        if (!shape || !v || v.length !== shape.reduce((a, d) => a * d, 1)) {
          missing.push(id);
          continue;
        }
        weights.push({ name: `${l.name}/${role}`, shape, dtype: 'float32' });
        values.push(v);
      }
    }
    outputOf.set(l.name, from[0]!);
  }
  if (missing.length > 0) {
    return [Messages.Checkpoint.at(undefined, input.paramsFrom, `does not hold parameters of the right size for ${missing.join(', ')}; it does not fit its own spec`)];
  }
  const files = shards(float32Bytes(values));
  return {
    modelJson: {
      format: 'layers-model',
      generatedBy: `netc ${input.netcVersion}`,
      convertedBy: null,
      modelTopology: {
        class_name: 'Model',
        config: { name: spec.name, layers, input_layers: [[INPUT, 0, 0]], output_layers: [[outputOf.get(output) ?? output, 0, 0]] },
      },
      weightsManifest: [{ paths: files.map((f) => f.name), weights }],
      userDefinedMetadata: { netc: metadata(loaded, input.netcVersion) },
    },
    shards: files,
  };
}

function metadata(loaded: LoadedSpec, version: string): NetcMetadata {
  const { spec } = loaded;
  let train: Record<string, unknown> | undefined;
  if (spec.train) {
    const { dataset, ...rest } = spec.train;
    train = typeof dataset === 'string' ? { dataset, ...rest } : { ...rest };
  }
  return { version, name: spec.name, ...(spec.description ? { description: spec.description } : {}), ...(train ? { train } : {}) };
}
