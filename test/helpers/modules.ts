/**
 * Compile a spec (a YAML string or a file) to a generated module and import it, in tests.
 * The module is written under test/.generated/ with a relative import of the runtime, so vitest
 * transforms it like any other TypeScript file.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { compileSpec, runtimeImportFor, type Compiled } from '../../src/codegen/compile.js';
import type { CompiledModel, ModelInfo, ModelOptions } from '../../src/runtime/index.js';

export interface ModelModule {
  info: ModelInfo;
  createModel(options?: ModelOptions): CompiledModel;
}

const root = resolve('test/.generated');
let counter = 0;

/** Write YAML to a fresh spec file (relative `extends` and IDX paths resolve from test/fixtures/). */
export function specFile(yaml: string): string {
  mkdirSync(root, { recursive: true });
  const dir = mkdtempSync(join(root, 'spec-'));
  const file = join(dir, 'spec.yaml');
  writeFileSync(file, yaml);
  return file;
}

export async function compileAndImport(specPath: string, options: { inferBatch?: number } = {}): Promise<{ module: ModelModule; compiled: Compiled }> {
  const outDir = join(root, `m${process.pid}-${counter++}`);
  mkdirSync(outDir, { recursive: true });
  const compiled = compileSpec(specPath, { outDir, runtimeImport: runtimeImportFor(outDir), ...options });
  if (!compiled.source) {
    throw new Error(`compile failed: ${compiled.stoppedBecause ?? compiled.diagnostics.map((d) => d.message).join('; ')}`);
  }
  const file = join(outDir, 'model.ts');
  writeFileSync(file, compiled.source);
  const module = (await import(/* @vite-ignore */ file)) as ModelModule;
  return { module, compiled };
}
