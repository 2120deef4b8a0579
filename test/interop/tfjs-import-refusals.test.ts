/**
 * Every input `netc import-tfjs` refuses, one case each: a small model.json written by hand (a
 * functional or Sequential Layers model, as tfjs-layers serializes them) with one thing broken.
 * Each case names the check's message and the value in model.json the diagnostic must point at;
 * the test finds that value's line and column in the text it wrote, without netc's help. Removing
 * any one refusal from src/interop/ makes its case fail: the import then succeeds or says
 * something else. In-process and without TensorFlow.js, so the whole table runs in a second.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importTfjs } from '../../src/interop/tfjs-import.js';

type Json = any; // model.json as the cases edit it

const node = (...names: string[]) => [names.map((n) => [n, 0, 0, {}])];
const layer = (name: string, className: string, config: Json, reads: string[] = []) => ({ name, class_name: className, config: { name, ...config }, inbound_nodes: reads.length ? node(...reads) : [] });

/** in [4×4×1] → c: Conv2D 2 filters 3×3 → f: Flatten → d: Dense 3 softmax; 47 weights. */
function functional(): Json {
  return {
    format: 'layers-model',
    modelTopology: {
      class_name: 'Model',
      config: {
        name: 'm',
        layers: [
          layer('in', 'InputLayer', { batch_input_shape: [null, 4, 4, 1], dtype: 'float32' }),
          layer('c', 'Conv2D', { filters: 2, kernel_size: [3, 3], strides: [1, 1], padding: 'valid', data_format: 'channels_last', dilation_rate: [1, 1], activation: 'relu', use_bias: true }, ['in']),
          layer('f', 'Flatten', {}, ['c']),
          layer('d', 'Dense', { units: 3, activation: 'softmax', use_bias: true }, ['f']),
        ],
        input_layers: [['in', 0, 0]],
        output_layers: [['d', 0, 0]],
      },
    },
    weightsManifest: [{ paths: ['w.bin'], weights: [w('c/kernel', [3, 3, 1, 2]), w('c/bias', [2]), w('d/kernel', [8, 3]), w('d/bias', [3])] }],
  };
}
const w = (name: string, shape: number[]) => ({ name, shape, dtype: 'float32' });
const WEIGHT_BYTES = 4 * (18 + 2 + 24 + 3);

/** The same network as a Sequential model: the first layer carries the input shape. */
function sequential(): Json {
  const doc = functional();
  const [, c, f, d] = doc.modelTopology.config.layers;
  c.config.batch_input_shape = [null, 4, 4, 1];
  doc.modelTopology = { class_name: 'Sequential', config: { name: 'm', layers: [c, f, d].map((l: Json) => ({ class_name: l.class_name, config: l.config })) } };
  return doc;
}

const layers = (doc: Json) => doc.modelTopology.config.layers as Json[];
const byName = (doc: Json, name: string) => layers(doc).find((l) => l.name === name);
/** A layer x inserted after `after`, read by what read `after`. */
function insert(doc: Json, after: string, className: string, config: Json): void {
  for (const l of layers(doc)) if (l.inbound_nodes[0]?.[0]?.[0] === after) l.inbound_nodes = node('x');
  const at = layers(doc).indexOf(byName(doc, after)) + 1;
  layers(doc).splice(at, 0, layer('x', className, config, [after]));
}

/**
 * JSON.stringify(doc, null, 2), written out by hand so that the line and column where each
 * value starts is known: path ('/a/0/b') → place.
 */
function pretty(doc: Json): { text: string; at: Map<string, { line: number; column: number }> } {
  const lines: string[] = [];
  const at = new Map<string, { line: number; column: number }>();
  const emit = (v: Json, path: string, indent: string, prefix: string, comma: string): void => {
    at.set(path, { line: lines.length + 1, column: indent.length + prefix.length + 1 });
    const nested = typeof v === 'object' && v !== null;
    const entries: [string, Json][] = nested ? (Array.isArray(v) ? v.map((x, i) => [String(i), x]) : Object.entries(v)) : [];
    const [open, close] = Array.isArray(v) ? ['[', ']'] : ['{', '}'];
    if (!nested || entries.length === 0) {
      lines.push(`${indent}${prefix}${nested ? open + close : JSON.stringify(v)}${comma}`);
      return;
    }
    lines.push(`${indent}${prefix}${open}`);
    entries.forEach(([k, x], i) => emit(x, `${path}/${k}`, `${indent}  `, Array.isArray(v) ? '' : `${JSON.stringify(k)}: `, i < entries.length - 1 ? ',' : ''));
    lines.push(`${indent}${close}${comma}`);
  };
  emit(doc, '', '', '', '');
  return { text: lines.join('\n'), at };
}

