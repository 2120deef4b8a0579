/**
 * Loading a compiled module into this process, for `netc train`, `eval` and `predict`. The
 * committed module in generated/ is reused when it is what the compiler emits now; otherwise
 * the fresh source is written into a folder (the run folder) and imported from there.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ts } from 'ts-morph';
import type { CompiledModel, ModelInfo, ModelOptions } from '../runtime/index.js';
import { packageFile } from '../runtime/package-root.js';
import { compileSpec, regenerateCommand, runtimeImportFor, shellWord, type CompileOptions, type Compiled } from './compile.js';
import { withRegenerateCommand, withRuntimeImport } from '../codegen/runtime-import.js';
import { makeDirs } from '../runtime/make-dirs.js';

export interface ModelModule {
  readonly info: ModelInfo;
  createModel(options?: ModelOptions): CompiledModel;
}

/** Under vitest or tsx this code runs from its TypeScript sources; installed, from dist/. */
const fromSource = import.meta.url.endsWith('.ts');

/** The runtime's entry as the running netc sees it. */
function runtimeEntry(): string {
  return fromSource ? packageFile('src', 'runtime', 'index.ts') : pathToFileURL(packageFile('dist', 'src', 'runtime', 'index.js')).href;
}

export interface Loaded {
  readonly compiled: Compiled;
  readonly module: ModelModule;
  /** where the module was imported from */
  readonly path: string;
}

/**
 * Compile the spec and import the module. `dir` receives model.ts (the source, importing the
 * runtime as 'netc/runtime') and, when it has to be imported from there, the runnable copy.
 */
export async function compileAndLoad(file: string, dir: string, options: CompileOptions = {}): Promise<Loaded | { compiled: Compiled }> {
  const generated = packageFile('generated');
  const compiled = compileSpec(file, { ...options, outDir: generated });
  if (!compiled.source) return { compiled };
  const name = compiled.analysis.loaded!.spec.name;
  const withRuntime = (specifier: string) => withRuntimeImport(compiled.source!, runtimeImportFor(generated), specifier);
  makeDirs(dir);
  // the copy is made again from its spec, not by netc's `npm run generate`
  const copy = withRegenerateCommand(withRuntime('netc/runtime'), regenerateCommand(file, generated), `npx netc compile ${shellWord(file)}`);
  writeFileSync(join(dir, 'model.ts'), copy);

  // The committed module, when it is exactly what the compiler emits now.
  const committed = join(generated, `${name}.ts`);
  if (existsSync(committed) && readFileSync(committed, 'utf8') === compiled.source) {
    const runnable = fromSource ? committed : packageFile('dist', 'generated', `${name}.js`);
    if (existsSync(runnable)) return { compiled, module: (await import(pathToFileURL(runnable).href)) as ModelModule, path: runnable };
  }
  const source = withRuntime(runtimeEntry());
  // Named by content: a process that loads two different modules from one folder (train, then
  // --resume after spec.yaml was edited) must not get the first from the module cache.
  const hash = createHash('sha256').update(source).digest('hex').slice(0, 12);
  const runnable = join(dir, fromSource ? `model.${hash}.run.ts` : `model.${hash}.mjs`);
  const code = fromSource
    ? source
    : ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText;
  writeFileSync(runnable, code);
  return { compiled, module: (await import(pathToFileURL(runnable).href)) as ModelModule, path: runnable };
}
