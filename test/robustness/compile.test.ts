/**
 * Generated specs all the way through: compiled, the modules type-checked under strict mode in
 * one TypeScript program, imported, and run for one training step with a finite loss and a
 * prediction that is a probability per class. And the no-injection property: names, descriptions,
 * file names and runtime imports full of quotes, backticks, comment ends, `${`, line breaks and
 * non-ASCII letters never add, remove or change a statement of the generated module.
 */
import { resolveOptimizer } from '../../src/ir/optimizers/index.js';
import { nodeMap } from '../../src/ir/types.js';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import fc from 'fast-check';
import { ts } from 'ts-morph';
import { afterAll, describe, expect, it } from 'vitest';
import { compileSpec, runtimeImportFor, type Compiled } from '../../src/driver/compile.js';
import { getOp } from '../../src/ir/ops/index.js';
import { packageRoot } from '../../src/runtime/package-root.js';
import type { ModelModule } from '../helpers/modules.js';
import { buildSpec, Datasets, layerKinds, recipeArb, toYaml, writeSpec } from './generators.js';
import { inspectModule } from './module-shape.js';
import { Tally } from './tally.js';
import { cases } from '../helpers/scale.js';

const { kinds } = layerKinds();
const tally = new Tally(import.meta.url);
const seed = Number(process.env.NETC_FC_SEED ?? 20261126);
const root = resolve('test/.generated', `robust-${process.pid}`);
mkdirSync(root, { recursive: true });
const datasets = new Datasets(mkdtempSync(join(tmpdir(), 'netc-robust-data-')));

afterAll(() => {
  tally.report();
  // The modules are type-checked above; left here, `npm run typecheck` would check them again.
  rmSync(root, { recursive: true, force: true });
});

/** The kernel calls the schedules must hold: one per kernel of each node, the optimizer's update calls per trained parameter. */
function expectedCalls(c: Compiled): number {
  const optimizer = resolveOptimizer(c.analysis.loaded?.spec.train?.optimizer);
  let n = Object.keys(c.train?.outputs.gradients ?? {}).length * optimizer.def.update(optimizer.hyper, 1).length;
  for (const g of [c.train, c.infer]) {
    if (!g) continue;
    const byId = nodeMap(g);
    for (const node of g.nodes) {
      const def = getOp(node.op)!;
      if (node.op === 'input' || node.op === 'param' || def.alias) continue;
      n += def.kernel!(node, node.inputs.map((i) => byId.get(i)!.type)).length;
    }
  }
  return n;
}

/** Type-check modules in one program with the project's compiler options; the errors in them. */
function typeCheck(files: readonly string[]): string[] {
  const config = ts.getParsedCommandLineOfConfigFile(resolve('tsconfig.json'), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} })!;
  const program = ts.createProgram(files, { ...config.options, noEmit: true });
  const mine = new Set(files.map((f) => resolve(f)));
  return ts
    .getPreEmitDiagnostics(program)
    .filter((d) => d.file && mine.has(resolve(d.file.fileName)))
    .map((d) => `${d.file!.fileName}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`);
}

describe('generated valid specs, compiled', () => {
  const CASES = cases(120);
  const modules: { file: string; spec: string; compiled: Compiled; yaml: string }[] = [];

  it(`compile to modules that hold exactly the schedule (${CASES} specs)`, () => {
    const recipes = fc.sample(recipeArb(kinds, 6), { numRuns: CASES, seed });
    recipes.forEach((r, i) => {
      const b = buildSpec(r, kinds, datasets);
      const dir = join(root, `c${i}`);
      mkdirSync(dir, { recursive: true });
      const spec = writeSpec(dir, 'spec.yaml', b.text);
      let compiled: Compiled;
      try {
        compiled = compileSpec(spec, { outDir: dir, runtimeImport: runtimeImportFor(dir) });
      } catch (e) {
        tally.add('compiled specs', { crashed: true });
        throw e;
      }
      tally.add('compiled specs', { crashed: false, rejected: !compiled.source });
      expect(compiled.diagnostics.filter((d) => d.severity === 'error'), b.text).toEqual([]);
      expect(compiled.source, b.text).toBeDefined();
      const facts = inspectModule(compiled.source!);
      expect(facts.problems, b.text).toEqual([]);
      expect(facts.kernelCalls).toBe(expectedCalls(compiled));
      const file = join(dir, 'model.ts');
      writeFileSync(file, compiled.source!);
      modules.push({ file, spec, compiled, yaml: b.text });
    });
  }, 120_000);

  it('type-check under strict mode, all in one program', () => {
    expect(modules.length).toBe(CASES);
    expect(typeCheck(modules.map((m) => m.file))).toEqual([]);
    tally.add('type-checked modules', { crashed: false });
    tally.get('type-checked modules').cases = modules.length;
  }, 120_000);

  it('run one training step with a finite loss, and predict a probability per class', async () => {
    for (const [i, m] of modules.entries()) {
      const mod = (await import(/* @vite-ignore */ m.file)) as ModelModule;
      const model = mod.createModel({ seed: i, ...(i % 2 === 0 ? { backend: 'reference' } : { backend: 'fast', threads: 1 }) });
      try {
        const { inputShape, classes, batchSize } = mod.info;
        const n = Math.min(batchSize, 3);
        const size = inputShape.reduce((a, d) => a * d, 1);
        const images = Float32Array.from({ length: n * size }, (_, j) => ((j * 7919 + i) % 256) / 255);
        const labels = new Float32Array(n * classes);
        for (let k = 0; k < n; k++) labels[k * classes + ((k + i) % classes)] = 1;
        const before = model.predict(images);
        expect(before.every((x) => Number.isFinite(x)), `prediction before training of\n${m.yaml}\n${Array.from(before).join(' ')}`).toBe(true);
        const loss = model.trainStep(images, labels);
        expect(Number.isFinite(loss), `loss ${loss} of\n${m.yaml}`).toBe(true);
        const p = model.predict(images);
        expect(p.length).toBe(n * classes);
        for (let k = 0; k < n; k++) {
          const row = p.subarray(k * classes, (k + 1) * classes);
          expect(row.every((x) => Number.isFinite(x) && x >= 0), `prediction after one step (loss ${loss}) of\n${m.yaml}\n${Array.from(row).join(' ')}`).toBe(true);
          expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 4);
        }
        tally.add('training steps run', { crashed: false });
      } finally {
        model.close();
      }
    }
  }, 120_000);
});

