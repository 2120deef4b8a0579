/**
 * The JSON Schema of a sweep file. It is written once here; `npm run generate` writes it to
 * specs/netc-sweep.schema.json for editors, and src/sweep/sweep-file.ts validates with it (the
 * same ajv machinery as specs, so a schema error is a diagnostic at the sweep file's line).
 */
import { SPEC_NAME } from '../spec/names.js';

type Schema = Record<string, unknown>;

const interval = (what: string, item: Schema): Schema => ({
  type: 'array',
  description: `[low, high]: ${what}`,
  items: item,
  minItems: 2,
  maxItems: 2,
});

const rangeOf = (key: string, what: string, item: Schema): Schema => ({
  type: 'object',
  required: [key],
  additionalProperties: false,
  properties: { [key]: key === 'choice' ? { type: 'array', minItems: 1, description: what } : interval(what, item) },
});

/** What a random axis draws from. */
const RANGE: Schema = {
  oneOf: [
    rangeOf('log_uniform', 'a number drawn uniformly on a log scale (learning rates)', { type: 'number', exclusiveMinimum: 0 }),
    rangeOf('uniform', 'a number drawn uniformly', { type: 'number' }),
    rangeOf('int', 'an integer drawn uniformly, both ends included', { type: 'integer' }),
    rangeOf('choice', 'one of the values, each as likely', {}),
  ],
};

export const MAX_SEED = 4294967295;

export const SWEEP_SCHEMA: Schema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  title: 'netc sweep file',
  type: 'object',
  required: ['netc', 'sweep'],
  additionalProperties: false,
  properties: {
    netc: { const: 1, description: 'the format version' },
    name: { type: 'string', ...SPEC_NAME, description: "the sweep's name (default: the file's name)" },
    description: { type: 'string' },
    sweep: {
      type: 'object',
      required: ['base'],
      additionalProperties: false,
      properties: {
        base: { type: 'string', minLength: 1, description: 'the spec every trial starts from, relative to this file' },
        grid: {
          type: 'object',
          description: "axis → the values to try; every combination is a trial. Axes: '<layer>.<attribute>' or 'train.<key>...'",
          additionalProperties: { type: 'array', minItems: 1, description: 'the values to try' },
        },
        random: {
          type: 'object',
          required: ['samples', 'axes'],
          additionalProperties: false,
          properties: {
            samples: { type: 'integer', minimum: 1, maximum: 10000, description: 'how many combinations to draw' },
            seed: { type: 'integer', minimum: 0, maximum: MAX_SEED, description: 'the seed of the draws (default 0)' },
            axes: { type: 'object', additionalProperties: RANGE, description: 'axis → the range to draw from' },
          },
        },
        seeds: {
          type: 'array',
          minItems: 1,
          items: { type: 'integer', minimum: 0, maximum: MAX_SEED },
          description: "each combination is trained once per seed (default: the base's train.seed)",
        },
        epochs: { type: 'integer', minimum: 1, maximum: 100000, description: "overrides the base's train.epochs" },
        limit: { type: 'integer', minimum: 1, description: 'train on the first N training images' },
      },
    },
  },
};

/** specs/netc-sweep.schema.json as `npm run generate` writes it. */
export const sweepSchemaText = () => JSON.stringify(SWEEP_SCHEMA, null, 2) + '\n';