interface Case {
  /** the model, edited */
  readonly doc: () => Json;
  /** what the diagnostic says, after the file's path */
  readonly says: string;
  /** the value it points at (a path into the document as written); '' for the whole document */
  readonly at: string;
  readonly code?: 'NETC8002' | 'NETC8003';
  /** the weight file's bytes (default: the 47 weights) */
  readonly bin?: number;
}

const edit = (base: () => Json, change: (doc: Json) => void) => () => {
  const doc = base();
  change(doc);
  return doc;
};
const fn = (change: (doc: Json) => void) => edit(functional, change);
const seq = (change: (doc: Json) => void) => edit(sequential, change);
const L = '/modelTopology/config/layers';
/** A layer x of the class and config after `after`: refused for `why`, at its config key (or its class). */
const bad = (after: string, className: string, config: Json, key: string | undefined, why: string): Case => ({
  doc: fn((d) => insert(d, after, className, config)),
  says: `layer 'x' (${className}) has no netc equivalent: ${why}`,
  at: `${L}/${layers(edit(functional, (d) => insert(d, after, className, config))()).findIndex((l: Json) => l.name === 'x')}/${key ? `config/${key}` : 'class_name'}`,
  code: 'NETC8003',
});

/** Refused by the layer transforms (tfjs-layers.ts): one case per check, and per class where the check is shared. */
const LAYER_CASES: Record<string, Case> = {
  'Conv2D in channels_first': bad('in', 'Conv2D', { filters: 1, kernel_size: 1, data_format: 'channels_first' }, 'data_format', "netc's images are channels_last (NHWC), not channels_first"),
  'Conv2D of dilation [0, 2]': bad('in', 'Conv2D', { filters: 1, kernel_size: 1, dilation_rate: [0, 2] }, 'dilation_rate', 'netc needs a dilation of one or two positive ints'),
  'Conv2D with gelu_new': bad('in', 'Conv2D', { filters: 1, kernel_size: 1, activation: 'gelu_new' }, 'activation', "netc has no 'gelu_new' activation (gelu_new is gelu's tanh approximation; netc's gelu is the exact one"),
  'Conv2D in groups': bad('in', 'Conv2D', { filters: 2, kernel_size: 1, groups: 2 }, 'groups', "netc's conv2d has no groups"),
  'Conv2D of a 3-D kernel': bad('in', 'Conv2D', { filters: 1, kernel_size: [1, 1, 1] }, 'kernel_size', 'netc needs a kernel size of one or two positive ints'),
  'Conv2D of stride 0': bad('in', 'Conv2D', { filters: 1, kernel_size: 1, strides: 0 }, 'strides', 'netc needs strides of one or two positive ints'),
  'Conv2D with causal padding': bad('in', 'Conv2D', { filters: 1, kernel_size: 1, padding: 'causal' }, 'padding', "netc's conv2d pads 'valid', 'same' or by pixels, not 'causal'"),
  'Conv2D of 1.5 filters': bad('in', 'Conv2D', { filters: 1.5, kernel_size: 1 }, 'filters', 'netc needs a whole number of filters'),
  'Dense without bias': bad('f', 'Dense', { units: 8, use_bias: false }, 'use_bias', "netc's dense layer always has a bias"),
  'DepthwiseConv2D with dilation': bad('in', 'DepthwiseConv2D', { kernel_size: 3, dilation_rate: 2 }, 'dilation_rate', "netc's depthwise_conv2d has no dilation"),
  'DepthwiseConv2D with causal padding': bad('in', 'DepthwiseConv2D', { kernel_size: 1, padding: 'causal' }, 'padding', "netc's depthwise_conv2d pads 'valid' or 'same', not 'causal'"),
  'DepthwiseConv2D of multiplier 0': bad('in', 'DepthwiseConv2D', { kernel_size: 1, depth_multiplier: 0 }, 'depth_multiplier', 'netc needs a whole depth multiplier of at least 1'),
  'DepthwiseConv2D with an L1 regularizer': bad('in', 'DepthwiseConv2D', { kernel_size: 1, depthwise_regularizer: { class_name: 'L1L2', config: { l1: 0.01, l2: 0 } } }, 'depthwise_regularizer', "netc's layers take an L2 penalty (l2) only"),
  'DepthwiseConv2D in channels_first': bad('in', 'DepthwiseConv2D', { kernel_size: 1, data_format: 'channels_first' }, 'data_format', "netc's images are channels_last"),
  'GlobalAveragePooling2D keeping its dims': bad('c', 'GlobalAveragePooling2D', { keepdims: true }, 'keepdims', "netc's global_avgpool2d gives N×C; it keeps no 1×1 image"),
  'GlobalMaxPooling2D in channels_first': bad('c', 'GlobalMaxPooling2D', { data_format: 'channels_first' }, 'data_format', "netc's images are channels_last"),
  'Dense with selu': bad('f', 'Dense', { units: 8, activation: 'selu' }, 'activation', "netc has no 'selu' activation"),
  'Dense of "eight" units': bad('f', 'Dense', { units: 'eight' }, 'units', 'netc needs a whole number of units'),
  'Conv2D with an L1 kernel regularizer': bad('in', 'Conv2D', { filters: 1, kernel_size: 1, kernel_regularizer: { class_name: 'L1L2', config: { l1: 0.01, l2: 0 } } }, 'kernel_regularizer', "netc's layers take an L2 penalty (l2) only"),
  // a missing l1 is 0.01 to TensorFlow.js and 0 to Keras: which network is meant is not written
  'Dense with an L1L2 that leaves out l1': bad('f', 'Dense', { units: 8, kernel_regularizer: { class_name: 'L1L2', config: { l2: 0.01 } } }, 'kernel_regularizer', "netc's layers take an L2 penalty (l2) only, written out"),
  'Dense with a bias regularizer': bad('f', 'Dense', { units: 8, bias_regularizer: { class_name: 'L2', config: { l2: 0.01 } } }, 'bias_regularizer', "netc regularizes a layer's kernel only"),
  'AveragePooling2D in channels_first': bad('in', 'AveragePooling2D', { pool_size: 2, data_format: 'channels_first' }, 'data_format', "netc's images are channels_last"),
  'MaxPooling2D of a pool of 0': bad('in', 'MaxPooling2D', { pool_size: [0, 2] }, 'pool_size', 'netc needs a pool size of one or two positive ints'),
  'MaxPooling2D of strides [1, 2, 3]': bad('in', 'MaxPooling2D', { pool_size: 2, strides: [1, 2, 3] }, 'strides', 'netc needs strides of one or two positive ints'),
  'AveragePooling2D with full padding': bad('in', 'AveragePooling2D', { pool_size: 2, padding: 'full' }, 'padding', "netc pools with 'valid' or 'same' padding, not 'full'"),
  'Flatten in channels_first': bad('c', 'Flatten', { data_format: 'channels_first' }, 'data_format', "netc's images are channels_last"),
  'Dropout with a noise shape': bad('f', 'Dropout', { rate: 0.5, noise_shape: [1, 8] }, 'noise_shape', "netc's dropout drops single values; it has no noise_shape"),
  'Dropout of rate 1': bad('f', 'Dropout', { rate: 1 }, 'rate', 'netc needs a rate in [0, 1)'),
  'Activation mish': bad('f', 'Activation', { activation: 'mish' }, 'activation', "netc has no 'mish' activation"),
  'ReLU capped at 6': bad('f', 'ReLU', { max_value: 6 }, 'max_value', 'netc has no capped relu'),
  'ReLU leaking upwards': bad('f', 'ReLU', { negative_slope: -0.1 }, 'negative_slope', "netc's leaky_relu needs negative_slope to be a number ≥ 0, not -0.1"),
  'LeakyReLU of alpha "big"': bad('f', 'LeakyReLU', { alpha: 'big' }, 'alpha', 'netc\'s leaky_relu needs alpha to be a number ≥ 0, not "big"'),
  'ELU of a negative alpha': bad('f', 'ELU', { alpha: -1 }, 'alpha', "netc's elu needs alpha to be a number ≥ 0, not -1"),
  'ReLU with a threshold': bad('f', 'ReLU', { threshold: 0.5 }, 'threshold', "netc's relu has threshold 0"),
  // after the conv the tensor is [batch, h, w, channels]: axis 1 is the rows, not the last axis
  'Softmax over the rows of an image': bad('c', 'Softmax', { axis: 1 }, 'axis', "netc's softmax is over the last axis"),
  'Softmax over axis [2]': bad('c', 'Softmax', { axis: [2] }, 'axis', "netc's softmax is over the last axis"),
  'Softmax over axis 0 of a flat tensor': bad('f', 'Softmax', { axis: 0 }, 'axis', "netc's softmax is over the last axis"),
  'Concatenate along the rows': {
    ...bad('c', 'Concatenate', { axis: 1 }, 'axis', 'netc concatenates along channels, the last axis'),
    doc: fn((d) => {
      insert(d, 'c', 'Concatenate', { axis: 1 });
      byName(d, 'x').inbound_nodes = node('c', 'c');
    }),
  },
  'ZeroPadding2D in channels_first': bad('in', 'ZeroPadding2D', { padding: 1, data_format: 'channels_first' }, 'data_format', "netc's images are channels_last"),
  'ZeroPadding2D of unequal sides': bad('in', 'ZeroPadding2D', { padding: [[1, 1], [2, 2]] }, 'padding', 'netc pads every side by the same number of pixels, not [[1,1],[2,2]]'),
  'ZeroPadding2D of -1': bad('in', 'ZeroPadding2D', { padding: -1 }, 'padding', 'netc pads every side by the same number of pixels, not -1'),
  'a LayerNormalization layer': bad('c', 'LayerNormalization', {}, undefined, 'netc has no such layer; it imports Conv2D, Dense'),
  'a layer named like an Object method': bad('c', 'toString', {}, undefined, 'netc has no such layer'),
  'a Dense layer that reads two layers': {
    ...bad('f', 'Dense', { units: 3 }, undefined, 'it reads several layers; only Add and Concatenate do in netc'),
    doc: fn((d) => {
      insert(d, 'f', 'Dense', { units: 3 });
      byName(d, 'x').inbound_nodes = node('f', 'f');
    }),
  },
};