/** Text that would break out of a string, a template, a comment or a line if pasted raw. */
const hostile = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc.array(fc.constantFrom("'", '"', '`', '${', '}', '*/', '/*', '//', '\\', '\n', '\r', '\u2028', '\u2029', '\u0000', 'é', 'ß', '名前', 'ǅ', '\u202e', ');', 'process.exit(1);', '<!--', '-->', '#!'), { minLength: 1, maxLength: 12 }).map((xs) => xs.join('')),
);
/** The same, as a file name: no '/' and no NUL, at most 100 bytes. */
const hostileFileName = hostile.map((s) => s.replace(/[/\0]/g, '_').replace(/^\.{1,2}$/, 'dot')).filter((s) => s.length > 0 && Buffer.byteLength(s) < 100);

describe('no injection', () => {
  it('descriptions, file names and runtime imports never change the generated code', () => {
    const base = buildSpec(fc.sample(recipeArb(kinds, 3), { numRuns: 1, seed: seed + 7 })[0]!, kinds, datasets).doc;
    fc.assert(
      fc.property(hostile, hostileFileName, hostile, (description, fileName, runtimeImport) => {
        const dir = mkdtempSync(join(root, 'inj-'));
        const file = writeSpec(dir, `${fileName}.yaml`, toYaml({ ...base, description }, false));
        let compiled: Compiled;
        try {
          compiled = compileSpec(file, { outDir: dir, runtimeImport });
        } catch (e) {
          tally.add('hostile descriptions, file names and imports', { crashed: true });
          throw e;
        }
        tally.add('hostile descriptions, file names and imports', { crashed: false });
        expect(compiled.source).toBeDefined();
        const facts = inspectModule(compiled.source!);
        expect(facts.problems).toEqual([]);
        expect(facts.kernelCalls).toBe(expectedCalls(compiled));
        expect(facts.runtimeImport).toBe(runtimeImport);
        expect(facts.strings.get('name')).toBe(base.name);
        const rel = relative(packageRoot(), file);
        expect(facts.strings.get('source')).toBe(rel.startsWith('..') ? file : rel.split('\\').join('/'));
        // The description went into comments only, and every comment still ends where it should.
        const comments = compiled.source!.match(/\/\*[\s\S]*?\*\//g) ?? [];
        for (const c of comments) expect(c.slice(2, -2)).not.toContain('*/');
        const readBack = compiled.analysis.loaded!.spec.description;
        expect(typeof readBack === 'string' || readBack === undefined).toBe(true);
      }),
      { numRuns: cases(300), seed: seed + 8 },
    );
  }, 120_000);

  it('compiled module text for the same spec is the same whatever the hostile text was (deterministic, no leak into code)', () => {
    const base = buildSpec(fc.sample(recipeArb(kinds, 3), { numRuns: 1, seed: seed + 9 })[0]!, kinds, datasets).doc;
    const dir = mkdtempSync(join(root, 'det-'));
    const code = (description: string) => {
      const c = compileSpec(writeSpec(dir, 'spec.yaml', toYaml({ ...base, description }, false)), { outDir: dir, runtimeImport: 'netc/runtime' });
      // The module with its comments removed: what runs.
      const sf = ts.createSourceFile('m.ts', c.source!, ts.ScriptTarget.ES2022, true);
      return ts.createPrinter({ removeComments: true }).printFile(sf);
    };
    const plain = code('plain');
    fc.assert(
      fc.property(hostile, (d) => {
        tally.add('hostile descriptions, code compared', { crashed: false });
        expect(code(d)).toBe(plain);
      }),
      { numRuns: cases(40), seed: seed + 10 },
    );
  }, 120_000);
});

// The type-check above can fail: it sees an error in a broken module (kept out of the project's folder).
describe('the type-check helper', () => {
  it('reports an error in a broken module', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'netc-broken-')), 'broken.ts');
    writeFileSync(file, "const x: number = 'not a number';\nexport { x };\n");
    expect(typeCheck([file]).join('\n')).toMatch(/not assignable to type 'number'/);
  });
});
