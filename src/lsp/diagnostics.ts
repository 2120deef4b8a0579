/**
 * netc's diagnostics as the protocol's, for one document. A diagnostic's place is a line, a
 * column and a length; its range ends that many characters on. A diagnostic in another file
 * (a base the document extends) is shown on the document's `extends:` line, naming the place,
 * with that place as related information; its own notes (`related`) become related information.
 */
import { DiagnosticSeverity, type Diagnostic as LspDiagnostic, type DiagnosticRelatedInformation, type Range } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { Diagnostic, SourceLoc } from '../diagnostics/diagnostics.js';
import type { FixData } from './quick-fix.js';
import { pathToUri } from './uris.js';

/** The range of a place in a file whose text is known (or an empty range at its start). */
export function rangeOf(loc: SourceLoc, text: string | undefined): Range {
  const start = { line: Math.max(0, loc.line - 1), character: Math.max(0, loc.column - 1) };
  if (text === undefined) return { start, end: { line: start.line, character: start.character + Math.max(0, loc.length) } };
  const doc = TextDocument.create('file:///', 'yaml', 0, text);
  const from = doc.offsetAt(start);
  return { start: doc.positionAt(from), end: doc.positionAt(from + Math.max(0, loc.length)) };
}

export function toLsp(
  ds: readonly Diagnostic[],
  file: string,
  sources: ReadonlyMap<string, string>,
  uris: ReadonlyMap<string, string>,
  extendsAt: Range | undefined,
): LspDiagnostic[] {
  const origin = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
  return ds.map((d) => {
    const here = !d.loc || d.loc.file === file;
    const related: DiagnosticRelatedInformation[] = [];
    const notes: string[] = [];
    if (!here) related.push({ location: { uri: pathToUri(d.loc!.file, uris), range: rangeOf(d.loc!, sources.get(d.loc!.file)) }, message: 'the problem is here' });
    for (const r of d.related ?? []) {
      if (r.loc) related.push({ location: { uri: pathToUri(r.loc.file, uris), range: rangeOf(r.loc, sources.get(r.loc.file)) }, message: r.message });
      else notes.push(r.message);
    }
    const where = here ? '' : `in ${d.loc!.file}:${d.loc!.line}:${d.loc!.column}: `;
    return {
      range: here ? (d.loc ? rangeOf(d.loc, sources.get(file)) : origin) : (extendsAt ?? origin),
      severity: d.severity === 'error' ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning,
      code: d.code,
      source: 'netc',
      message: [where + d.message, ...notes].join('\n'),
      ...(related.length > 0 ? { relatedInformation: related } : {}),
      // a repair applies where the diagnostic is written: one in a base is fixed in the base
      ...(here && d.loc && d.fix !== undefined ? { data: { fix: d.fix } satisfies FixData } : {}),
    };
  });
}
