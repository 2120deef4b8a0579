/** `netc export <run folder, checkpoint or spec> --format tfjs|onnx|pytorch -o PATH`: a model for TensorFlow.js, ONNX or PyTorch. */
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { exportOnnx, ONNX_INPUT, OPSET } from '../interop/onnx-export.js';
import type { Graph } from '../ir/types.js';
import { encodeModel } from '../interop/onnx-proto.js';
import { makeDirs } from '../runtime/make-dirs.js';
import { exportTfjs } from '../interop/tfjs-export.js';
import { writePytorch } from './export-pytorch.js';
import { writeFileAtomic } from '../runtime/atomic.js';
import { CheckpointError, readCheckpoint, type Checkpoint } from '../runtime/checkpoint.js';
import type { Diagnostic } from '../diagnostics/diagnostics.js';
import { Messages } from '../diagnostics/messages.js';
import { packageVersion } from '../runtime/package-root.js';
import { parse, UsageError } from './args.js';
import { analyze } from '../driver/analyze.js';
import { num } from './output.js';
import { printDiagnostics, type Sources } from './print-diagnostics.js';
import { CHECKPOINT, SPEC } from '../driver/run-folder.js';
import { scratchDir } from '../driver/scratch.js';

export const exportUsage = `usage: netc export <run folder or checkpoint> [--format tfjs|onnx|pytorch] -o PATH
       netc export <spec.yaml> --format pytorch -o PATH

Writes a trained model for another framework.

--format tfjs (the default) writes a TensorFlow.js Layers model: PATH/model.json (the layers and
the weights manifest) and PATH/group1-shard*.bin (the weights), which tf.loadLayersModel loads in
Node.js or a browser. Every layer with a Keras equivalent exports: conv2d, pooling, dense,
flatten, dropout, activation, add, concat, pad. The 1998 paper's subsample, rbf, connection
tables, scaled_tanh and preprocess do not, nor an elu of an alpha other than 1.

--format onnx writes PATH, one ONNX model (opset 17) of the inference graph with the trained
weights, for ONNX Runtime, Netron and converters. Its input 'input' is what netc's predict
takes: float32 [N, H, W, C] (NHWC), pixels in [0, 1]; the spec's preprocess (pad, range) is in
the graph. Every netc layer exports, the 1998 paper's too: a connection table as a conv with
zero weights where it connects nothing, subsample as AveragePool times a coefficient plus a
bias, rbf as Sub, Mul and ReduceSum.

--format pytorch writes PATH, a standalone PyTorch program (train_lenet5.py): the network as an
nn.Module with netc's initializers, and the spec's loss, optimizer, schedule, batch size and data
handling in a training loop. From a run or checkpoint, the trained weights go beside it
(PATH without .py, plus .weights.bin) and the program loads them; from a spec, it starts from
netc's initialization. Every layer exports; a folder of images or early stopping is refused.

  --format F       tfjs (TensorFlow.js Layers, the default), onnx or pytorch
  -o, --out PATH   tfjs: the folder to write (made if missing; model.json and shards are
                   replaced); onnx: the file to write (model.onnx); pytorch: the program (x.py)`;

