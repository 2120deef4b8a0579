/**
 * The one constructor of IR nodes: it looks the op up in the registry, checks the number of
 * inputs and infers the output type with the op's shape rule. Lowering and every pass make
 * nodes through here, so no node exists whose shape the registry did not compute.
 */
import type { SourceLoc } from '../diagnostics/diagnostics.js';
import { Messages } from '../diagnostics/messages.js';
import { getOp } from './ops/index.js';
import { isProblem, type ShapeProblem } from './registry.js';
import type { Attrs, Node } from './types.js';

export interface NodeMeta {
  readonly id: string;
  readonly layer: string;
  readonly loc: SourceLoc;
}

export function makeNode(op: string, inputs: readonly Node[], attrs: Attrs, meta: NodeMeta): Node | ShapeProblem {
  const def = getOp(op);
  if (!def) return { problem: (loc) => Messages.Internal.at(loc, `unknown IR op '${op}'`) };
  const arityOk =
    def.arity === 'variadic' ? inputs.length >= 2 : Array.isArray(def.arity) ? def.arity.includes(inputs.length) : inputs.length === def.arity;
  if (!arityOk) {
    return {
      problem: (loc) =>
        Messages.Internal.at(loc, `${op} '${meta.id}' takes ${String(def.arity)} inputs, given ${inputs.length}`),
    };
  }
  const type = def.shape(
    inputs.map((i) => i.type),
    attrs,
    { layer: meta.layer, from: inputs.map((i) => i.layer || 'input') },
  );
  if (isProblem(type)) return type;
  return Object.freeze({ id: meta.id, op, inputs: inputs.map((i) => i.id), attrs, type, layer: meta.layer, loc: meta.loc });
}
