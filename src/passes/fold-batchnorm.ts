/**
 * fold-batchnorm: at inference a batchnorm is an affine map per channel with the moving
 * statistics, so the conv2d or dense before it can compute it: its weights scaled per output
 * channel by s = γ/√(variance + ε), its bias (b − mean)·s + β. The weights change as training
 * goes on, so the folded ones are computed by two small nodes on every inference pass (a
 * parameter's size of work, next to the layer's batch times that).
 *
 *   before:  %c1: f32[N,24,24,6] = conv2d(%input, %c1.w, %c1.b) {...}
 *            %bn1: f32[N,24,24,6] = batchnorm(%c1, %bn1.moving_mean, %bn1.moving_variance, %bn1.gamma, %bn1.beta) {epsilon=0.001}
 *            %bn1.relu = relu(%bn1)
 *   after:   %bn1.fold_w: f32[5,5,1,6] = batchnorm_fold_weights(%c1.w, %bn1.moving_variance, %bn1.gamma) {epsilon=0.001}
 *            %bn1.fold_b: f32[6] = batchnorm_fold_bias(%c1.b, %bn1.moving_mean, %bn1.moving_variance, %bn1.gamma, %bn1.beta) {epsilon=0.001}
 *            %c1: f32[N,24,24,6] = conv2d(%input, %bn1.fold_w, %bn1.fold_b) {folded=bn1, ...}
 *            %bn1.relu = relu(%c1)
 *
 * It runs before fuse-activations, so conv → batchnorm → relu ends as one conv with the folded
 * weights and a fused relu. It folds only when the batchnorm alone reads the layer's output and
 * the layer has no activation of its own (an activation between them is not affine); a
 * batchnorm that already carries an activation hands it to the layer. A conv2d without a bias
 * (`use_bias: false`, the usual pattern before a batchnorm) gains the folded one.
 */
import { nodeMap, type Attrs, type Graph, type Node } from '../ir/types.js';
import type { Pass } from './pass.js';
import { edit, node, readerCounts } from './rewrite.js';

/** The layers a batchnorm folds into: their weights are input 1, their bias (if any) input 2, channels last in both. */
const FOLDS_INTO = new Set(['conv2d', 'dense']);

export const foldBatchnorm: Pass = {
  name: 'fold-batchnorm',
  summary: 'fold an inference batchnorm into the conv2d or dense before it',
  phase: 1,
  runsOn: ['inference'],
  run(g: Graph): Graph {
    const byId = nodeMap(g);
    const readers = readerCounts(g);
    /** batchnorm id → the folded weights, bias and layer that take its place */
    const moved = new Map<string, Node[]>();
    const rename = new Map<string, string>();
    for (const bn of g.nodes) {
      const layer = bn.op === 'batchnorm' ? byId.get(bn.inputs[0]!) : undefined;
      if (!layer || !foldable(bn, layer, byId, readers)) continue;
      // a conv2d with use_bias: false has no bias input; the folded layer gains one
      const biased = layer.attrs.use_bias !== false;
      const [x, w, ...rest] = layer.inputs.map((i) => byId.get(i)!);
      const b = biased ? rest[0] : undefined;
      const mask = rest.slice(biased ? 1 : 0);
      const [, mean, variance, ...affine] = bn.inputs.map((i) => byId.get(i)!);
      const { epsilon, scale, center } = bn.attrs;
      const which = { epsilon: epsilon!, ...(scale === false ? { scale } : {}) };
      const meta = (suffix: string) => ({ id: `${bn.id}.${suffix}`, layer: bn.layer, loc: bn.loc });
      const weights = node('batchnorm_fold_weights', [w!, variance!, ...(scale === false ? [] : [affine[0]!])], which, meta('fold_w'));
      const bias = node('batchnorm_fold_bias', [...(b ? [b] : []), mean!, variance!, ...affine], { ...which, ...(center === false ? { center } : {}), ...(b ? {} : { use_bias: false }) }, meta('fold_b'));
      const { activation, alpha } = bn.attrs;
      const act = activation !== undefined && activation !== 'linear' ? { activation, ...(alpha !== undefined ? { alpha } : {}) } : {};
      const { use_bias: _, ...layerAttrs } = layer.attrs;
      const attrs: Attrs = { ...layerAttrs, folded: bn.id, ...act };
      // at the batchnorm's place, after the statistics it reads; the layer's own place held nothing else
      moved.set(bn.id, [weights, bias, node(layer.op, [x!, weights, bias, ...mask], attrs, layer)]);
      moved.set(layer.id, []);
      rename.set(bn.id, layer.id);
    }
    if (moved.size === 0) return g;
    return edit({ ...g, nodes: g.nodes.flatMap((n) => moved.get(n.id) ?? [n]) }, { rename });
  },
};

/**
 * A batchnorm of fixed statistics (states, not the batch's) right after a conv2d or dense that
 * only it reads, which has no activation and is not already folded.
 */
function foldable(bn: Node, layer: Node, byId: ReadonlyMap<string, Node>, readers: ReadonlyMap<string, number>): boolean {
  const fixed = bn.inputs.slice(1, 3).every((i) => byId.get(i)?.op === 'param');
  const act = layer.attrs.activation;
  return fixed && FOLDS_INTO.has(layer.op) && readers.get(layer.id) === 1 && (act === undefined || act === 'linear') && layer.attrs.folded === undefined;
}
