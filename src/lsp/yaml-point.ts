/**
 * What sits at an offset of a YAML text, for hover, completion and go-to-definition: the path of
 * the key or value under the cursor ("/layers/2/inputs/0") and its range. The yaml library's
 * parser keeps a tree for text with errors too (a half-typed line, an unclosed bracket), so this
 * works while a person types; nothing here throws.
 */
import { isMap, isScalar, isSeq, parseDocument, type Document, type Node } from 'yaml';
import type { PathSegment } from '../spec/source.js';

export interface Point {
  /** the path of the key or value; for a key, the path of the value it names */
  readonly path: PathSegment[];
  readonly kind: 'key' | 'value';
  /** the scalar's text as written (a number or a name) */
  readonly text: string;
  /** offsets of the scalar in the text */
  readonly start: number;
  readonly end: number;
}

/** A text parsed leniently: the tree, and the document as plain data (undefined when it has none). */
export interface Tree {
  readonly doc: Document;
  readonly data: unknown;
}

export function parseTree(text: string): Tree {
  const doc = parseDocument(text, { strict: false, uniqueKeys: false, logLevel: 'silent', prettyErrors: false });
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 100 });
  } catch {
    data = undefined; // an alias bomb or an unknown anchor: no data, the tree still serves
  }
  return { doc, data };
}

const within = (node: Node | null | undefined, offset: number): boolean =>
  Boolean(node?.range) && node!.range![0] <= offset && offset <= node!.range![1];

const keyName = (key: unknown): string => (isScalar(key) ? String(key.value) : String(key));

function scalarPoint(node: Node, path: PathSegment[], kind: 'key' | 'value'): Point {
  const [start, end] = node.range!;
  return { path, kind, text: isScalar(node) ? String(node.value ?? '') : '', start, end };
}

/** The scalar key or value at `offset`, inclusive of its end (where a cursor sits while typing). */
export function pointAt(tree: Tree, offset: number): Point | undefined {
  const walk = (node: Node | null | undefined, path: PathSegment[]): Point | undefined => {
    if (!node || !within(node, offset)) return undefined;
    if (isMap(node)) {
      for (const pair of node.items) {
        const key = pair.key as Node | null;
        const value = pair.value as Node | null;
        const here = [...path, keyName(key)];
        if (key && within(key, offset) && isScalar(key)) return scalarPoint(key, here, 'key');
        const hit = walk(value, here);
        if (hit) return hit;
      }
      return undefined;
    }
    if (isSeq(node)) {
      for (const [i, item] of node.items.entries()) {
        const hit = walk(item as Node, [...path, i]);
        if (hit) return hit;
      }
      return undefined;
    }
    return isScalar(node) ? scalarPoint(node, path, 'value') : undefined;
  };
  return walk(tree.doc.contents as Node | null, []);
}

/** The plain value at `path` in the data, if there is one. */
export function valueAt(data: unknown, path: readonly PathSegment[]): unknown {
  let here = data;
  for (const seg of path) {
    if (typeof here !== 'object' || here === null || !Object.hasOwn(here, seg)) return undefined;
    here = (here as Record<string | number, unknown>)[seg];
  }
  return here;
}

/** Where each layer's `name:` value is written: name → its offsets. */
export function layerNames(tree: Tree): Map<string, { start: number; end: number }> {
  const out = new Map<string, { start: number; end: number }>();
  const layers = isMap(tree.doc.contents) ? tree.doc.contents.get('layers', true) : undefined;
  if (!isSeq(layers)) return out;
  for (const item of layers.items) {
    if (!isMap(item)) continue;
    const name = item.get('name', true);
    if (isScalar(name) && name.range && !out.has(String(name.value))) out.set(String(name.value), { start: name.range[0], end: name.range[1] });
  }
  return out;
}

/**
 * Whether a text is (or is becoming) a netc spec: empty, or a mapping with a key only a spec has
 * at its top (`netc`, `layers`, `extends`). An editor's client hands the server every YAML file
 * (CI workflows, configs); those get no diagnostics and no completion from netc.
 */
export function looksLikeSpec(text: string, tree: Tree): boolean {
  if (text.trim() === '') return true;
  const top = tree.doc.contents;
  return isMap(top) && ['netc', 'layers', 'extends'].some((k) => top.has(k));
}

/**
 * The layer name a point refers to, if it is a reference: an `inputs:` item, a `remove:` item,
 * a key of `patch:` or `insert_after:`.
 */
export function referencedLayer(point: Point): string | undefined {
  const p = point.path;
  if (point.kind === 'value' && p[0] === 'layers' && typeof p[1] === 'number' && p[2] === 'inputs') return point.text;
  if (point.kind === 'value' && p[0] === 'remove' && p.length <= 2) return point.text;
  if (point.kind === 'key' && p.length === 2 && (p[0] === 'patch' || p[0] === 'insert_after')) return String(p[1]);
  return undefined;
}
