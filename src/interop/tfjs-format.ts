/**
 * The TensorFlow.js Layers model format, as far as netc writes and reads it: `model.json` holds
 * the Keras-style topology (`modelTopology`, snake_case configs as tfjs-layers serializes them)
 * and a weights manifest; the weights are little-endian float32 values in binary shards, in
 * manifest order, split into files of at most 4 MiB (as tfjs's own `model.save` splits them).
 */

export interface LayerJson {
  readonly class_name: string;
  readonly config: Record<string, unknown>;
  /** functional models: the layer's name and the layers it reads */
  readonly name?: string;
  readonly inbound_nodes?: unknown;
}

export interface WeightSpec {
  readonly name: string;
  readonly shape: readonly number[];
  readonly dtype: string;
  readonly quantization?: unknown;
}

export interface WeightGroup {
  readonly paths: readonly string[];
  readonly weights: readonly WeightSpec[];
}

export interface ModelJson {
  readonly format: 'layers-model';
  readonly generatedBy: string;
  readonly convertedBy: null;
  readonly modelTopology: {
    readonly class_name: 'Model';
    readonly config: {
      readonly name: string;
      readonly layers: readonly LayerJson[];
      readonly input_layers: readonly (readonly [string, number, number])[];
      readonly output_layers: readonly (readonly [string, number, number])[];
    };
  };
  readonly weightsManifest: readonly WeightGroup[];
  readonly userDefinedMetadata?: { readonly netc: NetcMetadata };
}

/** What a Layers model cannot say and netc keeps beside it, so an export imports back whole. */
export interface NetcMetadata {
  readonly version: string;
  readonly name: string;
  readonly description?: string;
  /** the spec's train section (a data set given by IDX paths is left out: the paths are local) */
  readonly train?: Record<string, unknown>;
}

/** Keras's glorot_uniform and zeros, which netc initializes with, as tfjs-layers serializes them. */
export const GLOROT_UNIFORM = { class_name: 'VarianceScaling', config: { scale: 1, mode: 'fan_avg', distribution: 'uniform', seed: null } } as const;
export const ZEROS = { class_name: 'Zeros', config: {} } as const;

/**
 * netc's activation functions that Keras has under the same name (its gelu is the exact one, as
 * netc's; its elu has alpha 1). scaled_tanh has none, and leaky_relu is a layer there (LeakyReLU).
 */
export const SHARED_ACTIVATIONS = ['linear', 'tanh', 'relu', 'sigmoid', 'softmax', 'elu', 'gelu', 'swish', 'softplus'] as const;

/** A BatchNormalization's weights in Keras's order, each named as the netc parameter it is. */
export function batchNormalizationWeights(o: { readonly center: boolean; readonly scale: boolean }): (readonly [string, string])[] {
  return [...(o.scale ? ['gamma'] : []), ...(o.center ? ['beta'] : []), 'moving_mean', 'moving_variance'].map((w) => [w, w] as const);
}

/** The largest weight file tfjs's model.save writes. */
export const SHARD_BYTES = 4 * 1024 * 1024;

/** Bytes into shard files named as tfjs names them: group1-shard1of2.bin, group1-shard2of2.bin. */
export function shards(bytes: Uint8Array): { name: string; bytes: Uint8Array }[] {
  const count = Math.max(1, Math.ceil(bytes.length / SHARD_BYTES));
  return Array.from({ length: count }, (_, i) => ({
    name: `group1-shard${i + 1}of${count}.bin`,
    bytes: bytes.subarray(i * SHARD_BYTES, Math.min(bytes.length, (i + 1) * SHARD_BYTES)),
  }));
}

/** float32 values as little-endian bytes, whatever the machine's order. */
export function float32Bytes(values: readonly Float32Array[]): Uint8Array {
  const total = values.reduce((n, v) => n + v.length, 0);
  const out = new Uint8Array(total * 4);
  const view = new DataView(out.buffer);
  let at = 0;
  for (const v of values) for (let i = 0; i < v.length; i++, at += 4) view.setFloat32(at, v[i]!, true);
  return out;
}

export function float32Values(bytes: Uint8Array, byteOffset: number, count: number): Float32Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset + byteOffset, count * 4);
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) out[i] = view.getFloat32(i * 4, true);
  return out;
}

export const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
