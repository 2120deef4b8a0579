/** The committed schema is what the registry generates, and ajv accepts every shipped spec. */
import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { schemaText } from '../../src/ir/schema.js';
import { allLayers } from '../../src/ir/ops/index.js';

describe('specs/netc.schema.json', () => {
  it("is fresh: 'npm run generate' would not change it", () => {
    expect(readFileSync('specs/netc.schema.json', 'utf8')).toBe(schemaText());
  });

  it('describes every spec layer of the registry', () => {
    const schema = JSON.parse(readFileSync('specs/netc.schema.json', 'utf8'));
    const ops = schema.definitions.layer.oneOf.map((s: { properties: { op: { const: string } } }) => s.properties.op.const);
    expect(ops).toEqual(allLayers().map((l) => l.op));
  });

  it('is named by the yaml-language-server comment of every shipped spec', () => {
    for (const f of readdirSync('specs').filter((f) => f.endsWith('.yaml'))) {
      expect(readFileSync(`specs/${f}`, 'utf8').split('\n')[0], f).toBe('# yaml-language-server: $schema=./netc.schema.json');
      expect(parse(readFileSync(`specs/${f}`, 'utf8')).netc, f).toBe(1);
    }
  });
});
