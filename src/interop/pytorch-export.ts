/**
 * A netc spec as a standalone PyTorch program: the network as an nn.Module (pytorch-layers.ts)
 * with netc's initializers, the spec's loss, optimizer and schedule (pytorch-train.ts), and the
 * data handling and training loop of netc's runtime (pytorch-program.ts); with a checkpoint, its
 * parameters in PyTorch's layouts, written beside the program as raw float32 values that the
 * program reads with torch.frombuffer (no package beyond torch).
 *
 * The module takes NCHW images with pixels in [0, 1]; the spec's preprocessing (pad, range) is
 * its first lines. Its forward returns scores: the logits under the output's softmax (which
 * cross-entropy takes, as netc fuses them), or the negated RBF penalties; `predict` returns
 * netc's prediction, the probabilities.
 */
import { dirname, isAbsolute, join } from 'node:path';
import type { Graph } from '../ir/types.js';
import type { AugmentSpec } from '../runtime/data/augment.js';
import type { LoadedSpec, SpecLayer } from '../spec/types.js';
import type { Diagnostic } from '../diagnostics/diagnostics.js';
import { Messages } from '../diagnostics/messages.js';
import { untransformable } from './layouts.js';
import { PYTHON_HELPERS } from './pytorch-helpers.js';
import { TO_TORCH, TorchModule } from './pytorch-layers.js';
import { className, pyNum, pyTuple } from './pytorch-names.js';
import { AUGMENT_SOURCE, DATA_SOURCE, dataFilesSource, LOOP_SOURCE, mainSource, WEIGHTS_SOURCE } from './pytorch-program.js';
import { lossSource, optimizerSource, scheduleSource } from './pytorch-train.js';

export interface PytorchExportInput {
  /** the spec's inference graph, as lowered ({ training: false }), before passes */
  readonly graph: Graph;
  readonly loaded: LoadedSpec;
  /** trained parameters and states by netc's names; none for a spec not trained */
  readonly params?: Readonly<Record<string, Float32Array>>;
  readonly netcVersion: string;
  /** what the program is made from (the spec file, or the checkpoint), for its header and messages */
  readonly from: string;
  /** the weights file's name, beside the program (with params) */
  readonly weightsFile?: string;
}

export interface PytorchExport {
  readonly program: string;
  /** the state dict's tensors, one after another, as the program's WEIGHTS lists them */
  readonly weights?: Uint8Array;
  readonly parameters: number;
}

/** The refusals of the training settings a program cannot reproduce. */
function trainingProblems(loaded: LoadedSpec): Diagnostic[] {
  const train = loaded.spec.train;
  const at = (...path: string[]) => loaded.map.locate(path);
  if (!train) return [Messages.PytorchCannotTrain.at(at(), 'the spec', "it has no 'train' section, and the program trains as the spec says; add one")];
  const out: Diagnostic[] = [];
  if (typeof train.dataset === 'object' && 'images' in train.dataset) {
    out.push(Messages.PytorchCannotTrain.at(at('train', 'dataset'), 'a folder of images', 'the program reads IDX files only; convert the images to IDX files and name them with `dataset: { idx: ... }`'));
  }
  if (train.early_stopping) {
    out.push(Messages.PytorchCannotTrain.at(at('train', 'early_stopping'), "'train.early_stopping'", 'the program has no early stopping; remove it or set train.epochs to the epoch it stopped at'));
  }
  return out;
}

/** Every IR node whose op has no PyTorch transform, at its layer's place. */
export function pytorchExportProblems(graph: Graph): Diagnostic[] {
  return untransformable(graph, TO_TORCH).map(({ node, what }) => Messages.PytorchNoEquivalent.at(node.loc, what, node.op, 'netc writes no PyTorch code for this op yet'));
}

function dataset(loaded: LoadedSpec): Parameters<typeof dataFilesSource>[0] {
  const d = loaded.spec.train!.dataset;
  if (typeof d === 'string') return d;
  if (!('idx' in d)) throw new Error('an image-folder data set reached the PyTorch export');
  const at = (p: string) => (isAbsolute(p) ? p : join(dirname(loaded.file), p));
  return { train_images: at(d.idx.train_images), train_labels: at(d.idx.train_labels), test_images: at(d.idx.test_images), test_labels: at(d.idx.test_labels) };
}

const indent = (lines: readonly string[], by: string) => lines.map((l) => by + l.split('\n').join('\n' + by)).join('\n');

