/**
 * Go to definition: from a layer's name where it is referenced (`inputs:`, `remove:`, the keys
 * of `patch:` and `insert_after:`) to the `name:` that defines it, in this file or the base it
 * extends; from `extends:` to the base file.
 */
import type { Location } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { extendsPath, findLayer, readText } from './bases.js';
import { pathToUri } from './uris.js';
import { pointAt, referencedLayer, type Tree } from './yaml-point.js';

export function definition(
  doc: TextDocument,
  tree: Tree,
  offset: number,
  file: string,
  texts: ReadonlyMap<string, string>,
  uris: ReadonlyMap<string, string>,
): Location | null {
  const text = doc.getText();
  const point = pointAt(tree, offset);
  if (!point) return null;
  if (point.kind === 'value' && point.path.length === 1 && point.path[0] === 'extends') {
    const base = extendsPath(file, tree.data);
    if (base === undefined || readText(base, texts) === undefined) return null;
    const start = { line: 0, character: 0 };
    return { uri: pathToUri(base, uris), range: { start, end: start } };
  }
  const name = referencedLayer(point);
  if (name === undefined) return null;
  const at = findLayer(name, { file, text, tree }, texts);
  if (!at) return null;
  const there = at.file === file ? doc : TextDocument.create('file:///', 'yaml', 0, at.text);
  return { uri: at.file === file ? doc.uri : pathToUri(at.file, uris), range: { start: there.positionAt(at.start), end: there.positionAt(at.end) } };
}
