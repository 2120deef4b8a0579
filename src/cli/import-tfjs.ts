/**
 * `netc import-tfjs model.json -o spec.yaml [--checkpoint FILE]`: a TensorFlow.js Layers model as
 * a netc spec, checked as `netc check` checks it, and its weights as a checkpoint that `netc
 * eval`, `predict` and `export` read.
 */
import { dirname, join } from 'node:path';
import { compileAndLoad } from '../driver/load.js';
import { importTfjs } from '../interop/tfjs-import.js';
import { writeFileAtomic } from '../runtime/atomic.js';
import { defaultThreads } from '../runtime/backend.js';
import { writeCheckpoint } from '../runtime/checkpoint.js';
import { KNOWN_DATASETS } from '../runtime/data/datasets.js';
import type { Diagnostic } from '../diagnostics/diagnostics.js';
import { Messages } from '../diagnostics/messages.js';
import { packageVersion } from '../runtime/package-root.js';
import type { Spec } from '../spec/types.js';
import { parse, UsageError } from './args.js';
import { analyze } from '../driver/analyze.js';
import { num } from './output.js';
import { printDiagnostics, type Sources } from './print-diagnostics.js';
import { scratchDir } from '../driver/scratch.js';
import { makeDirs } from '../runtime/make-dirs.js';

export const importTfjsUsage = `usage: netc import-tfjs <model.json> -o <spec.yaml> [--checkpoint FILE] [--name NAME] [--dataset NAME]

Turns a TensorFlow.js Layers model (Sequential or functional) into a netc spec, which is then
checked as 'netc check' checks it, so it can be drawn, compiled and trained. Its layers must be
ones netc has: Conv2D, Dense, AveragePooling2D, MaxPooling2D, Flatten, Dropout, Activation,
ReLU, Softmax, Add, Concatenate, ZeroPadding2D. The spec's train section comes from a netc
export's metadata, else from the model's training config and netc's defaults.

  -o, --out FILE       the spec to write
  --checkpoint FILE    also write the model's weights (the shards beside model.json) as a
                       netc checkpoint, for netc eval, predict and export; written as
                       DIR/checkpoint.netc beside DIR/spec.yaml, DIR is a run folder that
                       'netc train --resume DIR --epochs N' fine-tunes
  --name NAME          the spec's name (default: the model's)
  --dataset NAME       the data set of the train section: ${Object.keys(KNOWN_DATASETS).join(' or ')} (default: a netc
                       export's; mnist for a model of 28×28×1 images and 10 classes; else none)`;

export async function runImportTfjs(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, {
    out: { type: 'string', short: 'o' },
    checkpoint: { type: 'string' },
    name: { type: 'string' },
    dataset: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    process.stdout.write(importTfjsUsage + '\n');
    return 0;
  }
  if (positionals.length !== 1) throw new UsageError('name one model.json');
  if (typeof values.out !== 'string') throw new UsageError('name the spec to write with -o spec.yaml');
  const dataset = values.dataset as string | undefined;
  if (dataset !== undefined && !Object.hasOwn(KNOWN_DATASETS, dataset)) {
    throw new UsageError(`--dataset must be ${Object.keys(KNOWN_DATASETS).join(' or ')}, not '${dataset}' (for IDX files, edit the spec's train section)`);
  }
  const checkpoint = values.checkpoint as string | undefined;
  const modelJson = positionals[0]!;
  const specPath = values.out;
  const r = importTfjs(modelJson, { weights: checkpoint !== undefined, ...(typeof values.name === 'string' ? { name: values.name } : {}), ...(dataset ? { dataset } : {}) }, packageVersion());
  if ('diagnostics' in r) return fail(r.diagnostics, r.sources);
  if (!write(specPath, r.yaml)) return 1;

  const a = analyze(specPath);
  printDiagnostics(a.diagnostics, a.sources);
  if (!a.ok || !a.loaded) {
    process.stderr.write(`${specPath}: written from ${modelJson}, but it does not check (above); fix the spec, or the model\n`);
    return 1;
  }
  const lines = [
    `${specPath}: ${r.name}, ${r.modelLayers} TensorFlow.js layers as ${r.specLayers} netc layers, ${num(a.summary?.params ?? 0)} parameters`,
  ];
  if (!r.trains) lines.push(`  no train section, so no data to train or evaluate on: name the data set with --dataset, or add a train section to the spec`);
  if (checkpoint !== undefined) {
    const problem = await writeImportedCheckpoint(checkpoint, specPath, r.yaml, r.params!, a.loaded.spec);
    if (problem) return fail([problem]);
    lines.push(`${checkpoint}: its weights; try: netc eval ${checkpoint}`);
  }
  process.stdout.write(lines.join('\n') + '\n');
  return 0;
}

/**
 * The weights as a checkpoint that continues from step 0: the spec's model is compiled, so every
 * parameter is checked against the shape netc gives it, and the optimizer's state starts at zero.
 */
async function writeImportedCheckpoint(path: string, specPath: string, yaml: string, params: Record<string, Float32Array>, spec: Spec): Promise<Diagnostic | undefined> {
  const batchSize = spec.train?.batch_size ?? 32;
  const loaded = await compileAndLoad(specPath, scratchDir('import'), { batchSize });
  if (!('module' in loaded)) return Messages.Internal.at(undefined, `the imported spec checks but does not compile (${loaded.compiled.diagnostics.map((d) => d.message).join('; ')})`);
  const info = loaded.module.info;
  for (const p of info.parameters) {
    const v = params[p.name];
    const size = p.shape.reduce((a, d) => a * d, 1);
    if (!v) return Messages.TfjsModelFile.at(undefined, specPath, `netc's layer needs the parameter '${p.name}', which the model's weights do not give`);
    if (v.length !== size) return Messages.TfjsModelFile.at(undefined, specPath, `the model's weight for '${p.name}' has ${v.length} values, but netc's is ${p.shape.join('×')} (${size})`);
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

function write(path: string, text: string): boolean {
  try {
    makeDirs(dirname(path));
    writeFileAtomic(path, text);
    return true;
  } catch (e) {
    fail([Messages.CannotWrite.at(undefined, path, (e as NodeJS.ErrnoException).code ?? String(e))]);
    return false;
  }
}

/** Diagnostics with their source line, unless it is too long to show (model.json is often one line). */
function fail(ds: readonly Diagnostic[], sources?: Sources): number {
  printDiagnostics(ds, sources, { longestLine: 160 });
  return 1;
}