export function exportPytorch(input: PytorchExportInput): PytorchExport | Diagnostic[] {
  const { graph, loaded } = input;
  const problems = [...pytorchExportProblems(graph), ...trainingProblems(loaded)];
  if (problems.length > 0) return problems;
  const predictionId = graph.outputs.prediction;
  const inputNode = graph.nodes.find((n) => n.op === 'input');
  if (!predictionId || !inputNode) return [Messages.Internal.at(undefined, 'an inference graph without its input or prediction')];
  const prediction = graph.nodes.find((n) => n.id === predictionId)!;
  // the module returns the scores: the output softmax is `probabilities`, which the loss does without
  const softmaxOut = prediction.op === 'softmax';
  const layers = new Map<string, SpecLayer>(loaded.spec.layers.map((l) => [l.name, l]));
  const t = new TorchModule(graph, layers, input.params);
  t.alias(inputNode, 'x');
  for (const n of graph.nodes) if (n.op !== 'input' && !(softmaxOut && n === prediction)) TO_TORCH[n.op]!(t, n);
  if (t.problems.length > 0) return t.problems;
  if (t.missing.length > 0) {
    return [Messages.Checkpoint.at(undefined, input.from, `does not hold parameters of the right size for ${t.missing.join(', ')}; it does not fit its own spec`)];
  }
  const scores = softmaxOut ? t.in(prediction, 0) : t.value(prediction.id);
  const train = loaded.spec.train!;
  const optimizer = optimizerSource(train.optimizer);
  const helpers = [...t.helpers, ...optimizer.helpers];
  const name = className(graph.name);
  const [h, w, c] = inputNode.type.shape.slice(1) as number[];
  const classes = prediction.type.shape[prediction.type.shape.length - 1] as number;
  const augment = train.augment && Object.values(train.augment).some((v) => v !== 0) ? train.augment : undefined;
  const parameters = countParameters(graph);

  const program = [
    header(input, name, parameters),
    'import argparse\nimport gzip\nimport math\nimport os\nimport struct\nimport sys\nimport time\n\nimport torch\nimport torch.nn as nn\nimport torch.nn.functional as F',
    constants(loaded, c!, h!, w!, classes, augment, t, input.weightsFile),
    ...helpers.map((k) => PYTHON_HELPERS[k]!),
    moduleSource(name, graph.name, loaded.spec.description, t, scores, softmaxOut),
    lossSource(train.loss ?? 'categorical_crossentropy', train.label_smoothing ?? 0, t.l2),
    optimizer.source,
    scheduleSource(train.optimizer?.schedule),
    dataFilesSource(dataset(loaded)),
    DATA_SOURCE,
    ...(augment ? [AUGMENT_SOURCE] : []),
    ...(input.params ? [WEIGHTS_SOURCE] : []),
    LOOP_SOURCE,
    mainSource(name, input.params ? input.weightsFile : undefined),
  ].join('\n\n\n') + '\n';
  return { program, parameters, ...(input.params ? { weights: weightBytes(t) } : {}) };
}

function countParameters(graph: Graph): number {
  return graph.nodes
    .filter((n) => n.op === 'param' && n.attrs.trainable !== false)
    .reduce((sum, n) => sum + n.type.shape.reduce<number>((a, d) => a * (d as number), 1), 0);
}

function header(input: PytorchExportInput, name: string, parameters: number): string {
  const trained = input.params ? `\nIt starts from the trained weights of ${input.from}, in ${input.weightsFile} beside it.\n` : '';
  return `#!/usr/bin/env python3
# Generated by netc ${input.netcVersion} from ${input.from}; do not edit (export again instead).
"""${input.graph.name} as a PyTorch program: the network ${name} (${parameters.toLocaleString('en-US')} trained parameters) as
netc builds it, trained as netc trains it: the same initializers, loss, optimizer, schedule,
batch size, data handling and epochs (the random draws are PyTorch's, not netc's).
${trained}
  python3 THIS.py                     # train, then test
  python3 THIS.py --evaluate          # test only${input.params ? ' (the trained weights)' : ''}
  python3 THIS.py --help              # the data files, epochs, threads, ...
"""`;
}

function constants(loaded: LoadedSpec, c: number, h: number, w: number, classes: number, augment: AugmentSpec | undefined, t: TorchModule, weightsFile: string | undefined): string {
  const train = loaded.spec.train!;
  const lines = [
    `SEED = ${train.seed ?? 1}`,
    `BATCH_SIZE = ${train.batch_size ?? 32}`,
    `EPOCHS = ${train.epochs ?? 1}`,
    `CLASSES = ${classes}`,
    `INPUT_SHAPE = ${pyTuple([c, h, w])}  # (C, H, W)`,
    `VALIDATION_SPLIT = ${train.validation_split === undefined ? 'None' : pyNum(train.validation_split)}`,
    `AUGMENT = ${augment ? `{"shift": ${pyNum(augment.shift ?? 0)}, "rotate": ${pyNum(augment.rotate ?? 0)}, "scale": ${pyNum(augment.scale ?? 0)}}` : 'None'}`,
  ];
  if (weightsFile && t.weights.length > 0) {
    lines.push(`# the tensors of ${weightsFile}, in order: state-dict key and shape`, `WEIGHTS = [\n${t.weights.map((x) => `    (${JSON.stringify(x.key)}, ${pyTuple(x.shape)}),`).join('\n')}\n]`);
  }
  return lines.join('\n');
}

function moduleSource(name: string, specName: string, description: string | undefined, t: TorchModule, scores: string, softmaxOut: boolean): string {
  return `class ${name}(nn.Module):
    """${specName}${description ? `: ${description}` : ''}

    Takes images [N, ${t.graph.nodes.find((n) => n.op === 'input')!.type.shape.length === 4 ? 'C, H, W' : 'features'}] with pixels in [0, 1] and returns the scores:
    ${softmaxOut ? "the logits under the output's softmax; predict gives netc's probabilities" : "netc's outputs"}."""

    def __init__(self):
        super().__init__()
${indent(t.init, '        ')}

    def forward(self, x):
${indent(t.forward, '        ')}
        return ${scores}

    def predict(self, x):
        """netc's prediction${softmaxOut ? ': the class probabilities' : ''}."""
        return probabilities(self(x))


def probabilities(scores):
    return ${softmaxOut ? 'torch.softmax(scores, 1)' : 'scores'}`;
}

function weightBytes(t: TorchModule): Uint8Array {
  const total = t.weights.reduce((n, x) => n + x.values.length, 0);
  const all = new Float32Array(total);
  let at = 0;
  for (const x of t.weights) {
    all.set(x.values, at);
    at += x.values.length;
  }
  return new Uint8Array(all.buffer);
}
