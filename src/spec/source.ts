/**
 * Reading a spec file: YAML with the source position of every key and value, so that any later
 * error — from the schema, the graph, a shape rule — can point at the line to fix.
 *
 * Positions are kept in a map from JSON pointer ("/layers/2/kernel") to where the key and the
 * value sit in the file. Pointers are the same ones ajv reports, and `extends` merges maps from
 * several files, so a position remembers its file.
 */
import { CST, isAlias, isMap, isPair, isScalar, isSeq, Lexer, LineCounter, parseDocument, visit, type Document, type Node, type YAMLError } from 'yaml';
import type { Diagnostic, SourceLoc } from '../diagnostics/diagnostics.js';
import { Messages } from '../diagnostics/messages.js';
import { repairFlows } from './flow-mistakes.js';
import { indentMistakes } from './indentation.js';

/** Limits no real spec comes near; past them the input is a mistake or an attack. */
export const SOURCE_LIMITS = {
  maxBytes: 1 << 20,
  maxDepth: 32,
  maxAliasCount: 100,
  maxNodes: 50_000,
} as const;

export interface Located {
  readonly key?: SourceLoc;
  readonly value: SourceLoc;
}

export type PathSegment = string | number;

export function pointer(path: readonly PathSegment[]): string {
  return path.map((s) => '/' + String(s).replace(/~/g, '~0').replace(/\//g, '~1')).join('');
}

export function parsePointer(p: string): string[] {
  if (p === '') return [];
  return p
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** Where each part of a (possibly merged) spec document came from. */
export class SourceMap {
  constructor(
    readonly file: string,
    private readonly entries: Map<string, Located> = new Map(),
  ) {}

  set(path: readonly PathSegment[], loc: Located): void {
    this.entries.set(pointer(path), loc);
  }

  get(path: readonly PathSegment[]): Located | undefined {
    return this.entries.get(pointer(path));
  }

  /**
   * The place of the key or value at `path`; when that exact place is unknown (a default that was
   * filled in, a missing key), the nearest enclosing one.
   */
  locate(path: readonly PathSegment[], which: 'key' | 'value' = 'value'): SourceLoc {
    for (let n = path.length; n >= 0; n--) {
      const hit = this.entries.get(pointer(path.slice(0, n)));
      if (hit) return (which === 'key' && n === path.length && hit.key) || hit.value;
    }
    return { file: this.file, line: 1, column: 1, length: 0 };
  }

  /** Copy every entry under `from` in `other` to sit under `to` here. */
  graft(other: SourceMap, from: readonly PathSegment[], to: readonly PathSegment[]): void {
    const prefix = pointer(from);
    const target = pointer(to);
    for (const [p, loc] of other.entries) {
      if (p === prefix || p.startsWith(prefix + '/')) this.entries.set(target + p.slice(prefix.length), loc);
    }
  }

  /** Drop every entry at or under `path`. */
  remove(path: readonly PathSegment[]): void {
    const prefix = pointer(path);
    for (const p of [...this.entries.keys()]) {
      if (p === prefix || p.startsWith(prefix + '/')) this.entries.delete(p);
    }
  }
}

export interface ParsedSource {
  readonly file: string;
  readonly text: string;
  /** The document as plain data; undefined when it could not be parsed. */
  readonly value: unknown;
  readonly map: SourceMap;
  readonly diagnostics: Diagnostic[];
}

/** Parse YAML text; every problem becomes a diagnostic, nothing throws. */
export function parseSource(file: string, text: string): ParsedSource {
  const map = new SourceMap(file);
  const fail = (d: Diagnostic): ParsedSource => ({ file, text, value: undefined, map, diagnostics: [d] });
  const bytes = Buffer.byteLength(text);
  if (bytes > SOURCE_LIMITS.maxBytes) {
    return fail(Messages.FileTooLarge.at({ file, line: 1, column: 1, length: 0 }, bytes, SOURCE_LIMITS.maxBytes));
  }
  const lines = new LineCounter();
  let locAt = (start: number, end: number): SourceLoc => {
    const p = lines.linePos(start);
    return { file, line: p.line, column: p.col, length: Math.max(0, end - start) };
  };
  const pre = prescan(text);
  if (pre.deep !== undefined) {
    const line = text.slice(0, pre.deep).split('\n');
    return fail(Messages.TooDeep.at({ file, line: line.length, column: line[line.length - 1]!.length + 1, length: 1 }, SOURCE_LIMITS.maxDepth));
  }
  if (pre.values > SOURCE_LIMITS.maxNodes) return fail(Messages.TooManyValues.at({ file, line: 1, column: 1, length: 0 }, SOURCE_LIMITS.maxNodes));
  let doc = parse(text, lines);
  const diagnostics: Diagnostic[] = syntaxErrors(file, text, doc.errors, locAt);
  // Mistakes in one-line { } and [ ] collections are repaired where found, so the rest of the
  // file is checked too: the repaired text's positions are the file's, columns moved back past
  // what the repair inserted (or removed) on its line.
  const flows = diagnostics.length > 0 && diagnostics.every((d) => d.code === Messages.YamlSyntax.code) ? repairFlows(text) : undefined;
  if (flows && flows.mistakes.length > 0) {
    const repairedLines = new LineCounter();
    const again = parse(flows.text, repairedLines);
    const flowDiagnostics = flows.mistakes.map((m) => Messages.FlowSyntax.at({ file, line: m.line, column: m.column, length: m.length }, m.fix));
    if (again.errors.length === 0) {
      doc = again;
      locAt = (start, end) => {
        const p = repairedLines.linePos(start);
        const q = repairedLines.linePos(end);
        const column = flows.originalColumn(p.line, p.col);
        return { file, line: p.line, column, length: Math.max(0, p.line === q.line ? flows.originalColumn(q.line, q.col) - column : end - start) };
      };
      diagnostics.splice(0, diagnostics.length, ...flowDiagnostics);
    } else {
      // what the parser says on a repaired line, or on the line after one left open, is that mistake
      const explained = new Set(flows.mistakes.flatMap((m) => [m.line, m.line + 1]));
      diagnostics.splice(0, diagnostics.length, ...flowDiagnostics, ...diagnostics.filter((d) => !explained.has(d.loc!.line)));
    }
  }
  for (const dup of duplicateKeys(doc)) {
    const first = { message: `the first '${dup.name}' is here`, loc: locAt(...dup.first) };
    diagnostics.push(Messages.DuplicateKey.withRelated(locAt(...dup.second), [first], dup.name));
  }
  diagnostics.sort((a, b) => a.loc!.line - b.loc!.line || a.loc!.column - b.loc!.column);
  const repairedOnly = flows !== undefined && flows.mistakes.length > 0 && diagnostics.every((d) => d.code === Messages.FlowSyntax.code);
  if (diagnostics.length > 0 && !repairedOnly) return { file, text, value: undefined, map, diagnostics };

  // Walk the syntax tree for positions, refusing runaway depth or size before converting.
  let count = 0;
  let tooDeep: SourceLoc | undefined;
  let complexKey: SourceLoc | undefined;
  let danglingAlias: { loc: SourceLoc; name: string } | undefined;
  const walk = (node: Node | null | undefined, path: PathSegment[], key?: SourceLoc): void => {
    if (!node && key) map.set(path, { key, value: key }); // `kernel:` with nothing after it: the key is where to look
    if (!node || tooDeep) return;
    if (++count > SOURCE_LIMITS.maxNodes) return;
    const range = node.range ?? [0, 0, 0];
    const valueLoc = locAt(range[0], range[1]);
    map.set(path, key ? { key, value: valueLoc } : { value: valueLoc });
    if (path.length > SOURCE_LIMITS.maxDepth) {
      tooDeep = valueLoc;
      return;
    }
    if (isAlias(node)) {
      // an alias's position is where it is written; one to an anchor never set is found here, at
      // its own place (the conversion below would only say that one is somewhere)
      if (!danglingAlias && node.resolve(doc) === undefined) danglingAlias = { loc: valueLoc, name: node.source };
      return;
    }
    if (isMap(node)) {
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        const k = pair.key as Node | null;
        // a null key (`: 3`, `null: 3`, `~: 3`) is the key '' in the converted value
        const name = isScalar(k) ? (k.value === null ? '' : String(k.value)) : String(k);
        let kr = k?.range ?? range;
        if (isScalar(k) && kr[0] === kr[1]) {
          const colon = text.indexOf(':', kr[0]); // `: 3` has an empty key: its place is the colon
          if (colon >= 0) kr = [colon, colon + 1, colon + 1];
        }
        if (k && !isScalar(k) && !complexKey) complexKey = locAt(kr[0], kr[1]);
        walk(pair.value as Node | null, [...path, name], locAt(kr[0], kr[1]));
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => walk(item as Node, [...path, i]));
    }
  };
  walk(doc.contents as Node | null, []);
  if (tooDeep) return fail(Messages.TooDeep.at(tooDeep, SOURCE_LIMITS.maxDepth));
  if (complexKey) return fail(Messages.YamlSyntax.at(complexKey, 'a key must be a name or a number, not a list, a mapping or an alias'));
  if (danglingAlias) {
    const { loc, name } = danglingAlias;
    return fail(Messages.YamlSyntax.at(loc, `the alias *${name} names no anchor: set one with &${name} on a value above it, or write the value here`));
  }
  if (count > SOURCE_LIMITS.maxNodes) return fail(Messages.TooManyValues.at(map.locate([]), SOURCE_LIMITS.maxNodes));

  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: SOURCE_LIMITS.maxAliasCount });
  } catch (e) {
    // The yaml library throws a ReferenceError for alias expansion beyond the count (and another
    // for an alias to an anchor never set, which is a plain syntax error).
    const msg = e instanceof Error ? e.message : String(e);
    if (/excessive alias count/i.test(msg)) return fail(Messages.AliasBomb.at(map.locate([]), SOURCE_LIMITS.maxAliasCount));
    return fail(Messages.YamlSyntax.at(map.locate([]), msg));
  }
  return { file, text, value, map, diagnostics };
}

