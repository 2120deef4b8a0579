/**
 * The validator `npm run build` compiles ahead (ajv's standalone code, so that `netc check` does
 * not compile the schema on every run) must judge every document exactly as the validator ajv
 * compiles at run time: the same errors, at the same places, for every fixture and spec.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { specSchema } from '../../src/ir/schema.js';
import { validatorModule } from '../../src/spec/validate.js';

const require = createRequire(import.meta.url);
const schema = specSchema();
// inside the project, as dist/ is, so that the module finds ajv's runtime helpers
mkdirSync('test/.generated', { recursive: true });
const file = join(mkdtempSync(join(process.cwd(), 'test/.generated/validator-')), 'spec-validator.cjs');
writeFileSync(file, validatorModule(schema));
const ahead = require(file) as ValidateFunction & { schemaJson: string };
const now = new Ajv({ allErrors: true, verbose: true, discriminator: true, strict: false }).compile(schema);

const documents = [
  ...readdirSync('specs').filter((f) => f.endsWith('.yaml')).map((f) => `specs/${f}`),
  ...readdirSync('test/fixtures/invalid').filter((f) => f.endsWith('.yaml')).map((f) => `test/fixtures/invalid/${f}`),
];

/** The errors as data: where, which rule, which parameters. */
const errorsOf = (v: ValidateFunction, doc: unknown) => {
  v(doc);
  return (v.errors ?? []).map((e) => [e.instancePath, e.schemaPath, e.keyword, JSON.stringify(e.params)]);
};

describe('the validator compiled by the build', () => {
  it('records the schema it was compiled from, so a changed registry compiles afresh', () => {
    expect(ahead.schemaJson).toBe(JSON.stringify(schema));
  });

  it.each(documents)('judges %s as ajv does at run time', (path) => {
    let doc: unknown;
    try {
      doc = parse(readFileSync(path, 'utf8'), { uniqueKeys: false });
    } catch {
      return; // YAML that does not parse never reaches the validator
    }
    expect(errorsOf(ahead, doc)).toEqual(errorsOf(now, doc));
  });

  it('finds errors where there are some (the comparison is not of two empty lists)', () => {
    expect(errorsOf(ahead, { netc: 1, name: 'x', input: { shape: [28, 28, 1] }, layers: [{ name: 'c', op: 'conv2d' }] }).length).toBeGreaterThan(0);
  });
});
