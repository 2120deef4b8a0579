/**
 * `netc import-tfjs model.json -o spec.yaml [--checkpoint FILE]`: a TensorFlow.js Layers model as
 * a netc spec, checked as `netc check` checks it, and its weights as a checkpoint that `netc
 * eval`, `predict` and `export` read.
 */
import { importTfjs } from '../interop/tfjs-import.js';
import { KNOWN_DATASETS } from '../runtime/data/datasets.js';
import type { Diagnostic } from '../diagnostics/diagnostics.js';
import { Messages } from '../diagnostics/messages.js';
import { packageVersion } from '../runtime/package-root.js';
import { UsageError } from './args.js';
import { analyze } from '../driver/analyze.js';
import { num } from './output.js';
import { printDiagnostics, type Sources } from './print-diagnostics.js';
import { datasetOption, parseImportArgs, writeImportedCheckpoint, writeText } from './imported-run.js';

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
  const { values, positionals } = parseImportArgs(argv);
  if (values.help) {
    process.stdout.write(importTfjsUsage + '\n');
    return 0;
  }
  if (positionals.length !== 1) throw new UsageError('name one model.json');
  if (typeof values.out !== 'string') throw new UsageError('name the spec to write with -o spec.yaml');
  const dataset = datasetOption(values.dataset);
  const checkpoint = values.checkpoint as string | undefined;
  const modelJson = positionals[0]!;
  const specPath = values.out;
  const r = importTfjs(modelJson, { weights: checkpoint !== undefined, ...(typeof values.name === 'string' ? { name: values.name } : {}), ...(dataset ? { dataset } : {}) }, packageVersion());
  if ('diagnostics' in r) return fail(r.diagnostics, r.sources);
  const unwritten = writeText(specPath, r.yaml);
  if (unwritten) return fail([unwritten]);

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
    const problem = await writeImportedCheckpoint(checkpoint, specPath, r.yaml, r.params!, a.loaded.spec, (p) => Messages.TfjsModelFile.at(undefined, specPath, p));
    if (problem) return fail([problem]);
    lines.push(`${checkpoint}: its weights; try: netc eval ${checkpoint}`);
  }
  process.stdout.write(lines.join('\n') + '\n');
  return 0;
}

/** Diagnostics with their source line, unless it is too long to show (model.json is often one line). */
function fail(ds: readonly Diagnostic[], sources?: Sources): number {
  printDiagnostics(ds, sources, { longestLine: 160 });
  return 1;
}
