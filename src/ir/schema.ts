/**
 * Builds the JSON Schema of spec version 1 from the op and optimizer registries: the top level
 * is written here, each layer's attributes come from its `LayerDef`, each optimizer's
 * hyperparameters and defaults from its `OptimizerDef`. `npm run generate` writes the result to
 * `specs/netc.schema.json`, which ajv validates with and editors read; a test fails when the
 * committed file differs from what this builds.
 */
import { AUGMENT_SETTINGS } from '../runtime/data/augment.js';
import { DEFAULT_TEST_FRACTION } from '../runtime/data/image-folder.js';
import { EARLY_STOPPING } from '../runtime/training/early-stopping.js';
import { SCHEDULE_KINDS } from '../runtime/training/schedule.js';
import { allLayers } from './ops/index.js';
import { allOptimizers, DEFAULT_OPTIMIZER } from './optimizers/index.js';
import type { OptimizerDef } from './optimizers/registry.js';
import { LOSSES } from './ops/losses.js';
import type { JsonSchema, LayerDef } from './registry.js';
import { LAYER_NAME, SPEC_NAME } from '../spec/names.js';

export const SCHEMA_ID = 'https://github.com/netc/netc/specs/netc.schema.json';


export const DATASETS = ['mnist', 'fashion-mnist'] as const;

const layerName: JsonSchema = {
  type: 'string',
  ...LAYER_NAME,
  description: 'a layer name: a letter or _, then letters, digits or _',
};

function layerSchema(def: LayerDef): JsonSchema {
  const inputs: JsonSchema = {
    type: 'array',
    items: layerName,
    minItems: def.inputs.min,
    maxItems: def.inputs.max,
    description:
      def.inputs.max === 1
        ? "the layer this one reads (default: the layer before it; 'input' is the network's input)"
        : "the layers this one reads; 'input' is the network's input",
  };
  return {
    type: 'object',
    description: def.summary,
    properties: {
      name: { ...layerName, description: 'unique name of the layer' },
      op: { const: def.op },
      inputs,
      description: { type: 'string', description: 'a note for people; netc ignores it' },
      ...def.properties,
    },
    required: ['name', 'op', ...def.required],
    additionalProperties: false,
  };
}

const positive = (description: string, extra: JsonSchema = {}): JsonSchema => ({
  type: 'number',
  exclusiveMinimum: 0,
  description,
  ...extra,
});

/** A learning-rate schedule: the list of [epoch, rate] steps, or one of the named kinds. */
function scheduleSchema(): JsonSchema {
  const steps: JsonSchema = {
    type: 'array',
    description: '[[epoch, learning_rate], ...]: from that epoch on (counting from 1), that step size',
    items: {
      type: 'array',
      items: [
        { type: 'integer', minimum: 1 },
        { type: 'number', exclusiveMinimum: 0 },
      ],
      minItems: 2,
      maxItems: 2,
    },
  };
  const named: JsonSchema = {
    type: 'object',
    description: 'a named schedule: { kind: one_cycle | cosine | exponential, ... }',
    required: ['kind'],
    discriminator: { propertyName: 'kind' },
    oneOf: Object.entries(SCHEDULE_KINDS).map(([kind, def]) => ({
      type: 'object',
      description: def.summary,
      properties: { kind: { const: kind }, ...def.settings },
      ...(def.required ? { required: [...def.required] } : {}),
      additionalProperties: false,
    })),
  };
  return { description: 'how the step size changes over the run', oneOf: [steps, named] };
}

/** An optimizer's object: the step size and its schedule, common to all, then the entry's own. */
function optimizerSchema(def: OptimizerDef): JsonSchema {
  return {
    type: 'object',
    description: def.summary,
    properties: {
      name: { const: def.name },
      learning_rate: positive('step size', { default: def.learningRate }),
      schedule: scheduleSchema(),
      ...def.properties,
    },
    required: ['name'],
    additionalProperties: false,
  };
}

