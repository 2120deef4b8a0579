/**
 * `netc import-onnx model.onnx -o DIR/spec.yaml [--checkpoint FILE]`: an ONNX model as a netc
 * spec, checked as `netc check` checks it, and its weights as DIR/checkpoint.netc, so that DIR
 * is a run folder that `netc eval`, `predict`, `export` and `train --resume` read.
 */
import { dirname, join } from 'node:path';
import { importOnnx } from '../interop/onnx-import.js';
import { KNOWN_DATASETS } from '../runtime/data/datasets.js';
import type { Diagnostic } from '../diagnostics/diagnostics.js';
import { Messages } from '../diagnostics/messages.js';
import { packageVersion } from '../runtime/package-root.js';
import { UsageError } from './args.js';
import { analyze } from '../driver/analyze.js';
import { num } from './output.js';
import { printDiagnostics, type Sources } from './print-diagnostics.js';
import { CHECKPOINT } from '../driver/run-folder.js';
import { datasetOption, parseImportArgs, writeImportedCheckpoint, writeText } from './imported-run.js';

export const importOnnxUsage = `usage: netc import-onnx <model.onnx> -o <DIR/spec.yaml> [--checkpoint FILE] [--name NAME] [--dataset NAME]

Turns an ONNX model (opset 13 to 21) into a netc spec, checked as 'netc check' checks it, and
its weights into a checkpoint beside it: DIR is then a run folder that 'netc eval DIR' evaluates
and 'netc train --resume DIR --epochs N' fine-tunes. Its nodes must be ones netc has: Conv
(full or depthwise), Gemm, MatMul (+ Add as its bias), Relu, Tanh, Sigmoid, Softmax, Softplus,
LeakyRelu, Elu, MaxPool, AveragePool, GlobalAveragePool, GlobalMaxPool, BatchNormalization,
Flatten, Reshape (to one dimension per example), Concat, Add, Sum, Pad, Dropout, Identity, and
Transpose at the input (NHWC to NCHW) or before a Flatten. Every other node is an error naming
it. The input is taken as NCHW unless a Transpose makes it so; netc's spec is NHWC either way.

  -o, --out FILE       the spec to write
  --checkpoint FILE    where to write the weights (default: checkpoint.netc beside the spec)
  --name NAME          the spec's name (default: a netc export's, else the graph's)
  --dataset NAME       the data set of the train section: ${Object.keys(KNOWN_DATASETS).join(' or ')} (default: a netc
                       export's; mnist for a model of 28×28×1 images and 10 classes; else none)`;

export async function runImportOnnx(argv: string[]): Promise<number> {
  const { values, positionals } = parseImportArgs(argv);
  if (values.help) {
    process.stdout.write(importOnnxUsage + '\n');
    return 0;
  }
  if (positionals.length !== 1) throw new UsageError('name one model.onnx');
  if (typeof values.out !== 'string') throw new UsageError('name the spec to write with -o DIR/spec.yaml');
  const dataset = datasetOption(values.dataset);
  const modelPath = positionals[0]!;
  const specPath = values.out;
  const checkpoint = typeof values.checkpoint === 'string' ? values.checkpoint : join(dirname(specPath), CHECKPOINT);
  const r = importOnnx(modelPath, { ...(typeof values.name === 'string' ? { name: values.name } : {}), ...(dataset ? { dataset } : {}) }, packageVersion());
  if (Array.isArray(r)) return fail(r);
  const unwritten = writeText(specPath, r.yaml);
  if (unwritten) return fail([unwritten]);

  const a = analyze(specPath);
  printDiagnostics(a.diagnostics, a.sources);
  if (!a.ok || !a.loaded) {
    process.stderr.write(`${specPath}: written from ${modelPath}, but it does not check (above); fix the spec, or the model\n`);
    return 1;
  }
  const problem = await writeImportedCheckpoint(checkpoint, specPath, r.yaml, r.params, a.loaded.spec, (p) => Messages.OnnxModelFile.at(undefined, modelPath, p));
  if (problem) return fail([problem]);
  const lines = [
    `${specPath}: ${r.name}, ${r.nodes} ONNX nodes as ${r.layers} netc layers, ${num(a.summary?.params ?? 0)} parameters`,
    `${checkpoint}: its weights; try: netc eval ${checkpoint}`,
  ];
  if (!r.trains) lines.push(`  no train section, so no data to train or evaluate on: name the data set with --dataset, or add a train section to the spec`);
  process.stdout.write(lines.join('\n') + '\n');
  return 0;
}

function fail(ds: readonly Diagnostic[], sources?: Sources): number {
  printDiagnostics(ds, sources);
  return 1;
}
