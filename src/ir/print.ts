/**
 * The IR's one text form: stable (attributes in key order, nodes in graph order) so that it can
 * be diffed, committed as test expectations and printed after each pass.
 *
 *   graph lenet5 {
 *     %c1: f32[N,24,24,6] = conv2d(%input, %c1.w, %c1.b) {filters=6, kernel=[5,5], ...}  # c1
 *   }
 */
import type { AttrValue, Graph, Node } from './types.js';

function attr(v: AttrValue): string {
  // long value lists (RBF prototypes) print their start and their length
  if (Array.isArray(v) && v.length > 16 && !Array.isArray(v[0])) return `[${v.slice(0, 4).join(',')},… ${v.length} values]`;
  if (Array.isArray(v)) return `[${v.map((x) => attr(x as AttrValue)).join(',')}]`;
  return String(v);
}

/** `{filters=6, kernel=[5,5]}` in key order, or '' when there are none. */
export function formatAttrs(attrs: Node['attrs'], skip: readonly string[] = []): string {
  const keys = Object.keys(attrs)
    .filter((k) => !skip.includes(k))
    .sort();
  return keys.length > 0 ? ` {${keys.map((k) => `${k}=${attr(attrs[k]!)}`).join(', ')}}` : '';
}

export function printNode(n: Node): string {
  // An input's or parameter's `shape` attribute is its type, printed already.
  const attrs = formatAttrs(n.attrs, n.op === 'input' || n.op === 'param' ? ['shape'] : []);
  const args = n.inputs.map((i) => `%${i}`).join(', ');
  return `%${n.id}: ${n.type.dtype}[${n.type.shape.join(',')}] = ${n.op}(${args})${attrs}`;
}

export function printGraph(g: Graph): string {
  const lines = [`graph ${g.name} {`, ...g.nodes.map((n) => '  ' + printNode(n)), '}'];
  const o = g.outputs;
  const roles: string[] = [];
  if (o.prediction) roles.push(`prediction=%${o.prediction}`);
  if (o.loss) roles.push(`loss=%${o.loss}`);
  if (o.scores) roles.push(`scores=%${o.scores}`);
  lines.push(`outputs: ${roles.join(' ')}`);
  for (const [p, gr] of Object.entries(o.gradients ?? {})) lines.push(`gradient: %${p} <- %${gr}`);
  for (const [s, u] of Object.entries(o.updates ?? {})) lines.push(`update: %${s} <- %${u}`);
  if (g.plan) {
    const pl = g.plan;
    lines.push(`memory: batch ${pl.batch}, ${pl.plannedFloats} floats planned for ${pl.naiveFloats} in buffers, arena ends at ${pl.end}`);
    for (const n of g.nodes) if (pl.offsets[n.id] !== undefined) lines.push(`  %${n.id} @ ${pl.offsets[n.id]} +${pl.sizes[n.id]}`);
  }
  return lines.join('\n') + '\n';
}