const at = (i: number, rest = '') => `${L}/${i}${rest}`;
/** Refused by the reading of model.json and its topology (tfjs-import.ts, tfjs-topology.ts). */
const MODEL_CASES: Record<string, Case> = {
  'a JSON array': { doc: () => [], says: 'is not a TensorFlow.js model.json (a JSON object with modelTopology)', at: '' },
  'a graph model': { doc: fn((d) => (d.format = 'graph-model')), says: 'is a TensorFlow.js graph model (a converted SavedModel); netc imports Layers models', at: '/format' },
  'no modelTopology': { doc: fn((d) => delete d.modelTopology), says: 'has no modelTopology; it is not a TensorFlow.js Layers model', at: '' },
  'no layers': { doc: fn((d) => (d.modelTopology.config.layers = [])), says: 'has no layers in modelTopology.config', at: '/modelTopology' },
  'a layer that is a number': { doc: fn((d) => (layers(d)[2] = 5)), says: 'is not a layer ({class_name, config})', at: at(2) },
  'a layer without a name': { doc: fn((d) => (delete layers(d)[2].name, delete layers(d)[2].config.name)), says: 'is a layer without a name', at: at(2) },
  'a Sequential model without an input shape': { doc: seq((d) => delete layers(d)[0].config.batch_input_shape), says: 'gives no batch_input_shape, so the input shape is unknown', at: at(0, '/config') },
  'a Sequential model of only an InputLayer': {
    doc: seq((d) => (d.modelTopology.config.layers = [{ class_name: 'InputLayer', config: { name: 'in', batch_input_shape: [null, 4, 4, 1] } }])),
    says: 'has no layers after its input',
    at: '/modelTopology',
  },
  'a model of another class': { doc: fn((d) => (d.modelTopology.class_name = 'Graph')), says: "is a 'Graph'; netc imports Sequential and functional (Model) Layers models", at: '/modelTopology/class_name' },
  'two inputs': { doc: fn((d) => d.modelTopology.config.input_layers.push(['c', 0, 0])), says: 'has several inputs or outputs; a netc network has one input and one output', at: '/modelTopology/config' },
  'two outputs': { doc: fn((d) => d.modelTopology.config.output_layers.push(['c', 0, 0])), says: 'has several inputs or outputs', at: '/modelTopology/config' },
  'an input that is a Conv2D': { doc: fn((d) => (d.modelTopology.config.input_layers = [['c', 0, 0]])), says: 'names an input that is not an InputLayer of the model', at: '/modelTopology/config/input_layers' },
  'an InputLayer without a shape': { doc: fn((d) => delete layers(d)[0].config.batch_input_shape), says: 'gives no batch_input_shape, so the input shape is unknown', at: at(0, '/config') },
  'a layer used twice': { doc: fn((d) => layers(d)[2].inbound_nodes.push(...node('c'))), says: 'is a layer used more than once (shared weights); netc layers are used once', at: at(2, '/inbound_nodes') },
  'inbound_nodes that are text': { doc: fn((d) => (layers(d)[2].inbound_nodes = 'c')), says: 'has inbound_nodes netc cannot read', at: at(2, '/inbound_nodes') },
  'an inbound node that is a number': { doc: fn((d) => (layers(d)[2].inbound_nodes = [[5]])), says: 'has inbound_nodes netc cannot read', at: at(2, '/inbound_nodes') },
  'an input of one dimension': { doc: fn((d) => (layers(d)[0].config.batch_input_shape = [null, 16])), says: 'takes inputs of shape [16]; a netc network takes images [height, width, channels]', at: '/modelTopology' },
  'two layers of one name': { doc: fn((d) => (layers(d)[2].name = 'c')), says: 'has two layers of one name', at: '/modelTopology' },
  'a layer that reads no layer': { doc: fn((d) => (layers(d)[3].inbound_nodes = node('nowhere'))), says: "layer 'd' reads 'nowhere', which is not a layer of the model", at: '/modelTopology' },
  'an output that is no layer': { doc: fn((d) => (d.modelTopology.config.output_layers = [['nowhere', 0, 0]])), says: "the output is 'nowhere', which is not a layer of the model", at: '/modelTopology' },
  'a cycle': { doc: fn((d) => (layers(d)[2].inbound_nodes = node('d'))), says: "its layers form a cycle through 'd'", at: '/modelTopology' },
};