export function buildSchema(): JsonSchema {
  const layers = allLayers();
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: SCHEMA_ID,
    title: 'netc network spec, version 1',
    description:
      'A neural network and how to train it. Generated from netc\'s op registry by `npm run generate`; do not edit by hand.',
    type: 'object',
    properties: {
      netc: { const: 1, description: 'the spec language version' },
      name: { type: 'string', ...SPEC_NAME, description: 'the network\'s name; the generated module is generated/<name>.ts' },
      description: { type: 'string' },
      extends: {
        type: 'string',
        minLength: 1,
        description: 'a base spec to start from, relative to this file; `patch` and top-level keys change it',
      },
      patch: {
        type: 'object',
        description: 'with extends: layer name → the attributes to change (null removes one)',
        propertyNames: layerName,
        additionalProperties: { type: 'object' },
      },
      insert_after: {
        type: 'object',
        description: 'with extends: layer name → new layers to insert after it',
        propertyNames: layerName,
        additionalProperties: { type: 'array', items: { $ref: '#/definitions/layer' } },
      },
      remove: {
        type: 'array',
        description: 'with extends: names of base layers to leave out',
        items: layerName,
      },
      input: {
        type: 'object',
        description: "the network's input, one example (the batch is implicit)",
        properties: {
          shape: {
            type: 'array',
            items: { type: 'integer', minimum: 1, maximum: 65536 },
            minItems: 3,
            maxItems: 3,
            description: '[height, width, channels]',
          },
        },
        required: ['shape'],
        additionalProperties: false,
      },
      preprocess: {
        type: 'object',
        description: 'what happens to each image before the first layer (the 1998 paper pads and rescales)',
        properties: {
          pad: { type: 'integer', minimum: 0, maximum: 1024, description: 'pixels of background (0) added on each side' },
          range: {
            type: 'array',
            items: { type: 'number' },
            minItems: 2,
            maxItems: 2,
            description: '[lo, hi]: pixel values 0 to 1 become lo to hi (the paper: [-0.1, 1.175])',
          },
        },
        additionalProperties: false,
      },
      layers: {
        type: 'array',
        minItems: 1,
        maxItems: 4096,
        description: "the layers in order; each reads the one before it unless it names 'inputs'",
        items: { $ref: '#/definitions/layer' },
      },
      output: { ...layerName, description: 'the layer whose output is the prediction (default: the last)' },
      train: {
        type: 'object',
        description: 'how to train the network',
        properties: {
          dataset: {
            description: "'mnist', 'fashion-mnist', IDX files: {idx: {train_images, train_labels, test_images, test_labels}}, or a folder of images: {images: DIR, test: DIR or fraction}",
            oneOf: [
              { enum: [...DATASETS] },
              {
                type: 'object',
                properties: {
                  idx: {
                    type: 'object',
                    description: 'paths relative to the spec; gzipped (.gz) or not',
                    properties: Object.fromEntries(
                      ['train_images', 'train_labels', 'test_images', 'test_labels'].map((k) => [
                        k,
                        { type: 'string', minLength: 1 },
                      ]),
                    ),
                    required: ['train_images', 'train_labels', 'test_images', 'test_labels'],
                    additionalProperties: false,
                  },
                },
                required: ['idx'],
                additionalProperties: false,
              },
              {
                type: 'object',
                properties: {
                  images: {
                    type: 'string',
                    minLength: 1,
                    description:
                      "a folder with one subfolder of PNG or JPEG images per class, relative to the spec; the classes are the subfolders' names, sorted; images are made gray or RGB as input.shape's channels say, and resized to its height and width",
                  },
                  test: {
                    description: `the test images: a folder of the same class subfolders, or the fraction of each class's images to test on (default ${DEFAULT_TEST_FRACTION})`,
                    default: DEFAULT_TEST_FRACTION,
                    oneOf: [
                      { type: 'string', minLength: 1 },
                      { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 1 },
                    ],
                  },
                },
                required: ['images'],
                additionalProperties: false,
              },
            ],
          },
          loss: { enum: Object.keys(LOSSES), default: 'categorical_crossentropy' },
          optimizer: {
            description: "an optimizer's name (with its defaults, as Keras accepts a name), or {name, ...}",
            default: DEFAULT_OPTIMIZER,
            oneOf: [
              { type: 'string', enum: allOptimizers().map((o) => o.name) },
              {
                type: 'object',
                required: ['name'],
                discriminator: { propertyName: 'name' },
                oneOf: allOptimizers().map(optimizerSchema),
              },
            ],
          },
          label_smoothing: {
            type: 'number',
            minimum: 0,
            maximum: 1,
            default: 0,
            description: "categorical_crossentropy against y·(1 − ε) + ε/classes rather than the one-hot y, as Keras's label_smoothing",
          },
          batch_size: { type: 'integer', minimum: 1, maximum: 65536, default: 32 },
          epochs: { type: 'integer', minimum: 1, maximum: 100000, default: 1 },
          seed: { type: 'integer', minimum: 0, maximum: 4294967295, default: 0 },
          validation_split: {
            type: 'number',
            exclusiveMinimum: 0,
            exclusiveMaximum: 1,
            description: "the last fraction of the training images, kept out of training to validate on after each epoch (as Keras's validation_split); without it, the test set is validated on, as the tutorial does",
          },
          augment: {
            type: 'object',
            description: 'random distortions of each training image, each epoch (seeded): a shift, a rotation and a scaling about the centre',
            properties: Object.fromEntries(Object.entries(AUGMENT_SETTINGS).map(([k, v]) => [k, { ...v }])),
            additionalProperties: false,
          },
          early_stopping: {
            type: 'object',
            description: "stop when the monitored figure has not improved for `patience` epochs (as Keras's EarlyStopping); the best epoch's checkpoint is kept as best.netc",
            properties: Object.fromEntries(Object.entries(EARLY_STOPPING).map(([k, v]) => [k, { ...v }])),
            additionalProperties: false,
          },
        },
        required: ['dataset'],
        additionalProperties: false,
      },
    },
    required: ['netc', 'name'],
    additionalProperties: false,
    // A spec without `extends` must be complete; patch, insert_after and remove need `extends`.
    if: { not: { required: ['extends'] } },
    then: {
      required: ['input', 'layers'],
      not: { anyOf: [{ required: ['patch'] }, { required: ['insert_after'] }, { required: ['remove'] }] },
    },
    definitions: {
      layer: {
        type: 'object',
        required: ['op'],
        discriminator: { propertyName: 'op' },
        oneOf: layers.map(layerSchema),
      },
    },
  };
}

let built: { layers: readonly LayerDef[]; optimizers: readonly OptimizerDef[]; schema: JsonSchema } | undefined;

/**
 * The schema specs are validated with: built from the registries as they are now, so that a
 * layer registered at run time (a test-only op) is valid; built again only when they change.
 */
export function specSchema(): JsonSchema {
  const layers = allLayers();
  const optimizers = allOptimizers();
  if (built?.layers !== layers || built.optimizers !== optimizers) built = { layers, optimizers, schema: buildSchema() };
  return built.schema;
}

/** The committed file's text: stable key order, two-space indent, final newline. */
export function schemaText(): string {
  return JSON.stringify(buildSchema(), null, 2) + '\n';
}
