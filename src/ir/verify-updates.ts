/**
 * The verifier's rules for state updates. A training step may write new values into its states
 * (batch normalization's moving mean and variance); the step stays well defined when
 *  - the target is a state: a `param` of role 'state', not trainable, of the update's shape
 *    (a trainable parameter belongs to the optimizer, a fixed one never changes);
 *  - each state is updated at most once, and every update node is the one `outputs.updates`
 *    names for its state;
 *  - no node reads the state (or a view of it) after its update, so every reader in the step
 *    sees the step's old value whatever order the schedule runs in.
 */
import { getOp } from './ops/index.js';
import { formatShape, sameShape, type Graph, type Node } from './types.js';

export function verifyUpdates(g: Graph): string[] {
  const problems: string[] = [];
  const byId = new Map<string, Node>();
  const position = new Map<string, number>();
  // Which buffer each value is: an alias (flatten) or an update is its input 0's.
  const root = new Map<string, string>();
  g.nodes.forEach((n, i) => {
    byId.set(n.id, n);
    position.set(n.id, i);
    const def = getOp(n.op);
    root.set(n.id, def?.alias || def?.assigns ? (root.get(n.inputs[0] ?? '') ?? n.id) : n.id);
  });
  const updates = g.outputs.updates ?? {};

  for (const [state, id] of Object.entries(updates)) {
    const s = byId.get(state);
    const u = byId.get(id);
    if (!s) problems.push(`an update is given for '${state}', which is not a node`);
    if (!u) problems.push(`the update of '${state}' names '${id}', which is not a node`);
    if (!s || !u) continue;
    if (!getOp(u.op)?.assigns || u.inputs[0] !== state) problems.push(`the update of '${state}' names '${id}', which does not write '${state}'`);
    if (s.op !== 'param' || s.attrs.role !== 'state' || s.attrs.trainable !== false) {
      problems.push(`'${id}' updates '${state}', which is not a state (a non-trainable param of role 'state')`);
    }
    if (!sameShape(s.type.shape, u.type.shape)) problems.push(`'${id}' writes ${formatShape(u.type.shape)} into '${state}' of ${formatShape(s.type.shape)}`);
  }

  for (const n of g.nodes) {
    if (!getOp(n.op)?.assigns) continue;
    const state = n.inputs[0]!;
    const listed = Object.hasOwn(updates, state) ? updates[state]! : undefined;
    if (listed === undefined) problems.push(`'${n.id}' writes '${state}' but is not among the graph's updates`);
    else if (listed !== n.id) problems.push(`'${state}' is updated twice in one step, by '${listed}' and by '${n.id}'`);
  }

  // Readers after the update, through any view of the state.
  for (const [state, id] of Object.entries(updates)) {
    const at = position.get(id);
    if (at === undefined) continue;
    for (const n of g.nodes.slice(at + 1)) {
      if (getOp(n.op)?.assigns && n.inputs[0] === state) continue; // a second update, reported above
      const read = n.inputs.find((i) => root.get(i) === state);
      if (read !== undefined) problems.push(`'${n.id}' reads '${read}' after '${id}' updated '${state}': readers must see the step's old value`);
    }
  }
  return problems;
}
