/**
 * What an importer (import-tfjs, import-onnx) writes: the spec, and the model's weights as a
 * checkpoint beside it, so that the folder is a run that netc eval, predict, export and
 * train --resume read.
 */
import { dirname } from 'node:path';
import { compileAndLoad } from '../driver/load.js';
import { scratchDir } from '../driver/scratch.js';
import type { Diagnostic } from '../diagnostics/diagnostics.js';
import { Messages } from '../diagnostics/messages.js';
import { writeFileAtomic } from '../runtime/atomic.js';
import { defaultThreads } from '../runtime/backend.js';
import { writeCheckpoint } from '../runtime/checkpoint.js';
import { packageVersion } from '../runtime/package-root.js';
import type { Spec } from '../spec/types.js';
import { KNOWN_DATASETS } from '../runtime/data/datasets.js';
import { parse, UsageError } from './args.js';
import { makeDirs } from '../runtime/make-dirs.js';

/** The options both import commands take. */
export function parseImportArgs(argv: string[]) {
  return parse(argv, {
    out: { type: 'string', short: 'o' },
    checkpoint: { type: 'string' },
    name: { type: 'string' },
    dataset: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
}

/** --dataset, one of the data sets netc knows by name. */
export function datasetOption(v: unknown): string | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || !Object.hasOwn(KNOWN_DATASETS, v)) {
    throw new UsageError(`--dataset must be ${Object.keys(KNOWN_DATASETS).join(' or ')}, not '${String(v)}' (for IDX files, edit the spec's train section)`);
  }
  return v;
}

/** Writes a text file (its folder made if missing); a diagnostic when it cannot. */
export function writeText(path: string, text: string): Diagnostic | undefined {
  try {
    makeDirs(dirname(path));
    writeFileAtomic(path, text);
    return undefined;
  } catch (e) {
    return Messages.CannotWrite.at(undefined, path, (e as NodeJS.ErrnoException).code ?? String(e));
  }
}

/**
 * The weights as a checkpoint that continues from step 0: the spec's model is compiled, so every
 * parameter is checked against the shape netc gives it, and the optimizer's state starts at zero.
 */
export async function writeImportedCheckpoint(
  path: string,
  specPath: string,
  yaml: string,
  params: Record<string, Float32Array>,
  spec: Spec,
  modelProblem: (problem: string) => Diagnostic,
): Promise<Diagnostic | undefined> {
  const batchSize = spec.train?.batch_size ?? 32;
  const loaded = await compileAndLoad(specPath, scratchDir('import'), { batchSize });
  if (!('module' in loaded)) return Messages.Internal.at(undefined, `the imported spec checks but does not compile (${loaded.compiled.diagnostics.map((d) => d.message).join('; ')})`);
  const info = loaded.module.info;
  for (const p of info.parameters) {
    const v = params[p.name];
    const size = p.shape.reduce((a, d) => a * d, 1);
    if (!v) return modelProblem(`netc's layer needs the parameter '${p.name}', which the model's weights do not give`);
    if (v.length !== size) return modelProblem(`the model's weight for '${p.name}' has ${v.length} values, but netc's is ${p.shape.join('×')} (${size})`);
  }
  const model = loaded.module.createModel({ backend: 'reference', threads: 1 });
  try {
    model.setParameters(params);
    const state = model.getOptimizerState();
    const seed = spec.train?.seed ?? 0;
    const learningRate = model.learningRate;
    makeDirs(dirname(path));
    writeCheckpoint(path, {
      header: {
        model: spec.name,
        netcVersion: packageVersion(),
        spec: yaml,
        source: specPath,
        seed,
        learningRate,
        progress: { epoch: 0, batch: 0, step: 0, lossSum: 0, correct: 0, seen: 0, seconds: 0 },
        // what netc train --resume continues with: no epochs done yet, so it is told how many
        settings: { epochs: 0, batchSize, seed, learningRate, limit: null, backend: 'fast', threads: defaultThreads() },
      },
      params: model.getParameters(),
      state: state.buffers,
    });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (typeof code !== 'string') throw e;
    return Messages.CannotWrite.at(undefined, path, code);
  } finally {
    model.close();
  }
  return undefined;
}
