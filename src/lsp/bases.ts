/**
 * The specs a document extends, read as an editor sees them: from its open buffers when open,
 * from disk otherwise; each parsed leniently, for the layer names they define and where.
 */
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { MAX_EXTENDS_DEPTH, readSpecFile } from '../spec/load.js';
import { layerNames, parseTree, valueAt, type Tree } from './yaml-point.js';

export interface SpecText {
  /** absolute path */
  readonly file: string;
  readonly text: string;
  readonly tree: Tree;
}

/** The text of a file: the open buffer's, or the file's on disk; undefined when unreadable. */
export function readText(file: string, texts: ReadonlyMap<string, string>): string | undefined {
  const open = texts.get(resolve(file));
  if (open !== undefined) return open;
  const read = readSpecFile(file);
  return 'text' in read ? read.text : undefined;
}

/** The absolute path `extends:` names in a document, if it names one. */
export function extendsPath(file: string, data: unknown): string | undefined {
  const base = valueAt(data, ['extends']);
  if (typeof base !== 'string' || base === '') return undefined;
  return resolve(isAbsolute(base) ? base : join(dirname(file), base));
}

/** The bases of a document, nearest first, as far as they can be read (a cycle stops the chain). */
export function baseChain(file: string, tree: Tree, texts: ReadonlyMap<string, string>): SpecText[] {
  const chain: SpecText[] = [];
  const seen = new Set([resolve(file)]);
  let next = extendsPath(file, tree.data);
  while (next !== undefined && !seen.has(next) && chain.length < MAX_EXTENDS_DEPTH) {
    seen.add(next);
    const text = readText(next, texts);
    if (text === undefined) break;
    const base = { file: next, text, tree: parseTree(text) };
    chain.push(base);
    next = extendsPath(next, base.tree.data);
  }
  return chain;
}

/** Where a layer name is defined: in the document itself, else in the nearest base that has it. */
export function findLayer(
  name: string,
  self: SpecText,
  texts: ReadonlyMap<string, string>,
): { file: string; text: string; start: number; end: number } | undefined {
  for (const spec of [self, ...baseChain(self.file, self.tree, texts)]) {
    const at = layerNames(spec.tree).get(name);
    if (at) return { file: spec.file, text: spec.text, ...at };
  }
  return undefined;
}

/** Every layer name of the bases, nearest base first. */
export function baseLayerNames(self: SpecText, texts: ReadonlyMap<string, string>): string[] {
  return [...new Set(baseChain(self.file, self.tree, texts).flatMap((b) => [...layerNames(b.tree).keys()]))];
}