export async function runExport(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, {
    format: { type: 'string' },
    out: { type: 'string', short: 'o' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    process.stdout.write(exportUsage + '\n');
    return 0;
  }
  if (positionals.length !== 1) throw new UsageError('name one run folder, checkpoint or (with --format pytorch) spec');
  const format = values.format ?? 'tfjs';
  if (format !== 'tfjs' && format !== 'onnx' && format !== 'pytorch') throw new UsageError(`--format must be tfjs, onnx or pytorch, not '${String(format)}'`);
  if (typeof values.out !== 'string') throw new UsageError(OUT_HINT[format]);
  const from = positionals[0]!;
  if (isSpecFile(from)) {
    if (format !== 'pytorch') throw new UsageError(`--format ${format} exports trained weights: name a run folder or checkpoint, not a spec (only --format pytorch exports a spec)`);
    return writePytorch(values.out, from);
  }
  const checkpointPath = existsSync(from) && statSync(from).isDirectory() ? join(from, CHECKPOINT) : from;
  let checkpoint: Checkpoint;
  try {
    checkpoint = readCheckpoint(checkpointPath);
  } catch (e) {
    if (e instanceof CheckpointError) return fail([Messages.Checkpoint.at(undefined, e.path, e.problem)]);
    throw e;
  }
  const specFile = specOf(checkpointPath, checkpoint);
  const a = analyze(specFile, { training: false });
  if (!a.ok || !a.loaded || !a.graph) return fail(a.diagnostics, a.sources);
  if (format === 'onnx') return writeOnnx(values.out, a.graph, checkpoint, checkpointPath, a.sources);
  if (format === 'pytorch') return writePytorch(values.out, specFile, { checkpoint, path: checkpointPath });
  const r = exportTfjs({ loaded: a.loaded, graph: a.graph, params: checkpoint.params, netcVersion: packageVersion(), paramsFrom: checkpointPath });
  if (Array.isArray(r)) return fail(r, a.sources);

  const dir = values.out;
  // model.json last: until it is written, no reader looks for the new shards
  const files = [...r.shards, { name: 'model.json', bytes: Buffer.from(JSON.stringify(r.modelJson, null, 1) + '\n') }];
  for (const f of files) {
    try {
      makeDirs(dir);
      writeFileAtomic(join(dir, f.name), f.bytes);
    } catch (e) {
      return fail([Messages.CannotWrite.at(undefined, join(dir, f.name), (e as NodeJS.ErrnoException).code ?? String(e))]);
    }
  }
  // shards of an earlier, larger export would lie beside the new ones; model.json names only the new
  const written = new Set(files.map((f) => f.name));
  for (const f of readdirSync(dir)) if (/^group1-shard\d+of\d+\.bin$/.test(f) && !written.has(f)) rmSync(join(dir, f), { force: true });
  const layers = r.modelJson.modelTopology.config.layers.length - 1;
  const bytes = r.shards.reduce((n, s) => n + s.bytes.length, 0);
  process.stdout.write(
    `${join(dir, 'model.json')}: ${a.loaded.spec.name} as a TensorFlow.js Layers model, ${layers} layers; ` +
      `weights in ${r.shards.length} file${r.shards.length === 1 ? '' : 's'} (${num(bytes)} bytes)\n` +
      `load it with tf.loadLayersModel('${loadUrl(dir)}'); netc's README, "TensorFlow.js", shows a page that does\n`,
  );
  return 0;
}

function writeOnnx(path: string, graph: Graph, checkpoint: Checkpoint, from: string, sources: Sources): number {
  const r = exportOnnx({ graph, params: checkpoint.params, netcVersion: packageVersion(), paramsFrom: from, specYaml: checkpoint.header.spec });
  if (Array.isArray(r)) return fail(r, sources);
  const bytes = encodeModel(r.model);
  try {
    makeDirs(dirname(path));
    writeFileAtomic(path, bytes);
  } catch (e) {
    return fail([Messages.CannotWrite.at(undefined, path, (e as NodeJS.ErrnoException).code ?? String(e))]);
  }
  process.stdout.write(
    `${path}: ${graph.name} as an ONNX model (opset ${OPSET}), ${r.nodes} nodes, ${num(bytes.length)} bytes\n` +
      `  input '${ONNX_INPUT}': float32 [N, ${graph.nodes.find((n) => n.op === 'input')!.type.shape.slice(1).join(', ')}], NHWC, pixels in [0, 1]; open it in ONNX Runtime or Netron\n`,
  );
  return 0;
}

const OUT_HINT = { tfjs: 'name the folder to write with -o DIR', onnx: 'name the file to write with -o model.onnx', pytorch: 'name the program to write with -o train.py' };

const isSpecFile = (path: string) => /\.ya?ml$/i.test(path) && !(existsSync(path) && statSync(path).isDirectory());

/**
 * A spec file holding the checkpoint's spec, for positions in messages: the run folder's own
 * spec.yaml when it is the same text (it is, unless edited), else a copy in a temporary folder.
 */
function specOf(checkpointPath: string, checkpoint: Checkpoint): string {
  const beside = join(checkpointPath, '..', SPEC);
  if (existsSync(beside) && readFileSync(beside, 'utf8') === checkpoint.header.spec) return beside;
  const file = join(scratchDir('export'), SPEC);
  writeFileSync(file, checkpoint.header.spec);
  return file;
}

/** model.json's path as a page or program beside it would name it: relative when under the current folder. */
function loadUrl(dir: string): string {
  const rel = relative(process.cwd(), join(dir, 'model.json')).split('\\').join('/');
  return rel.startsWith('..') ? join(dir, 'model.json') : rel;
}

function fail(ds: readonly Diagnostic[], sources?: Sources): number {
  printDiagnostics(ds, sources);
  return 1;
}
