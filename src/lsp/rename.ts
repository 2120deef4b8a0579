/**
 * Rename a layer, from its `name:` or from any place that names it: every place in the document
 * that names the layer is rewritten — the layers' `name:`s, `inputs:` items, `output:`, `remove:`
 * items, the keys of `patch:` and `insert_after:`, the names and inputs of the layers
 * `insert_after:` adds, and `inputs:` in a patch. A layer the document does not define (one of
 * the base it extends) is renamed in the base, so the request is refused, saying so. Specs that
 * extend this one are not rewritten: their diagnostics show a name that is gone.
 */
import { ResponseError, type Range, type WorkspaceEdit } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { isMap, isScalar, isSeq, type Node } from 'yaml';
import type { PathSegment } from '../spec/source.js';
import { LAYER_NAME } from '../spec/names.js';
import { pointAt, type Point, type Tree } from './yaml-point.js';

/** A scalar that names a layer: where it is written, and whether it defines the layer. */
interface Naming {
  readonly name: string;
  readonly start: number;
  readonly end: number;
  readonly defines: boolean;
}

/** JSON-RPC's code for a request the server refuses (the LSP's RequestFailed). */
const REFUSED = -32803;

/** A path with wildcards: '#' any list index, '*' any key. */
type Pattern = readonly string[];
const DEFINITIONS: readonly Pattern[] = [
  ['layers', '#', 'name'],
  ['insert_after', '*', '#', 'name'],
];
const REFERENCES: readonly Pattern[] = [
  ['layers', '#', 'inputs', '#'],
  ['output'],
  ['remove', '#'],
  ['insert_after', '*', '#', 'inputs', '#'],
  ['patch', '*', 'inputs', '#'],
];
/** keys that are layer names */
const KEYS: readonly Pattern[] = [['patch', '*'], ['insert_after', '*']];

const matches = (path: readonly PathSegment[], pattern: Pattern): boolean =>
  path.length === pattern.length &&
  pattern.every((p, i) => (p === '#' ? typeof path[i] === 'number' : p === '*' ? typeof path[i] === 'string' : path[i] === p));

/** Whether the scalar at `path` (a key or a value) names a layer, and whether it defines it. */
function role(path: readonly PathSegment[], kind: 'key' | 'value'): 'defines' | 'refers' | undefined {
  if (kind === 'key') return KEYS.some((p) => matches(path, p)) ? 'refers' : undefined;
  if (DEFINITIONS.some((p) => matches(path, p))) return 'defines';
  return REFERENCES.some((p) => matches(path, p)) ? 'refers' : undefined;
}

/** Every scalar of the document that names a layer. */
function namings(tree: Tree): Naming[] {
  const out: Naming[] = [];
  const add = (node: Node | null | undefined, path: PathSegment[], kind: 'key' | 'value') => {
    const r = role(path, kind);
    if (r && isScalar(node) && node.range && node.value !== null) out.push({ name: String(node.value), start: node.range[0], end: node.range[1], defines: r === 'defines' });
  };
  const walk = (node: Node | null | undefined, path: PathSegment[]): void => {
    if (isMap(node)) {
      for (const pair of node.items) {
        const key = pair.key as Node | null;
        const name = isScalar(key) ? String(key.value) : String(key);
        add(key, [...path, name], 'key');
        walk(pair.value as Node | null, [...path, name]);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => walk(item as Node, [...path, i]));
    } else add(node, path, 'value');
  };
  walk(tree.doc.contents as Node | null, []);
  return out;
}

/** The layer name under the cursor, where the cursor is on one. */
function layerAt(tree: Tree, offset: number): Point | undefined {
  const point = pointAt(tree, offset);
  return point && role(point.path, point.kind) ? point : undefined;
}

const rangeOf = (doc: TextDocument, start: number, end: number): Range => ({ start: doc.positionAt(start), end: doc.positionAt(end) });

/** Where a rename may start: the name under the cursor, or a refusal saying why not. */
export function prepareRename(doc: TextDocument, tree: Tree, offset: number): { range: Range; placeholder: string } | ResponseError | null {
  const point = layerAt(tree, offset);
  if (!point) return null;
  if (point.text === 'input') return new ResponseError(REFUSED, "'input' is the network's input, not a layer: it cannot be renamed");
  if (!namings(tree).some((n) => n.defines && n.name === point.text)) {
    return new ResponseError(REFUSED, `layer '${point.text}' is not defined in this spec (it comes from the spec it extends): rename it there`);
  }
  return { range: rangeOf(doc, point.start, point.end), placeholder: point.text };
}

/** Every place the document names the layer under the cursor, rewritten to `newName`. */
export function rename(doc: TextDocument, tree: Tree, offset: number, newName: string): WorkspaceEdit | ResponseError | null {
  const ready = prepareRename(doc, tree, offset);
  if (!ready || ready instanceof ResponseError) return ready;
  const old = ready.placeholder;
  if (!new RegExp(LAYER_NAME.pattern).test(newName) || newName.length > LAYER_NAME.maxLength) {
    return new ResponseError(REFUSED, `'${newName}' is not a valid layer name: start with a letter or _, then use only letters, digits and _, at most ${LAYER_NAME.maxLength} characters`);
  }
  if (newName === 'input') return new ResponseError(REFUSED, "'input' names the network's input: choose another name");
  const all = namings(tree);
  if (newName !== old && all.some((n) => n.defines && n.name === newName)) return new ResponseError(REFUSED, `a layer named '${newName}' already exists: choose another name`);
  const edits = all.filter((n) => n.name === old).map((n) => ({ range: rangeOf(doc, n.start, n.end), newText: newName }));
  return { changes: { [doc.uri]: edits } };
}
