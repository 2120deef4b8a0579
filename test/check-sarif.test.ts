/**
 * `netc check --format sarif`, validated against the SARIF 2.1.0 JSON Schema as OASIS published
 * it (sarif-2.1.0-rtm.5, shipped in the npm package @microsoft/jest-sarif; a draft-04 schema,
 * hence ajv-draft-04), and its content checked against the diagnostics `netc check` gives.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { Messages } from '../src/diagnostics/messages.js';
import { artifactUri, describeName } from '../src/cli/sarif.js';
import { runCli } from './helpers/cli.js';

const require = createRequire(import.meta.url);
const AjvDraft04 = (require('ajv-draft-04') as typeof import('ajv-draft-04')).default;
const addFormats = (require('ajv-formats') as typeof import('ajv-formats')).default;
const schemaFile = require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json');
// the published schema has a pattern that is valid only without the `u` flag
const ajv = new AjvDraft04({ strict: false, allErrors: true, unicodeRegExp: false });
addFormats(ajv);
const validate = ajv.compile(JSON.parse(readFileSync(schemaFile, 'utf8')));

const broken = 'test/fixtures/invalid/tutorial-missing-flatten.yaml';
const dupKeys = 'test/fixtures/invalid/duplicate-key-layer.yaml';
const unused = 'test/fixtures/warnings/unused-layer.yaml';

async function sarif(...files: string[]) {
  const r = await runCli(['check', '--format', 'sarif', ...files]);
  return { code: r.code, log: JSON.parse(r.stdout), stderr: r.stderr };
}

describe('netc check --format sarif', () => {
  it('writes a log valid under the SARIF 2.1.0 schema, for specs with errors, warnings and none', async () => {
    const { code, log } = await sarif('specs/lenet5.yaml', broken, dupKeys, unused);
    expect(code).toBe(1);
    expect(validate(log), JSON.stringify(validate.errors, null, 2)).toBe(true);
    expect(log.version).toBe('2.1.0');
  });

  it('the validator refuses what SARIF forbids', async () => {
    const { log } = await sarif(broken);
    log.runs[0].results[0].level = 'fatal';
    expect(validate(log)).toBe(false);
    delete log.runs;
    expect(validate(log)).toBe(false);
  });

  it('names every code of the catalogue as a rule, with a short description and a level', async () => {
    const { log } = await sarif('specs/lenet5.yaml');
    const rules = log.runs[0].tool.driver.rules;
    expect(log.runs[0].tool.driver.name).toBe('netc');
    expect(rules.map((r: { id: string }) => r.id)).toEqual(Object.values(Messages).map((m) => m.code).sort());
    expect(rules.find((r: { id: string }) => r.id === 'NETC4004')).toEqual({
      id: 'NETC4004',
      name: 'NeedsFlatInput',
      shortDescription: { text: 'Needs flat input' },
      defaultConfiguration: { level: 'error' },
    });
    expect(log.runs[0].results).toEqual([]);
  });

  it('gives each diagnostic its rule, level, message and place', async () => {
    const { log } = await sarif(broken, unused);
    const [run] = log.runs;
    const [error, warning] = run.results;
    expect(error).toEqual({
      ruleId: 'NETC4004',
      ruleIndex: run.tool.driver.rules.findIndex((r: { id: string }) => r.id === 'NETC4004'),
      level: 'error',
      message: { text: expect.stringMatching(/^layer 'f5' \(dense\) needs a flat input/) },
      locations: [{ physicalLocation: { artifactLocation: { uri: broken }, region: { startLine: 11, startColumn: 21, endLine: 11, endColumn: 26 } } }],
    });
    expect(warning).toMatchObject({ level: 'warning', locations: [{ physicalLocation: { artifactLocation: { uri: unused } } }] });
    expect(run.results.map((r: { ruleIndex: number; ruleId: string }) => run.tool.driver.rules[r.ruleIndex].id)).toEqual(run.results.map((r: { ruleId: string }) => r.ruleId));
  });

  it('gives related places as related locations', async () => {
    const { log } = await sarif(dupKeys);
    expect(log.runs[0].results[0].relatedLocations).toEqual([
      {
        id: 0,
        physicalLocation: { artifactLocation: { uri: dupKeys }, region: { startLine: 10, startColumn: 5, endLine: 10, endColumn: 12 } },
        message: { text: "the first 'filters' is here" },
      },
    ]);
  });

  it("gives a misspelling's likely name as a fix that writes it over the misspelt key, and none where there is none", async () => {
    const typo = 'test/fixtures/invalid/unknown-key.yaml';
    const { log } = await sarif(typo, broken);
    expect(validate(log), JSON.stringify(validate.errors, null, 2)).toBe(true);
    const [misspelt, other] = log.runs[0].results;
    const region = { startLine: 7, startColumn: 41, endLine: 7, endColumn: 47 };
    expect(misspelt.locations[0].physicalLocation.region).toEqual(region);
    expect(misspelt.fixes).toEqual([
      {
        description: { text: "Change to 'kernel'" },
        artifactChanges: [{ artifactLocation: { uri: typo }, replacements: [{ deletedRegion: region, insertedContent: { text: 'kernel' } }] }],
      },
    ]);
    const line = readFileSync(typo, 'utf8').split('\n')[region.startLine - 1]!;
    expect(line.slice(region.startColumn - 1, region.endColumn - 1)).toBe('kernal');
    expect(other.fixes).toBeUndefined();
  });

  it('names a rule in words and a file outside the working folder by a file URI', () => {
    expect(describeName('YamlSyntax')).toBe('YAML syntax');
    expect(describeName('TfjsModelFile')).toBe('TensorFlow.js model file');
    expect(describeName('Float32Rounding')).toBe('Float32 rounding');
    expect(artifactUri('/elsewhere/a b.yaml', '/work/project')).toBe('file:///elsewhere/a%20b.yaml');
    expect(artifactUri('specs/a b.yaml', '/work/project')).toBe('specs/a%20b.yaml');
    expect(artifactUri('/work/project/specs/x.yaml', '/work/project')).toBe('specs/x.yaml');
  });
});
