/**
 * Every invalid fixture gives the diagnostics its header promises (`# expect: CODE line:col`,
 * written by hand), and its whole output matches the committed `.errors.txt` baseline beside it.
 * Set UPDATE_BASELINES=1 to rewrite the baselines after a deliberate change (and review the diff).
 */
import { readdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze } from '../src/driver/analyze.js';
import { formatWithSource } from '../src/diagnostics/diagnostics.js';
import { allCodes } from '../src/diagnostics/messages.js';
import { checkSweep } from '../src/sweep/check.js';

const dirs = ['test/fixtures/invalid', 'test/fixtures/warnings', 'test/fixtures/invalid-sweeps'];
const fixtures = dirs.flatMap((d) => readdirSync(d).filter((f) => f.endsWith('.yaml')).sort().map((f) => join(d, f)));

interface Expectation {
  code: string;
  file: string;
  line: number;
  column: number;
}

function expectations(file: string): Expectation[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/^# expect: (NETC\d{4}) (?:(\S+):)?(\d+):(\d+)$/gm)].map((m) => ({
    code: m[1]!,
    file: m[2] ? join(file, '..', m[2]) : file,
    line: Number(m[3]),
    column: Number(m[4]),
  }));
}

/** A spec fixture as `netc check` sees it; a sweep fixture as `netc sweep` checks it before training. */
function analyzed(file: string): { ok: boolean; diagnostics: ReturnType<typeof analyze>['diagnostics']; sources: ReadonlyMap<string, string> } {
  if (!file.includes('/invalid-sweeps/')) return analyze(file);
  const c = checkSweep(file);
  return { ok: c.plan !== undefined, diagnostics: c.diagnostics, sources: c.sources };
}

/** What `netc check` (or `netc sweep`) prints for the file's diagnostics, with source lines. */
function rendered(file: string): string {
  const a = analyzed(file);
  return a.diagnostics.map((d) => formatWithSource(d, a.sources.get(d.loc?.file ?? file))).join('\n') + '\n';
}

describe('invalid and warning fixtures', () => {
  it('exist', () => expect(fixtures.length).toBeGreaterThan(30));

  for (const file of fixtures) {
    describe(basename(file), () => {
      const a = analyzed(file);
      const want = expectations(file);

      it('declares what it must give', () => expect(want.length).toBeGreaterThan(0));

      it('gives each expected diagnostic at its line and column', () => {
        for (const w of want) {
          const hit = a.diagnostics.find((d) => d.code === w.code && d.loc?.file === w.file && d.loc.line === w.line && d.loc.column === w.column);
          expect(hit, `${w.code} at ${w.file}:${w.line}:${w.column}; got:\n${rendered(file)}`).toBeDefined();
        }
      });

      // The whole list, not a subset: a check that stops early (and hides the next mistake
      // until this one is fixed) or a mistake reported twice fails here.
      it('gives exactly the diagnostics it declares, no more', () => {
        const key = (code: string, f: string | undefined, line: number | undefined, column: number | undefined) => `${code} ${f ?? '?'}:${line ?? 0}:${column ?? 0}`;
        const got = a.diagnostics.map((d) => key(d.code, d.loc?.file, d.loc?.line, d.loc?.column)).sort();
        expect(got, rendered(file)).toEqual(want.map((w) => key(w.code, w.file, w.line, w.column)).sort());
      });

      it(file.includes('/warnings/') ? 'is valid (warnings only)' : 'is invalid', () => {
        expect(a.ok).toBe(file.includes('/warnings/'));
      });

      it('matches its .errors.txt baseline', () => {
        const baseline = file.replace(/\.yaml$/, '.errors.txt');
        const text = rendered(file);
        if (process.env.UPDATE_BASELINES || !existsSync(baseline)) writeFileSync(baseline, text);
        expect(text).toBe(readFileSync(baseline, 'utf8'));
      });
    });
  }
});

/**
 * Codes that no fixture gives, each with the reason and where it is tested instead. A code in
 * the catalogue that is neither exercised nor listed here fails the test.
 */