/**
 * Count values and flow nesting with the lexer alone, which is several times faster than parsing:
 * a file of 200,000 tiny values, or of 10,000 nested brackets (which would exhaust the parser's
 * stack), is refused before the parser sees it. `deep` is the offset where nesting passes the limit.
 */
function parse(text: string, lineCounter: LineCounter): Document {
  return parseDocument(text, {
    lineCounter,
    prettyErrors: false,
    // the library's own check compares each key with every key before it (a mapping of 25,000
    // keys takes a minute); duplicateKeys below finds the repeats in one pass
    uniqueKeys: false,
    strict: true,
    keepSourceTokens: false,
    logLevel: 'error', // the library's warnings would go to the terminal; problems become diagnostics here
  });
}

function prescan(text: string): { values: number; deep?: number } {
  let values = 0;
  let depth = 0;
  let offset = 0;
  for (const token of new Lexer().lex(text)) {
    const type = CST.tokenType(token);
    if (type === 'scalar' || type === 'single-quoted-scalar' || type === 'double-quoted-scalar' || type === 'alias' || type === 'seq-item-ind' || type === 'block-scalar-header') {
      values++; // a plain or block scalar's text follows a 'scalar' marker; a quoted one is its own token
    } else if (type === 'flow-seq-start' || type === 'flow-map-start') {
      values++;
      if (++depth > SOURCE_LIMITS.maxDepth) return { values, deep: offset };
    } else if (type === 'flow-seq-end' || type === 'flow-map-end') depth = Math.max(0, depth - 1);
    if (values > SOURCE_LIMITS.maxNodes) return { values };
    if (token !== '\x02' && token !== '\x18' && token !== '\x1f') offset += token.length; // markers are not source text
  }
  return { values };
}

