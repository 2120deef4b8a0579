/**
 * `netc compile --emit js|both`: the JavaScript module computes what the TypeScript module
 * computes, its declarations type-check a program that uses it, the output is deterministic,
 * the header names the command that made it, and the module goes to the current folder outside
 * netc's own, never into node_modules.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { createModel } from '../generated/lenet5.js';
import type { ModelModule } from '../src/driver/load.js';
import { compileSpec } from '../src/driver/compile.js';
import { Random } from '../src/runtime/random.js';
import { runCli } from './helpers/cli.js';

/** A folder inside netc's own, so that the module imports the runtime by a relative path. */
const insideNetc = () => {
  mkdirSync('test/.generated', { recursive: true });
  return mkdtempSync(resolve('test/.generated/emit-'));
};

describe('netc compile --emit js', () => {
  it('writes an ES module and its declarations that compute what the TypeScript module computes', async () => {
    const dir = insideNetc();
    const r = await runCli(['compile', 'specs/lenet5.yaml', '-o', dir, '--emit', 'js']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`wrote ${join(dir, 'lenet5.js')}, ${join(dir, 'lenet5.d.ts')}: arena`);
    expect(readdirSync(dir).sort()).toEqual(['lenet5.d.ts', 'lenet5.js']);
    const js = readFileSync(join(dir, 'lenet5.js'), 'utf8');
    expect(js).toContain("from '../../../dist/src/runtime/index.js'"); // the compiled runtime, inside netc's folder
    expect(js).not.toMatch(/: (number|void|ModelInfo)\b| as const/); // no types left
    expect(js).toMatch(/^ {2}c1_w: 0, \/\/ c1\.w: 5×5×1×6$/m); // two-space indentation, comments kept

    const module = (await import(pathToFileURL(join(dir, 'lenet5.js')).href)) as ModelModule;
    const fromJs = module.createModel({ seed: 5, backend: 'reference' });
    const fromTs = createModel({ seed: 5, backend: 'reference' });
    const rng = new Random(1);
    const images = Float32Array.from({ length: 8 * 784 }, () => rng.next());
    const labels = new Float32Array(8 * 10);
    for (let i = 0; i < 8; i++) labels[i * 10 + (i % 10)] = 1;
    expect(fromJs.trainStep(images, labels)).toBe(fromTs.trainStep(images, labels));
    expect(fromJs.predict(images)).toEqual(fromTs.predict(images));
    expect(fromJs.getParameters()).toEqual(fromTs.getParameters());
  });

  it.each(readdirSync('specs').filter((f) => f.endsWith('.yaml')))('gives specs/%s as JavaScript that predicts what its committed TypeScript module predicts', async (spec) => {
    const dir = insideNetc();
    const c = compileSpec(`specs/${spec}`, { outDir: dir, emit: 'js' });
    const name = c.analysis.loaded!.spec.name;
    expect(c.files!.map((f) => f.name)).toEqual([`${name}.js`, `${name}.d.ts`]);
    for (const f of c.files!) writeFileSync(join(dir, f.name), f.text);
    const js = (await import(pathToFileURL(join(dir, `${name}.js`)).href)) as ModelModule;
    const ts = (await import(pathToFileURL(resolve(`generated/${name}.ts`)).href)) as ModelModule;
    expect(js.info).toEqual(ts.info);
    const size = ts.info.inputShape.reduce((a, d) => a * d, 1);
    const rng = new Random(2);
    const images = Float32Array.from({ length: 2 * size }, () => rng.next());
    expect(js.createModel({ seed: 4 }).predict(images)).toEqual(ts.createModel({ seed: 4 }).predict(images));
  });

  it('gives declarations that type-check a strict program using the module', async () => {
    const dir = insideNetc();
    expect((await runCli(['compile', 'specs/lenet5.yaml', '-o', dir, '--emit', 'js'])).code).toBe(0);
    const program = join(dir, 'use.ts');
    writeFileSync(
      program,
      [
        "import { createModel, info, Lenet5 } from './lenet5.js';",
        'const model: Lenet5 = createModel({ seed: 1 });',
        'const probabilities: Float32Array = model.predict(new Float32Array(784));',
        'const classes: number = info.classes;',
        'export const out = [probabilities, classes];',
        '// @ts-expect-error: the schedules are protected',
        'model.inferSchedule(1);',
      ].join('\n'),
    );
    const options = { strict: true, noEmit: true, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, target: ts.ScriptTarget.ES2022, types: ['node'] };
    const p = ts.createProgram([program], options);
    // the program and the module's declarations; not the libraries the runtime's types reach (TensorFlow.js's)
    const checked = [program, join(dir, 'lenet5.d.ts')].map((f) => p.getSourceFile(f)!);
    const diagnostics = [...p.getOptionsDiagnostics(), ...checked.flatMap((f) => [...p.getSyntacticDiagnostics(f), ...p.getSemanticDiagnostics(f)])];
    expect(diagnostics.map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'))).toEqual([]);
  });

  it('is deterministic, and --emit both writes the TypeScript module beside the JavaScript', async () => {
    const dir = insideNetc();
    const compile = async () => {
      expect((await runCli(['compile', 'specs/lenet5-bn.yaml', '-o', dir, '--emit', 'both'])).code).toBe(0);
      return readdirSync(dir).sort().map((f) => [f, readFileSync(join(dir, f), 'utf8')]);
    };
    const first = await compile();
    expect(first.map(([f]) => f)).toEqual(['lenet5-bn.d.ts', 'lenet5-bn.js', 'lenet5-bn.ts']);
    expect(await compile()).toEqual(first);
    const js = await runCli(['compile', 'specs/lenet5-bn.yaml', '--stdout', '--emit', 'js']);
    expect(js.stdout).toContain('export function createModel(options = {}) {');
    expect((await runCli(['compile', 'specs/lenet5.yaml', '--stdout', '--emit', 'both'])).code).toBe(2);
    expect((await runCli(['compile', 'specs/lenet5.yaml', '--emit', 'py'])).stderr).toContain("--emit must be ts, js or both, not 'py'");
  });

  it('writes to the current folder outside netc, with a header that says how to make the module again, and never into node_modules', () => {
    const project = mkdtempSync(join(tmpdir(), 'netc-project-'));
    writeFileSync(join(project, 'spec.yaml'), readFileSync('specs/lenet5.yaml'));
    const netc = (...args: string[]) => spawnSync(process.execPath, [resolve('bin/netc.js'), ...args], { cwd: project, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    const r = netc('compile', 'spec.yaml', '--emit', 'js');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const js = readFileSync(join(project, 'lenet5.js'), 'utf8');
    expect(js).toContain("from 'netc/runtime'");
    expect(js).toContain(' * change the spec and run `npx netc compile spec.yaml --emit js` instead.');
    expect(readFileSync(join(project, 'lenet5.d.ts'), 'utf8')).toContain("from 'netc/runtime'");
    expect(r.stdout).not.toContain('note:');
    // a project whose .js files are CommonJS cannot load the module: compile says what to change
    writeFileSync(join(project, 'package.json'), JSON.stringify({ type: 'commonjs' }));
    const note = netc('compile', 'spec.yaml', '--emit', 'js');
    expect(note.status).toBe(0);
    expect(note.stdout).toContain(`note: ${join(project, 'package.json')} says "type": "commonjs", so node cannot load the module as an ES module; add "type": "module" to it`);

    const refused = netc('compile', 'spec.yaml', '-o', 'node_modules/models');
    expect(refused.status).toBe(2);
    expect(refused.stderr).toMatch(/the module would go into node_modules \(.*node_modules\/models\), where the next npm install deletes it; choose another -o/);
    expect(existsSync(join(project, 'node_modules'))).toBe(false);
    const inside = join(project, 'node_modules', 'some-package');
    mkdirSync(inside, { recursive: true });
    const fromInside = spawnSync(process.execPath, [resolve('bin/netc.js'), 'compile', join(project, 'spec.yaml')], { cwd: inside, encoding: 'utf8' });
    expect(fromInside.status).toBe(2);
    expect(fromInside.stderr).toContain("run netc compile from your project's folder, or name one with -o");
  });
});
