/**
 * Compile a spec (a YAML string or a file) to a generated module and import it, in tests.
 * The module is written under test/.generated/ with a relative import of the runtime, so vitest
 * transforms it like any other TypeScript file.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { compileSpec, runtimeImportFor, type Compiled } from '../../src/driver/compile.js';
import type { CompiledModel, ModelInfo, ModelOptions } from '../../src/runtime/index.js';

export interface ModelModule {
  info: ModelInfo;
  createModel(options?: ModelOptions): CompiledModel;
}

const root = resolve('test/.generated');

/** Write YAML to a fresh spec file in its own folder; returns its path. */
export function specFile(yaml: string): string {
  mkdirSync(root, { recursive: true });
  const dir = mkdtempSync(join(root, 'spec-'));
  const file = join(dir, 'spec.yaml');
  writeFileSync(file, yaml);
  return file;
}

/** Write an IDX data set of `count` random images of [h, w, c] and labels below `classes` into dir. */
export function writeIdxDataset(dir: string, shape: readonly [number, number, number], classes: number, count = 8): void {
  const [h, w, c] = shape;
  const header = (dims: number[]) => {
    const b = Buffer.alloc(4 + 4 * dims.length);
    b[2] = 8;
    b[3] = dims.length;
    dims.forEach((d, i) => b.writeUInt32BE(d, 4 + 4 * i));
    return b;
  };
  const pixels = Buffer.from(Array.from({ length: count * h * w * c }, (_, i) => (i * 37) % 256));
  const labels = Buffer.from(Array.from({ length: count }, (_, i) => i % classes));
  const dims = c === 1 ? [count, h, w] : [count, h, w, c];
  for (const split of ['train', 'test']) {
    writeFileSync(join(dir, `${split}-images.idx`), Buffer.concat([header(dims), pixels]));
    writeFileSync(join(dir, `${split}-labels.idx`), Buffer.concat([header([count]), labels]));
  }
}

export interface TinySpec {
  readonly input: readonly [number, number, number];
  readonly classes: number;
  /** the `layers:` list, as YAML lines ("  - { name: ..., op: ... }") */
  readonly layers: string;
  readonly loss?: 'categorical_crossentropy' | 'mse' | 'rbf_map';
  readonly optimizer?: string;
  readonly batchSize?: number;
  readonly labelSmoothing?: number;
}

/** A spec with its own IDX data set of matching shape, so any small network can be compiled. */
export function tinySpec(t: TinySpec): string {
  const file = specFile(`netc: 1
name: tiny
input: { shape: [${t.input.join(', ')}] }
layers:
${t.layers}
train:
  dataset: { idx: { train_images: train-images.idx, train_labels: train-labels.idx, test_images: test-images.idx, test_labels: test-labels.idx } }
  loss: ${t.loss ?? 'categorical_crossentropy'}
  optimizer: ${t.optimizer ?? '{ name: adam, learning_rate: 0.01 }'}
  batch_size: ${t.batchSize ?? 4}
${t.labelSmoothing ? `  label_smoothing: ${t.labelSmoothing}\n` : ''}`);
  writeIdxDataset(join(file, '..'), t.input, t.classes);
  return file;
}

export async function compileAndImport(specPath: string, options: { inferBatch?: number } = {}): Promise<{ module: ModelModule; compiled: Compiled }> {
  // A fresh folder per module, unique across processes and worker threads alike: vitest caches
  // a module by its path, so a path used twice (two test files in one process, as Stryker runs
  // them, or one file rerun for each mutant) would import the first module again.
  mkdirSync(root, { recursive: true });
  const outDir = mkdtempSync(join(root, 'm-'));
  const compiled = compileSpec(specPath, { outDir, runtimeImport: runtimeImportFor(outDir), ...options });
  if (!compiled.source) {
    throw new Error(`compile failed: ${compiled.stoppedBecause ?? compiled.diagnostics.map((d) => d.message).join('; ')}`);
  }
  const file = join(outDir, 'model.ts');
  writeFileSync(file, compiled.source);
  const module = (await import(/* @vite-ignore */ file)) as ModelModule;
  return { module, compiled };
}
