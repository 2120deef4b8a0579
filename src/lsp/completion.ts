/**
 * Completion. To learn where the cursor is in a half-written document, a placeholder word is
 * put at the cursor and the text parsed: the placeholder is then a key (`fi|` on a layer's line,
 * a blank line in a mapping) or a value (`op: |`, `inputs: [a, |`), with the path it sits at.
 * Keys come from the schema of the mapping there (a layer's by its op), values from the
 * schema's fixed sets (ops, activations, losses), layer names where a layer is referenced, the
 * specs beside this one at `extends:`.
 */
import { readdirSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { CompletionItemKind, type CompletionItem } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { ACTIVATIONS } from '../ir/ops/activation.js';
import type { JsonSchema } from '../ir/registry.js';
import type { PathSegment } from '../spec/source.js';
import { baseLayerNames, type SpecText } from './bases.js';
import { keysAt, schemasAt, valuesAt, type Choice } from './schema-nav.js';
import { parseTree, pointAt, valueAt, type Tree } from './yaml-point.js';

/** A word no spec contains, that YAML reads as a plain scalar wherever a key or value may stand. */
export const CURSOR = 'netc_cursor_9f3a';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function complete(
  doc: TextDocument,
  tree: Tree,
  offset: number,
  file: string,
  schema: JsonSchema,
  texts: ReadonlyMap<string, string>,
): CompletionItem[] {
  const text = doc.getText();
  const probe = parseTree(text.slice(0, offset) + CURSOR + text.slice(offset));
  const point = pointAt(probe, offset + 1);
  if (!point || !point.text.includes(CURSOR)) return [];
  // the placeholder's path without the placeholder, and the data without it
  const path = point.path.map((seg) => (typeof seg === 'string' ? seg.replace(CURSOR, '') : seg));
  const quoted = /['"]/.test(text.charAt(point.start));
  const range = { start: doc.positionAt(point.start + (quoted ? 1 : 0)), end: doc.positionAt(point.end - CURSOR.length - (quoted ? 1 : 0)) };
  const edit = (label: string, insert = label) => ({ range, newText: insert });
  const self: SpecText = { file, text, tree };

  if (point.kind === 'key' || wantsMapping(schema, probe.data, path)) {
    const parent = point.kind === 'key' ? path.slice(0, -1) : path;
    const present = valueAt(probe.data, parent);
    const taken = new Set(isObject(present) ? Object.keys(present).filter((k) => !k.includes(CURSOR)) : []);
    const layerNamesHere = layerReferenceKeys(parent) ? references(self, texts, parent) : undefined;
    const choices: Choice[] = layerNamesHere?.map((label) => ({ label, description: 'a layer of the base spec' })) ?? keysAt(schema, probe.data, parent);
    return choices
      .filter((c) => !taken.has(c.label))
      .map((c) => ({
        label: c.label,
        kind: layerNamesHere ? CompletionItemKind.Reference : CompletionItemKind.Property,
        ...(c.description ? { documentation: c.description } : {}),
        textEdit: edit(c.label, `${c.label}: `),
      }));
  }
  if (path.length === 1 && path[0] === 'extends') {
    return specFiles(file).map((label) => ({ label, kind: CompletionItemKind.File, textEdit: edit(label) }));
  }
  if (isLayerReference(path)) {
    return references(self, texts, path).map((label) => ({ label, kind: CompletionItemKind.Reference, detail: 'layer', textEdit: edit(label) }));
  }
  return valuesAt(schema, probe.data, path).map((c) => ({
    label: c.label,
    kind: path[path.length - 1] === 'op' ? CompletionItemKind.Class : CompletionItemKind.EnumMember,
    ...(documentation(c) ? { documentation: documentation(c)! } : {}),
    textEdit: edit(c.label),
  }));
}

/** The specs beside `file` that it may extend, as `./name.yaml`. */
function specFiles(file: string): string[] {
  try {
    const names = readdirSync(dirname(file), { withFileTypes: true }).filter((e) => e.isFile() && /\.ya?ml$/.test(e.name) && e.name !== basename(file));
    return names.map((e) => `./${e.name}`).sort();
  } catch {
    return []; // a folder that is gone or unreadable: nothing to offer
  }
}

/** An activation's formula, else the schema's note. */
const documentation = (c: Choice): string | undefined =>
  Object.hasOwn(ACTIVATIONS, c.label) ? ACTIVATIONS[c.label as keyof typeof ACTIVATIONS] : c.description;

/** A scalar where only a mapping may stand (`- |` in `layers:`): its keys are offered. */
function wantsMapping(schema: JsonSchema, data: unknown, path: readonly PathSegment[]): boolean {
  const options = schemasAt(schema, data, path);
  return options.length > 0 && options.every((s) => s.type === 'object' || s.discriminator !== undefined);
}

/** `inputs:` items, `remove:` items: values that name a layer. */
function isLayerReference(path: readonly PathSegment[]): boolean {
  const [a, , c] = path;
  return (a === 'layers' && c === 'inputs') || (a === 'remove' && path.length <= 2);
}

/** `patch:` and `insert_after:` are mappings keyed by the base's layer names. */
const layerReferenceKeys = (parent: readonly PathSegment[]) => parent.length === 1 && (parent[0] === 'patch' || parent[0] === 'insert_after');

/** The layer names a reference at `path` may name: the base's, then this file's layers before the one at `path`. */
function references(self: SpecText, texts: ReadonlyMap<string, string>, path: readonly PathSegment[]): string[] {
  const base = baseLayerNames(self, texts);
  const layers = valueAt(self.tree.data, ['layers']);
  const own = Array.isArray(layers) ? layers : [];
  const before = path[0] === 'layers' && typeof path[1] === 'number' ? own.slice(0, path[1]) : path[0] === 'layers' ? own : [];
  const names = before.map((l) => (isObject(l) && typeof l.name === 'string' ? l.name : undefined)).filter((n): n is string => Boolean(n));
  const all = path[0] === 'layers' ? ['input', ...base, ...names] : base;
  return [...new Set(all)];
}
