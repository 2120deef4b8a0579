/**
 * Hover: on a layer (any of its keys or values, or a reference to it: `inputs:`, `patch:`), the layer's
 * output shape, parameters and multiply-accumulates as `netc check` prints them; on a key, what
 * the schema says it means; on an op or an activation, what it computes.
 */
import { MarkupKind, type Hover } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { ACTIVATIONS } from '../ir/ops/activation.js';
import type { JsonSchema } from '../ir/registry.js';
import type { LayerSummary, Summary } from '../ir/summary.js';
import { describeAt, schemasAt } from './schema-nav.js';
import { pointAt, referencedLayer, valueAt, type Tree } from './yaml-point.js';

/** The summary to show shapes from, and whether it is of an earlier version of the text. */
export interface Shapes {
  readonly summary?: Summary;
  readonly stale: boolean;
}

const num = (n: number) => n.toLocaleString('en-US');

export function layerLine(l: LayerSummary): string {
  const op = l.activation ? `${l.op} (${l.activation})` : l.op;
  const fixed = l.fixed_params > 0 ? `, fixed ${num(l.fixed_params)}` : '';
  return `**${l.name}** \`${op}\` → output \`${l.shape.join('×')}\` · params ${num(l.params)}${fixed} · MACs ${num(l.macs)}`;
}

/** `shapes` is called only when the hover is about a layer (it may analyze the spec). */
export function hover(doc: TextDocument, tree: Tree, offset: number, schema: JsonSchema, shapes: () => Shapes): Hover | null {
  const point = pointAt(tree, offset);
  if (!point) return null;
  const { path } = point;
  const parts: string[] = [];
  const inLayer = path[0] === 'layers' && typeof path[1] === 'number';
  const layerName = referencedLayer(point) ?? (inLayer ? valueAt(tree.data, ['layers', path[1]!, 'name']) : undefined);
  if (typeof layerName === 'string') {
    const known = shapes();
    const layer = known.summary?.layers.find((l) => l.name === layerName);
    if (layer) parts.push(layerLine(layer) + (known.stale ? ' *(as of the last version without errors)*' : ''));
    else if (!known.summary && layerName !== 'input') parts.push(`**${layerName}**: shapes show once the spec has no errors`);
  }
  const last = path[path.length - 1];
  if (point.kind === 'key') {
    const about = describeAt(schema, tree.data, path);
    if (about) parts.push(`\`${String(last)}\`: ${about}`);
  } else if (last === 'op') {
    const about = schemasAt(schema, tree.data, path.slice(0, -1)).find((s) => typeof s.description === 'string')?.description;
    if (typeof about === 'string') parts.push(`\`${point.text}\`: ${about}`);
  } else if ((last === 'activation' || last === 'fn') && Object.hasOwn(ACTIVATIONS, point.text)) {
    parts.push(`\`${point.text}\`: ${ACTIVATIONS[point.text as keyof typeof ACTIVATIONS]}`);
  }
  if (parts.length === 0) return null;
  return {
    contents: { kind: MarkupKind.Markdown, value: parts.join('\n\n') },
    range: { start: doc.positionAt(point.start), end: doc.positionAt(point.end) },
  };
}