/** A key written again in the same mapping: where it is written first and again (start, end offsets). */
interface Duplicate {
  readonly name: string;
  readonly first: [number, number];
  readonly second: [number, number];
}

/**
 * Every key written again in the same mapping (the yaml library, told not to look, keeps both
 * pairs). One pass over the document, so a file of many keys or repeats costs no more than it
 * takes to read.
 */
function duplicateKeys(doc: Document): Duplicate[] {
  const out: Duplicate[] = [];
  visit(doc, {
    Map(_, map) {
      const seen = new Map<unknown, [number, number]>();
      for (const { key } of map.items) {
        if (!isScalar(key) || !key.range) continue;
        const at: [number, number] = [key.range[0], key.range[1]];
        const first = seen.get(key.value);
        if (first) out.push({ name: String(key.value), first, second: at });
        else seen.set(key.value, at);
      }
    },
  });
  return out;
}

/**
 * The parser's errors as diagnostics, one per mistake: an indentation mistake found on the lines
 * themselves replaces what the parser says about it (several errors, where it gave up), and of
 * the parser's other errors the first on each line is kept (one mistake often gives two there).
 */
function syntaxErrors(file: string, text: string, errors: readonly YAMLError[], locAt: (start: number, end: number) => SourceLoc): Diagnostic[] {
  const out: Diagnostic[] = [];
  const syntax = errors.filter((e) => e.code !== 'MULTIPLE_DOCS');
  for (const e of errors) if (e.code === 'MULTIPLE_DOCS') out.push(Messages.MultipleDocuments.at(locAt(e.pos[0], e.pos[1])));
  if (syntax.length === 0) return out;
  const indents = indentMistakes(text);
  if (indents.length > 0) {
    const first = Math.min(...indents.map((m) => m.line));
    for (const m of indents) {
      const loc = { file, line: m.line, column: m.column, length: 1 };
      out.push(m.kind === 'tab' ? Messages.TabIndentation.at(loc, m.fix) : Messages.Indentation.at(loc, m.fix));
    }
    // the parser reports an indentation mistake on the line before it; what it says earlier
    // than that is a mistake of its own
    for (const e of syntax) if (locAt(e.pos[0], e.pos[1]).line < first - 1) out.push(Messages.YamlSyntax.at(locAt(e.pos[0], e.pos[1]), yamlMessage(e.message)));
    return out;
  }
  const lines = new Set<number>();
  for (const e of syntax) {
    const loc = locAt(e.pos[0], e.pos[1]);
    if (lines.has(loc.line)) continue;
    lines.add(loc.line);
    out.push(Messages.YamlSyntax.at(loc, yamlMessage(e.message)));
  }
  return out;
}

/** The yaml library's message, first line only, without its own position suffix. */
function yamlMessage(m: string): string {
  return m.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '').trim();
}