const M = '/weightsManifest/0';
/** Refused by the reading of the weights (tfjs-weights.ts, and the matching in tfjs-import.ts). */
const WEIGHT_CASES: Record<string, Case> = {
  'no weightsManifest': { doc: fn((d) => delete d.weightsManifest), says: 'has no weightsManifest, so it holds no weights; import it without --checkpoint', at: '' },
  'a group without paths': { doc: fn((d) => delete d.weightsManifest[0].paths), says: 'is not a weights group {paths, weights}', at: M },
  'an empty path': { doc: fn((d) => (d.weightsManifest[0].paths = [''])), says: 'is not the name of a weight file', at: `${M}/paths/0` },
  'a missing weight file': { doc: fn((d) => (d.weightsManifest[0].paths = ['gone.bin'])), says: 'gone.bin, which does not exist; keep the shards beside model.json', at: `${M}/paths/0` },
  'a weight file that is a folder': { doc: fn((d) => (d.weightsManifest[0].paths = ['folder'])), says: 'folder, which cannot be read (EISDIR)', at: `${M}/paths/0` },
  'a weight of a negative shape': { doc: fn((d) => (d.weightsManifest[0].weights[1].shape = [-2])), says: 'is not a weight {name, shape of whole numbers, dtype}', at: `${M}/weights/1` },
  'float16 weights': { doc: fn((d) => (d.weightsManifest[0].weights[0].dtype = 'float16')), says: "stores 'c/kernel' as float16; netc reads float32 weights", at: `${M}/weights/0` },
  'quantized weights': {
    doc: fn((d) => (d.weightsManifest[0].weights[0].quantization = { dtype: 'uint8', min: 0, scale: 1 })),
    says: "stores 'c/kernel' as quantized values; netc reads float32 weights",
    at: `${M}/weights/0`,
  },
  'a weight file one value short': { doc: functional, bin: WEIGHT_BYTES - 4, says: "needs more bytes for 'd/bias' than its weight files hold (184); a shard is missing or truncated", at: `${M}/weights/3` },
  'a weight file one value long': { doc: functional, bin: WEIGHT_BYTES + 4, says: 'has weight files of 192 bytes, but its weights take 188', at: M },
  'no weight for a layer': { doc: fn((d) => (d.weightsManifest[0].weights[2].name = 'other/kernel')), says: "has no weight 'd/kernel' for layer 'd'", at: '/weightsManifest' },
  'a weight no layer uses': {
    doc: fn((d) => d.weightsManifest[0].weights.push(w('extra/kernel', [1]))),
    bin: WEIGHT_BYTES + 4,
    says: 'holds weights no layer netc imports uses: extra/kernel',
    at: '/weightsManifest',
  },
};

