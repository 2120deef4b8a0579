/**
 * Loading a spec: read the file, parse it with positions, resolve `extends` and `patch`, and
 * validate the result against the schema. Every problem is a diagnostic; nothing throws.
 *
 * `extends: ./base.yaml` starts from the base spec (itself possibly extending another). The
 * variant's own top-level keys then change it: mappings (`input`, `train`) merge key by key,
 * anything else (`layers`, `name`, `output`) is replaced. Then, in this order: `remove:` leaves
 * out base layers by name; `insert_after:` maps a layer name to new layers to put after it;
 * `patch:` maps a layer name to the attributes to change in that layer (`null` removes one).
 * Each merged value keeps the position of the file that wrote it, so an error in a patch
 * points into the variant.
 */
import { closeSync, fstatSync, openSync, readSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { hasErrors, type Diagnostic } from '../diagnostics/diagnostics.js';
import { Messages } from '../diagnostics/messages.js';
import { parseSource, SOURCE_LIMITS, SourceMap, type PathSegment } from './source.js';
import { suggest } from '../diagnostics/suggest.js';
import type { LoadedSpec, Spec, VariantEdit, VariantInfo } from './types.js';
import { validateSpec, type Schema } from './validate.js';
import { salvage, type Salvage } from './salvage.js';

export const MAX_EXTENDS_DEPTH = 8;

export interface LoadResult {
  /** present when the spec has no errors */
  readonly loaded?: LoadedSpec;
  readonly diagnostics: Diagnostic[];
  /** every file read, by the name diagnostics use, for printing source lines */
  readonly sources: Map<string, string>;
  /** when the schema found errors: what of the spec the later checks can still read */
  readonly partial?: Salvage;
}

type Doc = Record<string, unknown>;

/** The keys that edit a base spec's layers rather than replace a value. */
const EDITS = ['remove', 'insert_after', 'patch'] as const;

/** A variant's top-level keys that change what the base's layers compute. */
const OVERRIDES = ['input', 'preprocess', 'layers', 'output', 'train'];

/**
 * Values a person may write short, by where they are, and the key of the mapping each stands
 * for: `optimizer: adam` is `{ name: adam }`, as Keras accepts an optimizer's name. The schema
 * admits both; the loaded spec holds only the mapping, so every reader sees one form, and a
 * variant's mapping merges into a base's short form as into the mapping it stands for.
 */
const SHORTHANDS: readonly { readonly path: readonly PathSegment[]; readonly key: string }[] = [{ path: ['train', 'optimizer'], key: 'name' }];

/** The key a shorthand at `path` stands for, if a shorthand may be written there. */
const shorthandKey = (path: readonly PathSegment[]) => SHORTHANDS.find((s) => s.path.join('/') === path.join('/'))?.key;

/** Replace a short form at `path` by its mapping, which takes the short form's place in `map`. */
function expandShorthand(parent: Doc, path: readonly PathSegment[], map: SourceMap): void {
  const last = String(path[path.length - 1]);
  const key = shorthandKey(path);
  const value = Object.hasOwn(parent, last) ? parent[last] : undefined;
  if (key === undefined || typeof value !== 'string') return;
  setOwn(parent, last, { [key]: value });
  const at = map.get(path);
  if (at) map.set([...path, key], at);
}

interface Resolved {
  doc?: Doc;
  map: SourceMap;
  variant?: VariantInfo;
}

const isMapping = (v: unknown): v is Doc => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * `target[key] = value` as an own property whatever the key: a plain assignment to a key
 * `__proto__` (which YAML allows) would replace the object's prototype instead, and the schema
 * would then see inherited attributes that no file wrote.
 */
function setOwn(target: Doc, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/** What reading a spec file found: its text, or why there is none. */
type FileRead =
  | { readonly text: string }
  | { readonly missing: true }
  | { readonly notAFile: string }
  | { readonly tooLarge: number }
  | { readonly error: string };

/**
 * Read a spec file without trusting it: only regular files (a FIFO would block for ever and a
 * device such as /dev/zero never ends), and never more than the size limit plus one byte.
 */
export function readSpecFile(file: string): FileRead {
  let fd: number | undefined;
  try {
    const st = statSync(file);
    if (st.isDirectory()) return { notAFile: 'a folder' };
    if (!st.isFile()) return { notAFile: 'a device, pipe or socket' };
    if (st.size > SOURCE_LIMITS.maxBytes) return { tooLarge: st.size };
    fd = openSync(file, 'r');
    const size = fstatSync(fd).size;
    if (size > SOURCE_LIMITS.maxBytes) return { tooLarge: size };
    const buf = Buffer.alloc(SOURCE_LIMITS.maxBytes + 1);
    let n = 0;
    for (let got = -1; got !== 0 && n < buf.length; n += got) got = readSync(fd, buf, n, buf.length - n, null);
    if (n > SOURCE_LIMITS.maxBytes) return { tooLarge: n };
    return { text: buf.toString('utf8', 0, n) };
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return { missing: true };
    if (!code) return { error: (e as Error).message };
    // a system error says "ELOOP: too many symbolic links encountered, stat 'x'": keep what, not the call
    const what = (e as Error).message.split(',')[0]!;
    return { error: what.startsWith(`${code}:`) ? what : `${code}: ${what}` };
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

export interface SpecLoadOptions {
  /** the schema to validate with: the one the op registry builds (default: the committed file) */
  readonly schema?: Schema;
  /**
   * Texts that stand for files, by absolute path: an editor's unsaved buffers. A file found here
   * is read from here (a spec and the bases it extends alike); any other from disk.
   */
  readonly texts?: ReadonlyMap<string, string>;
}

export function loadSpec(file: string, options: SpecLoadOptions = {}): LoadResult {
  const sources = new Map<string, string>();
  const diagnostics: Diagnostic[] = [];
  const r = resolveFile(file, [], sources, diagnostics, options.texts ?? new Map());
  // A mistake in a patch or remove leaves the rest of the variant to check.
  if (!r.doc) return { diagnostics, sources };
  diagnostics.push(...validateSpec(r.doc, r.map, options.schema));
  if (hasErrors(diagnostics)) {
    const partial = salvage(file, r.doc, r.map, sources, options.schema);
    if (partial) expandShorthands(partial.loaded.spec as unknown as Doc, r.map);
    const withVariant = partial && r.variant ? { ...partial, loaded: { ...partial.loaded, variant: r.variant } } : partial;
    return { diagnostics, sources, ...(withVariant ? { partial: withVariant } : {}) };
  }
  expandShorthands(r.doc, r.map);
  return { loaded: { file, spec: r.doc as unknown as Spec, map: r.map, sources, ...(r.variant ? { variant: r.variant } : {}) }, diagnostics, sources };
}

function expandShorthands(doc: Doc, map: SourceMap): void {
  for (const { path } of SHORTHANDS) {
    const parent = path.slice(0, -1).reduce<unknown>((o, k) => (isMapping(o) && Object.hasOwn(o, k) ? o[k] : undefined), doc);
    if (isMapping(parent)) expandShorthand(parent, path, map);
  }
}

/** Read one file and everything it extends, merged, not yet validated. */
function resolveFile(file: string, chain: string[], sources: Map<string, string>, out: Diagnostic[], texts: ReadonlyMap<string, string>): Resolved {
  const map = new SourceMap(file);
  const open = texts.get(resolve(file));
  const read = open !== undefined ? { text: open } : readSpecFile(file);
  if (!('text' in read)) {
    if ('notAFile' in read) out.push(Messages.NotAFile.at(undefined, file, read.notAFile));
    else if ('tooLarge' in read) out.push(Messages.FileTooLarge.at({ file, line: 1, column: 1, length: 0 }, read.tooLarge, SOURCE_LIMITS.maxBytes));
    else out.push(Messages.CannotRead.at(undefined, file, 'missing' in read ? 'no such file' : read.error));
    return { map };
  }
  const text = read.text;
  sources.set(file, text);
  const parsed = parseSource(file, text);
  out.push(...parsed.diagnostics);
  // a file with only repaired mistakes in its { } and [ ] comes with its repaired value, checked on
  if (parsed.diagnostics.length > 0 && parsed.value === undefined) return { map };
  const doc = parsed.value;
  if (!isMapping(doc)) {
    out.push(Messages.NotAMapping.at(parsed.map.locate([]), doc === null || doc === undefined ? 'nothing' : Array.isArray(doc) ? 'a list' : 'a single value'));
    return { map };
  }
  if (doc.extends === undefined) {
    for (const key of EDITS) {
      if (doc[key] !== undefined) out.push(Messages.PatchWithoutExtends.at(parsed.map.locate([key], 'key'), key));
    }
    return { doc, map: parsed.map };
  }
  return extend(file, doc, parsed.map, chain, sources, out, texts);
}

function extend(
  file: string,
  doc: Doc,
  map: SourceMap,
  chain: string[],
  sources: Map<string, string>,
  out: Diagnostic[],
  texts: ReadonlyMap<string, string>,
): Resolved {
  const at = (path: PathSegment[], which: 'key' | 'value' = 'value') => map.locate(path, which);
  if (typeof doc.extends !== 'string' || doc.extends === '') {
    out.push(Messages.WrongType.at(at(['extends']), "'extends'", 'the path of a base spec', JSON.stringify(doc.extends)));
    return { map };
  }
  const here = [...chain, resolve(file)];
  if (here.length > MAX_EXTENDS_DEPTH) {
    out.push(Messages.ExtendsTooDeep.at(at(['extends']), MAX_EXTENDS_DEPTH));
    return { map };
  }
  const baseFile = isAbsolute(doc.extends) ? doc.extends : join(dirname(file), doc.extends);
  if (here.includes(resolve(baseFile))) {
    const names = [...here.slice(here.indexOf(resolve(baseFile))), resolve(baseFile)];
    out.push(Messages.ExtendsCycle.at(at(['extends']), names.map((p) => p.split(/[\\/]/).pop()!)));
    return { map };
  }
  const kind = texts.has(resolve(baseFile)) ? 'file' : fileKind(baseFile);
  if (kind === 'missing') {
    out.push(Messages.ExtendsMissing.at(at(['extends']), doc.extends));
    return { map };
  }
  if (kind !== 'file') {
    out.push(Messages.ExtendsNotAFile.at(at(['extends']), doc.extends, kind));
    return { map };
  }
  const base = resolveFile(baseFile, here, sources, out, texts);
  if (!base.doc) {
    out.push(Messages.BaseHasErrors.at(at(['extends']), baseFile));
    return { map };
  }

  // Start from the base, with the base's positions; the variant's root is the variant.
  const merged = structuredClone(base.doc);
  const mmap = new SourceMap(file);
  mmap.graft(base.map, [], []);
  mmap.set([], map.get([]) ?? { value: map.locate([]) });
  for (const [key, value] of Object.entries(doc)) {
    if (key === 'extends' || (EDITS as readonly string[]).includes(key)) continue;
    mergeInto(merged, key, value, [key], map, mmap);
  }
  delete merged.extends;
  const edits: VariantEdit[] = Object.keys(doc)
    .filter((key) => OVERRIDES.includes(key))
    .map((key) => ({ loc: map.locate([key], 'key'), what: `'${key}'` }));
  if (doc.remove !== undefined || doc.insert_after !== undefined) {
    editLayers(merged, doc, map, mmap, baseFile, out, edits);
  }
  if (doc.patch !== undefined) applyPatch(merged, doc.patch, map, mmap, baseFile, out, edits);
  return { doc: merged, map: mmap, variant: { base: baseFile, edits } };
}

/** 'file', 'missing', or what the path is instead ('a folder', ...); never blocks. */
function fileKind(path: string): string {
  try {
    const st = statSync(path);
    return st.isFile() ? 'file' : st.isDirectory() ? 'a folder' : 'a device, pipe or socket';
  } catch {
    return 'missing';
  }
}

interface LayerEntry {
  readonly value: unknown;
  readonly map: SourceMap;
  readonly path: PathSegment[];
}

/** Apply `remove` and `insert_after`, then renumber the layers' positions. */
function editLayers(merged: Doc, doc: Doc, map: SourceMap, mmap: SourceMap, baseFile: string, out: Diagnostic[], edits: VariantEdit[]): void {
  const old = new SourceMap(mmap.file);
  old.graft(mmap, ['layers'], ['layers']);
  const layers = Array.isArray(merged.layers) ? (merged.layers as unknown[]) : [];
  let entries: LayerEntry[] = layers.map((value, i) => ({ value, map: old, path: ['layers', i] }));
  const nameOf = (e: LayerEntry) => (isMapping(e.value) ? String(e.value.name) : '');
  const names = () => entries.map(nameOf);
  const unknown = (key: string, path: PathSegment[], which: 'key' | 'value', name: string) =>
    out.push(Messages.PatchUnknownLayer.at(map.locate(path, which), key, name, baseFile, suggest(name, names())));

  if (doc.remove !== undefined) {
    const remove = Array.isArray(doc.remove) ? doc.remove : [];
    if (!Array.isArray(doc.remove)) out.push(Messages.WrongType.at(map.locate(['remove']), "'remove'", 'a list of layer names', typeof doc.remove));
    remove.forEach((name, k) => {
      if (!names().includes(String(name))) unknown('remove', ['remove', k], 'value', String(name));
      else {
        const next = names()[names().indexOf(String(name)) + 1];
        edits.push({ ...(next !== undefined ? { anchor: next } : {}), loc: map.locate(['remove', k]), what: `remove: [${String(name)}]` });
        entries = entries.filter((e) => nameOf(e) !== String(name));
      }
    });
  }
  if (doc.insert_after !== undefined) {
    const ins = doc.insert_after;
    if (!isMapping(ins)) {
      out.push(Messages.WrongType.at(map.locate(['insert_after']), "'insert_after'", 'a mapping from layer name to a list of new layers', typeof ins));
    } else {
      for (const [after, list] of Object.entries(ins)) {
        const i = names().indexOf(after);
        if (i < 0) {
          unknown('insert_after', ['insert_after', after], 'key', after);
          continue;
        }
        if (!Array.isArray(list)) {
          out.push(Messages.WrongType.at(map.locate(['insert_after', after]), `insert_after of '${after}'`, 'a list of layers', typeof list));
          continue;
        }
        const first = list.find(isMapping)?.name;
        const anchor = typeof first === 'string' ? first : names()[i + 1];
        edits.push({ ...(anchor !== undefined ? { anchor } : {}), loc: map.locate(['insert_after', after], 'key'), what: `insert_after: { ${after}: ... }` });
        entries.splice(i + 1, 0, ...list.map((value, k) => ({ value: structuredClone(value), map, path: ['insert_after', after, k] })));
      }
    }
  }
  const listLoc = mmap.get(['layers']);
  mmap.remove(['layers']);
  if (listLoc) mmap.set(['layers'], listLoc);
  entries.forEach((e, j) => mmap.graft(e.map, e.path, ['layers', j]));
  merged.layers = entries.map((e) => e.value);
}

/** Mappings merge key by key; anything else replaces what the base had. */
function mergeInto(target: Doc, key: string, value: unknown, path: PathSegment[], from: SourceMap, to: SourceMap): void {
  // Own keys only: `target['__proto__']` would otherwise be Object.prototype, and merging into it
  // would change every object in the process.
  if (isMapping(value)) expandShorthand(target, path, to);
  const current = Object.hasOwn(target, key) ? target[key] : undefined;
  if (isMapping(value) && isMapping(current)) {
    to.set(path, from.get(path) ?? { value: from.locate(path) });
    for (const [k, v] of Object.entries(value)) mergeInto(current, k, v, [...path, k], from, to);
    return;
  }
  setOwn(target, key, structuredClone(value));
  to.remove(path);
  to.graft(from, path, path);
}

function applyPatch(merged: Doc, patch: unknown, map: SourceMap, mmap: SourceMap, baseFile: string, out: Diagnostic[], edits: VariantEdit[]): void {
  if (!isMapping(patch)) {
    out.push(Messages.WrongType.at(map.locate(['patch']), "'patch'", 'a mapping from layer name to the attributes to change', typeof patch));
    return;
  }
  const layers = Array.isArray(merged.layers) ? (merged.layers as unknown[]) : [];
  const names = layers.map((l) => (isMapping(l) ? String(l.name) : ''));
  for (const [name, attrs] of Object.entries(patch)) {
    const i = names.indexOf(name);
    if (i < 0) {
      out.push(Messages.PatchUnknownLayer.at(map.locate(['patch', name], 'key'), 'patch', name, baseFile, suggest(name, names)));
      continue;
    }
    if (!isMapping(attrs)) {
      out.push(Messages.WrongType.at(map.locate(['patch', name]), `patch of '${name}'`, 'a mapping of attributes to change', attrs === null ? 'empty' : typeof attrs));
      continue;
    }
    const layer = layers[i] as Doc;
    edits.push({ anchor: name, loc: map.locate(['patch', name], 'key'), what: `patch: { ${name}: ... }` });
    for (const [attr, value] of Object.entries(attrs)) {
      if (attr === 'name') {
        out.push(Messages.PatchName.at(map.locate(['patch', name, attr], 'key'), name));
        continue;
      }
      const target: PathSegment[] = ['layers', i, attr];
      mmap.remove(target);
      if (value === null) {
        delete layer[attr];
        continue;
      }
      setOwn(layer, attr, structuredClone(value));
      mmap.graft(map, ['patch', name, attr], target);
    }
  }
}
