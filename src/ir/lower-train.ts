/**
 * The training end of the graph: the labels input and the loss, after checking that the network
 * fits its data set — images of `input.shape` in, one value per class out, and for
 * cross-entropy, probabilities (a softmax) at the output.
 */
import type { Diagnostic } from '../diagnostics/diagnostics.js';
import { Messages } from '../diagnostics/messages.js';
import { datasetFacts } from '../spec/dataset-facts.js';
import type { LoadedSpec } from '../spec/types.js';
import { makeNode } from './build.js';
import { isProblem } from './registry.js';
import { exampleShape, formatShape, type GraphOutputs, type Node } from './types.js';

export function lowerTraining(
  loaded: LoadedSpec,
  prediction: Node,
  outputLayer: number,
  nodes: Node[],
): { outputs?: GraphOutputs; diagnostics: Diagnostic[] } {
  const { spec, map } = loaded;
  const train = spec.train!;
  const diagnostics: Diagnostic[] = [];
  const facts = datasetFacts(train.dataset, map);
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
  if (diagnostics.length > 0) return { diagnostics };

  const lossLoc = map.locate(['train', 'loss']);
  const labels = makeNode('input', [], { shape: [facts.classes], role: 'labels' }, { id: 'labels', layer: '', loc: map.locate(['train', 'dataset']) });
  if (isProblem(labels)) throw new Error('unreachable: labels input');
  const lossNode = makeNode(loss, [prediction, labels], {}, { id: 'loss', layer: '', loc: lossLoc });
  if (isProblem(lossNode)) return { diagnostics: [lossNode.problem(lossLoc)] };
  nodes.push(labels, lossNode);
  // Accuracy is the argmax of scores: the logits under a softmax, the negated penalties of RBF units.
  let scores = prediction.op === 'softmax' ? prediction.inputs[0]! : prediction.id;
  if (loss === 'rbf_map') {
    const neg = makeNode('affine', [prediction], { scale: -1, shift: 0 }, { id: `${prediction.id}.neg`, layer: '', loc: lossLoc });
    if (isProblem(neg)) throw new Error('unreachable: negating penalties');
    nodes.push(neg);
    scores = neg.id;
  }
  // Training needs the loss and the scores (for accuracy), not the prediction: leaving it out
  // lets the softmax fold into the loss when nothing else reads it.
  return { outputs: { loss: lossNode.id, scores }, diagnostics };
}