/** model.json (pretty-printed) and its weight file in a folder of their own; the import's answer and the text. */
function run(c: Pick<Case, 'doc' | 'bin'>) {
  const dir = mkdtempSync(join(tmpdir(), 'netc-refusals-'));
  const doc = c.doc();
  const { text, at: places } = pretty(doc);
  expect(text).toBe(JSON.stringify(doc, null, 2)); // the places are those of the text JSON.stringify writes
  writeFileSync(join(dir, 'model.json'), text);
  writeFileSync(join(dir, 'w.bin'), new Uint8Array(c.bin ?? WEIGHT_BYTES));
  mkdirSync(join(dir, 'folder'));
  return { result: importTfjs(join(dir, 'model.json'), { weights: true }, 'test'), places, json: join(dir, 'model.json') };
}

describe('import-tfjs of the untouched models', () => {
  it.each([['functional', functional], ['Sequential', sequential]])('takes the %s model, weights and all', (_, doc) => {
    const { result } = run({ doc });
    if ('diagnostics' in result) throw new Error(result.diagnostics.map((d) => d.message).join('\n'));
    expect(result.yaml).toContain('  - { name: c, op: conv2d, filters: 2, kernel: 3, activation: relu }\n  - { name: f, op: flatten }\n  - { name: d, op: dense, units: 3, activation: softmax }\n');
    expect(Object.keys(result.params!)).toEqual(['c.w', 'c.b', 'd.w', 'd.b']);
  });

  it.each([
    ['over the channels of an image', 'c', 3],
    ['over axis -1 of an image', 'c', -1],
    ['over axis 1 of a flat tensor (tfjs’s default)', 'f', 1],
    ['over axis [3] of an image (a list of one, as Keras may write it)', 'c', [3]],
  ])('takes a softmax %s: the last axis', (_, after, axis) => {
    const { result } = run({ doc: fn((d) => insert(d, after as string, 'Softmax', { axis })) });
    expect('diagnostics' in result ? result.diagnostics[0]!.message : result.yaml).toContain('{ name: x, op: activation, fn: softmax }');
  });
});

