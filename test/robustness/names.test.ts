/**
 * Names that could change the meaning of generated code — with quotes, backticks, comment ends,
 * `${`, line breaks, non-ASCII letters — are refused against the documented patterns (layer
 * names `^[A-Za-z_][A-Za-z0-9_]*$`, spec names `^[A-Za-z][A-Za-z0-9_-]*$`, at most 64
 * characters) wherever a spec writes one; names that pass but tempt a code generator
 * (`__proto__`, `constructor`, a spec named like the module's own classes) compile to modules
 * that hold no statement the spec did not ask for. And output paths are the user's, taken
 * literally; a spec's name can never take the module out of the folder.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { analyze } from '../../src/driver/analyze.js';
import { compileSpec, generatedFile, runtimeImportFor } from '../../src/driver/compile.js';
import { className } from '../../src/codegen/names.js';
import { runCli } from '../helpers/cli.js';
import { compileAndImport, tinySpec } from '../helpers/modules.js';
import { specName, TRICKY_LAYER_NAMES, TRICKY_SPEC_NAMES } from './generators.js';
import { inspectModule } from './module-shape.js';
import { Tally } from './tally.js';
import { cases } from '../helpers/scale.js';

const dir = mkdtempSync(join(tmpdir(), 'netc-names-'));
const write = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};
const tally = new Tally(import.meta.url);
afterAll(() => tally.report());

const HOSTILE = [
  "it's", 'say "hi"', 'back`tick', 'end*/comment', '/*open', '${process.exit(1)}', 'a\nb', 'a\rb', 'line\u2028sep',
  'café', '名前', 'Ωmega', 'zero\u200bwidth', 'rtl\u202eoverride', 'a b', 'a.b', '1abc', '', 'x'.repeat(65), '__proto__.polluted', 'a;b', '\\',
];
const yamlString = (s: string) => JSON.stringify(s);

describe('hostile names are refused with NETC2007 where they are written', () => {
  it('layer name "a-b" (a valid spec name, but not an identifier)', () => {
    const a = analyze(write('dash.yaml', 'netc: 1\nname: a-b\ninput: { shape: [8, 8, 1] }\nlayers:\n  - { name: a-b, op: flatten }\n'));
    expect(a.diagnostics.map((d) => `${d.code} ${d.loc?.line}`)).toEqual(['NETC2007 5']);
  });
  for (const name of HOSTILE) {
    it(`layer name ${JSON.stringify(name)}`, () => {
      const f = write('layer.yaml', `netc: 1\nname: ok\ninput: { shape: [8, 8, 1] }\nlayers:\n  - { name: ${yamlString(name)}, op: flatten }\n  - { name: out, op: dense, units: 3, inputs: [${yamlString(name)}] }\noutput: ${yamlString(name)}\n`);
      const a = analyze(f);
      tally.add('hostile names', { crashed: false, rejected: !a.ok });
      expect(a.ok).toBe(false);
      const at = a.diagnostics.filter((d) => d.code === 'NETC2007' || d.code === 'NETC2008').map((d) => `${d.loc!.line}`);
      // the name itself, the reference in inputs, and output: each at its own line
      expect(at).toEqual(expect.arrayContaining(['5', '6', '7']));
    });
    it(`spec name ${JSON.stringify(name)}`, () => {
      const f = write('spec.yaml', `netc: 1\nname: ${yamlString(name)}\ninput: { shape: [8, 8, 1] }\nlayers:\n  - { name: flat, op: flatten }\n`);
      const a = analyze(f);
      tally.add('hostile names', { crashed: false, rejected: !a.ok });
      expect(a.ok).toBe(false);
      expect(a.diagnostics.map((d) => `${d.code} ${d.loc?.line}`)).toEqual([expect.stringMatching(/^NETC200[78] 2$/)]);
    });
  }

  it('in patch, insert_after and remove of a variant too', () => {
    write('base.yaml', 'netc: 1\nname: base\ninput: { shape: [8, 8, 1] }\nlayers:\n  - { name: flat, op: flatten }\n');
    for (const name of HOSTILE.slice(0, 12)) {
      const f = write('variant.yaml', `netc: 1\nname: v\nextends: ./base.yaml\ninsert_after:\n  flat:\n    - { name: ${yamlString(name)}, op: dropout, rate: 0.5 }\n`);
      const a = analyze(f);
      tally.add('hostile names', { crashed: false, rejected: !a.ok });
      expect(a.diagnostics.map((d) => `${d.code} ${d.loc?.file === f ? 'variant' : 'base'}:${d.loc?.line}`)).toContain('NETC2007 variant:6');
    }
  });
});

describe('valid names that tempt a code generator compile to exactly the schedule', () => {
  it('layers named __proto__, constructor, toString, P, T, k, n, class, ... train and predict', async () => {
    const names = TRICKY_LAYER_NAMES.filter((n) => !['input', 'labels', 'loss'].includes(n));
    const layers = names.map((n, i) => `  - { name: ${n}, op: ${i === 0 ? 'flatten' : 'activation'}${i === 0 ? '' : `, fn: ${['relu', 'tanh', 'sigmoid'][i % 3]}`} }`);
    const spec = tinySpec({ input: [4, 4, 1], classes: 3, layers: [...layers, '  - { name: out_, op: dense, units: 3, activation: softmax }'].join('\n') });
    const { module, compiled } = await compileAndImport(spec);
    tally.add('tricky valid names', { crashed: false });
    expect(inspectModule(compiled.source!).problems).toEqual([]);
    expect(module.info.parameters.map((p) => p.name)).toEqual(['out_.w', 'out_.b']);
    const model = module.createModel({ seed: 1, backend: 'reference' });
    const loss = model.trainStep(new Float32Array(2 * 16).fill(0.5), Float32Array.from([1, 0, 0, 0, 1, 0]));
    expect(Number.isFinite(loss)).toBe(true);
    model.close();
  });

  it('spec names that would clash with the module or shadow a global get a class name of their own', () => {
    for (const n of TRICKY_SPEC_NAMES) {
      const cls = className(n);
      expect(['Act', 'CompiledModel', 'ModelInfo', 'ModelOptions', 'P', 'T', 'I', 'S', 'Object', 'Array']).not.toContain(cls);
      const f = write(`${n}.yaml`, `netc: 1\nname: ${n}\ninput: { shape: [4, 4, 1] }\nlayers:\n  - { name: flat, op: flatten }\n  - { name: out, op: dense, units: 3, activation: softmax }\n`);
      const c = compileSpec(f, { outDir: dir, runtimeImport: runtimeImportFor(dir) });
      tally.add('tricky valid names', { crashed: false });
      expect(c.source, n).toBeDefined();
      expect(inspectModule(c.source!).problems, n).toEqual([]);
      expect(c.source).toContain(`export class ${cls} extends CompiledModel`);
    }
    expect(className('compiled-model')).toBe('CompiledModelModel');
    expect(className('object')).toBe('ObjectModel');
  });
});

describe('command names', () => {
  it("a command named like Object.prototype's keys is an unknown command (exit 2), not a crash", async () => {
    for (const name of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) {
      const r = await runCli([name]);
      tally.add('hostile names', { crashed: r.code === 3, rejected: r.code === 2 });
      expect(r.code, name).toBe(2);
      expect(r.stderr).toContain(`unknown command '${name}'`);
    }
  });
});

describe('output paths', () => {
  it('-o is taken literally, relative or with ..: the module lands exactly there and nowhere else', async () => {
    const base = mkdtempSync(join(tmpdir(), 'netc-out-'));
    const spec = write('out.yaml', 'netc: 1\nname: outtest\ninput: { shape: [4, 4, 1] }\nlayers:\n  - { name: flat, op: flatten }\n  - { name: out, op: dense, units: 3, activation: softmax }\n');
    mkdirSync(join(base, 'a', 'b'), { recursive: true });
    const target = join(base, 'a', 'b', '..', '..', 'etc');
    const r = await runCli(['compile', spec, '-o', target]);
    expect(r.code).toBe(0);
    expect(existsSync(join(base, 'etc', 'outtest.ts'))).toBe(true);
    expect(readdirSync(base).sort()).toEqual(['a', 'etc']);
    expect(readdirSync(join(base, 'a', 'b'))).toEqual([]);
  });

  it('an output folder that cannot be written: a diagnostic, exit 1', async () => {
    const spec = write('ro.yaml', 'netc: 1\nname: ro\ninput: { shape: [4, 4, 1] }\nlayers:\n  - { name: flat, op: flatten }\n');
    const file = write('not-a-folder', 'x');
    const r = await runCli(['compile', spec, '-o', join(file, 'sub')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/error NETC7005: cannot write '.*not-a-folder\/sub\/ro\.ts': ENOTDIR/);
  });

  it('a spec name that passes the schema always gives a module file directly inside the output folder', () => {
    const out = resolve(dir, 'out');
    fc.assert(
      fc.property(fc.oneof(specName, fc.string({ unit: 'binary', maxLength: 20 }), fc.constantFrom('..', '../x', 'a/b', '/etc/passwd', 'x\0y', '.hidden', 'C:\\x')), (name) => {
        const f = write('named.yaml', `netc: 1\nname: ${JSON.stringify(name)}\ninput: { shape: [4, 4, 1] }\nlayers:\n  - { name: flat, op: flatten }\n`);
        const a = analyze(f);
        tally.add('spec names as file names', { crashed: false, rejected: !a.ok });
        if (!a.ok) return;
        const file = generatedFile(out, a.loaded!.spec.name);
        expect(dirname(file)).toBe(out);
        expect(file.endsWith(`${a.loaded!.spec.name}.ts`)).toBe(true);
      }),
      { numRuns: cases(500), seed: 7 },
    );
  });
});