const EXERCISED_ELSEWHERE: Record<string, string> = {
  NETC1002: 'a file that cannot be read: test/cli.test.ts (a missing file)',
  NETC1004: 'alias bombs: test/spec/limits.test.ts builds them',
  NETC1005: 'files over the size limit: test/spec/limits.test.ts',
  NETC1006: 'nesting over the depth limit: test/spec/limits.test.ts',
  NETC1008: 'a spec that is a folder, a device or a FIFO (no line to point at): test/robustness/bombs.test.ts',
  NETC1009: 'a document of more values than the limit: test/robustness/bombs.test.ts builds one',
  NETC2010: "the fallback for ajv keywords that have no message of their own; no schema keyword reaches it today",
  NETC5004: 'training a spec without train: test/train/train-cli.test.ts',
  NETC6004: 'an extends chain over the limit: test/spec/limits.test.ts writes the chain',
  NETC7002: 'a checkpoint that cannot be used: test/train/train-cli.test.ts and test/runtime/checkpoint.test.ts',
  NETC7003: 'a loss that is no longer finite: test/train/train-cli.test.ts',
  NETC7004: 'an unwritable run folder: test/train/train-cli.test.ts',
  NETC7010: 'a validation_split that leaves no image to train on (it depends on the images loaded): test/train/train-run.test.ts',
  NETC7023: 'an image file that cannot be decoded (found when training loads the folder, not by netc check): test/train/image-folder-cli.test.ts',
  NETC7005: "a file netc graph cannot write: test/report/graph.test.ts ('says which file it cannot write')",
  NETC8001: "what netc export cannot write as a Layers model: test/interop/tfjs-export-refusals.test.ts (each refusal) and tfjs-export.test.ts (the 1998 paper's LeNet-5)",
  NETC8002: 'a model.json or weight file netc import-tfjs cannot read: test/interop/tfjs-import-refusals.test.ts (each refusal) and tfjs-import.test.ts',
  NETC8003: 'a Keras layer with no netc equivalent: test/interop/tfjs-import-refusals.test.ts (each refusal) and tfjs-import.test.ts',
  NETC8004: "neither @tensorflow/tfjs nor tfjs-node imports: test/interop/tfjs-backend.test.ts ('says what to install when neither imports')",
  NETC6106: "a sweep folder made for another sweep: test/sweep/local.test.ts ('refuses a folder of another sweep')",
  NETC8101: 'an IR op netc cannot write as ONNX: test/interop/onnx-export-refusals.test.ts',
  NETC8102: 'an ONNX file netc import-onnx cannot read: test/interop/onnx-import.test.ts (its refusals)',
  NETC8103: 'an ONNX node with no netc equivalent: test/interop/onnx-import.test.ts (its refusals)',
  NETC8201: 'an IR op netc cannot write as PyTorch: test/interop/pytorch-export.test.ts (refusals)',
  NETC8202: 'a training setting the PyTorch program cannot reproduce: test/interop/pytorch-export.test.ts (refusals)',
  NETC9001: 'a pass that breaks the graph: the verifier tests',
  NETC9002: 'internal errors are bugs; nothing a spec can do reaches them',
};

describe('the diagnostic catalogue', () => {
  it('has a fixture or a stated test for every code', () => {
    const given = new Set(fixtures.flatMap((f) => expectations(f).map((e) => e.code)));
    const unexercised = allCodes().filter((c) => !given.has(c) && !(c in EXERCISED_ELSEWHERE));
    expect(unexercised, 'codes no fixture gives and no other test is named for').toEqual([]);
  });

  it('lists no exempt code that a fixture does give', () => {
    const given = new Set(fixtures.flatMap((f) => expectations(f).map((e) => e.code)));
    expect(Object.keys(EXERCISED_ELSEWHERE).filter((c) => given.has(c))).toEqual([]);
  });

  it('has unique codes', () => {
    expect(new Set(allCodes()).size).toBe(allCodes().length);
  });
});
