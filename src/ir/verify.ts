/**
 * The verifier: checks a whole graph after lowering and after every pass — ids unique, every
 * input defined before it is read (so the graph is acyclic and in topological order), ops known,
 * and every node's type what the registry's shape rule gives for its inputs now.
 * Returns the problems found; an empty list means the graph is sound.
 */
import { makeNode } from './build.js';
import { isProblem } from './registry.js';
import { formatShape, sameShape, type Graph, type Node } from './types.js';

export function verifyGraph(g: Graph): string[] {
  const problems: string[] = [];
  const defined = new Map<string, Node>();
  for (const n of g.nodes) {
    if (defined.has(n.id)) problems.push(`'${n.id}' is defined twice`);
    const ins: Node[] = [];
    for (const i of n.inputs) {
      const src = defined.get(i);
      if (!src) problems.push(`'${n.id}' reads '${i}', which is not defined before it`);
      else ins.push(src);
    }
    if (ins.length === n.inputs.length) {
      const again = makeNode(n.op, ins, n.attrs, n);
      if (isProblem(again)) problems.push(`'${n.id}' (${n.op}) fails its shape rule: ${again.problem(undefined).message}`);
      else if (!sameShape(again.type.shape, n.type.shape)) {
        problems.push(`'${n.id}' (${n.op}) claims ${formatShape(n.type.shape)} but its inputs give ${formatShape(again.type.shape)}`);
      }
    }
    defined.set(n.id, n);
  }
  const outs = g.outputs;
  for (const [role, id] of [['prediction', outs.prediction], ['loss', outs.loss], ['scores', outs.scores]] as const) {
    if (id !== undefined && !defined.has(id)) problems.push(`the ${role} output '${id}' is not a node`);
  }
  for (const [param, grad] of Object.entries(outs.gradients ?? {})) {
    if (!defined.has(param)) problems.push(`a gradient is given for '${param}', which is not a node`);
    if (!defined.has(grad)) problems.push(`the gradient of '${param}' names '${grad}', which is not a node`);
  }
  return problems;
}