describe.each([
  ['a layer netc has no equivalent of', LAYER_CASES],
  ['a model.json netc cannot read', MODEL_CASES],
  ['weights netc cannot read', WEIGHT_CASES],
])('import-tfjs refuses %s', (_, cases) => {
  it.each(Object.entries(cases))('%s', (_, c) => {
    const { result, places, json } = run(c);
    const d = 'diagnostics' in result ? result.diagnostics : [];
    expect(d.map((x) => x.message)).toEqual([expect.stringContaining(c.says)]);
    expect(d[0]!.code).toBe(c.code ?? 'NETC8002');
    if (d[0]!.code === 'NETC8002') expect(d[0]!.message.startsWith(`${json}: `)).toBe(true);
    const want = places.get(c.at);
    expect(want, `no value at ${c.at}`).toBeDefined();
    expect(d[0]!.loc).toMatchObject({ file: json, ...want });
  });
});

it('import-tfjs refuses a model.json that is not JSON, and one it cannot read', () => {
  const dir = mkdtempSync(join(tmpdir(), 'netc-refusals-'));
  writeFileSync(join(dir, 'model.json'), '{"modelTopology": ');
  const notJson = importTfjs(join(dir, 'model.json'), { weights: false }, 'test');
  expect('diagnostics' in notJson && notJson.diagnostics.map((d) => [d.code, d.message])).toEqual([['NETC8002', expect.stringMatching(/model\.json: is not JSON \(/)]]);
  const missing = importTfjs(join(dir, 'gone.json'), { weights: false }, 'test');
  expect('diagnostics' in missing && missing.diagnostics.map((d) => [d.code, d.message])).toEqual([['NETC8002', expect.stringMatching(/gone\.json: cannot be read \(ENOENT\)/)]]);
});
