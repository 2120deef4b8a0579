/**
 * The training end of the graph: the labels input and the loss, after checking that the network
 * fits its data set — images of `input.shape` in, one value per class out, and for
 * cross-entropy, probabilities (a softmax) at the output.
 */
import type { Diagnostic, SourceLoc } from '../diagnostics/diagnostics.js';
import { Messages } from '../diagnostics/messages.js';
import { datasetFacts } from '../spec/dataset-facts.js';
import type { LoadedSpec } from '../spec/types.js';
import { makeNode } from './build.js';
import { isProblem } from './registry.js';
import { exampleShape, formatShape, type Attrs, type GraphOutputs, type Node } from './types.js';

export function lowerTraining(
  loaded: LoadedSpec,
  prediction: Node,
  outputLayer: number,
  nodes: Node[],
): { outputs?: GraphOutputs; diagnostics: Diagnostic[] } {
  const { spec, map } = loaded;
  const train = spec.train!;
  const diagnostics: Diagnostic[] = [];
  const facts = datasetFacts(train.dataset, map, spec.input.shape);
  if ('code' in facts) return { diagnostics: [facts] };

  const [h, w, c] = spec.input.shape;
  const [dh, dw, dc] = facts.image;
  if (h !== dh || w !== dw || c !== dc) {
    diagnostics.push(Messages.InputMismatch.at(map.locate(['input', 'shape']), `[${h}, ${w}, ${c}]`, facts.label, `[${dh}, ${dw}, ${dc}]`));
  }
  const layer = spec.layers[outputLayer]!;
  const out = exampleShape(prediction.type.shape);
  if (out.length !== 1 || out[0] !== facts.classes) {
    const where = map.locate(['layers', outputLayer, 'units' in layer ? 'units' : 'op']);
    diagnostics.push(Messages.OutputMismatch.at(where, layer.name, formatShape(out), facts.label, facts.classes));
  }
  const loss = train.loss ?? 'categorical_crossentropy';
  if (loss === 'categorical_crossentropy' && prediction.op !== 'softmax') {
    const where = map.locate(['layers', outputLayer, 'activation' in layer ? 'activation' : 'fn' in layer ? 'fn' : 'op']);
    const act = prediction.layer === layer.name && prediction.op !== layer.op ? prediction.op : 'no activation';
    diagnostics.push(Messages.LossNeedsSoftmax.at(where, layer.name, act));
  }
  const smoothing = train.label_smoothing ?? 0;
  if (smoothing > 0 && loss !== 'categorical_crossentropy') {
    diagnostics.push(Messages.LabelSmoothingNeedsCrossEntropy.at(map.locate(['train', 'label_smoothing'], 'key'), loss));
  }
  if (diagnostics.length > 0) return { diagnostics };

  const lossLoc = map.locate(['train', 'loss']);
  const labels = makeNode('input', [], { shape: [facts.classes], role: 'labels' }, { id: 'labels', layer: '', loc: map.locate(['train', 'dataset']) });
  if (isProblem(labels)) throw new Error('unreachable: labels input');
  nodes.push(labels);
  // Keras's label smoothing: the loss compares with y·(1 − ε) + ε/K, whichever loss node it becomes
  const targets = smoothing > 0 ? fixed(nodes, 'affine', [labels], { scale: 1 - smoothing, shift: smoothing / facts.classes }, 'labels.smoothed', map.locate(['train', 'label_smoothing'])) : labels;
  const penalized = nodes.filter((n) => n.op === 'param' && typeof n.attrs.l2 === 'number');
  const lossNode = makeNode(loss, [prediction, targets], {}, { id: penalized.length > 0 ? 'loss.data' : 'loss', layer: '', loc: lossLoc });
  if (isProblem(lossNode)) return { diagnostics: [lossNode.problem(lossLoc)] };
  nodes.push(lossNode);
  // Keras's kernel_regularizer: the loss is the data loss plus l2·Σw² of each weight that asks for it
  const penalties = penalized.map((w) => fixed(nodes, 'l2_penalty', [w], { l2: w.attrs.l2! }, `${w.id}.l2`, w.loc, w.layer));
  const total = penalties.length > 0 ? fixed(nodes, 'add', [lossNode, ...penalties], {}, 'loss', lossLoc) : lossNode;
  // Accuracy is the argmax of scores: the logits under a softmax, the negated penalties of RBF units.
  let scores = prediction.op === 'softmax' ? prediction.inputs[0]! : prediction.id;
  if (loss === 'rbf_map') scores = fixed(nodes, 'affine', [prediction], { scale: -1, shift: 0 }, `${prediction.id}.neg`, lossLoc).id;
  const monitor = train.early_stopping?.monitor ?? 'val_loss';
  if (train.early_stopping && train.validation_split === undefined && monitor.startsWith('val_')) {
    diagnostics.push(Messages.EarlyStoppingOnTestSet.at(map.locate(['train', 'early_stopping'], 'key'), monitor));
  }
  // Training needs the loss and the scores (for accuracy), not the prediction: leaving it out
  // lets the softmax fold into the loss when nothing else reads it.
  return { outputs: { loss: total.id, scores }, diagnostics };
}

/** A node of the training end whose shape rule cannot fail, added to `nodes`. */
function fixed(nodes: Node[], op: string, inputs: readonly Node[], attrs: Attrs, id: string, loc: SourceLoc, layer = ''): Node {
  const n = makeNode(op, inputs, attrs, { id, layer, loc });
  if (isProblem(n)) throw new Error(`unreachable: ${op} '${id}' failed its shape rule`);
  nodes.push(n);
  return n;
}
