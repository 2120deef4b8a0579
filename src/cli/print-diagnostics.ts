/**
 * Diagnostics as every command prints them: `file:line:col: error NETCnnnn: message`, with the
 * source line and a caret underline when the file's text is known. They go to stderr, except in
 * `netc check`, whose diagnostics are its output.
 */
import { formatWithSource, hasErrors, type Diagnostic } from '../diagnostics/diagnostics.js';
import type { Style } from './output.js';

/** The texts of the files a diagnostic may point into, by file name (as an analysis keeps them). */
export type Sources = ReadonlyMap<string, string>;

const NO_SOURCES: Sources = new Map();

export interface ShowOptions {
  /** show no source line longer than this: a model.json is often one line of megabytes */
  readonly longestLine?: number;
  /** colour the severity and dim the code (check's output on a terminal) */
  readonly style?: Style;
}

/** One diagnostic as text, with its source line when `sources` has the file it points into. */
export function diagnosticText(d: Diagnostic, sources: Sources = NO_SOURCES, options: ShowOptions = {}): string {
  let text = d.loc ? sources.get(d.loc.file) : undefined;
  if (d.loc && text !== undefined && options.longestLine !== undefined) {
    const line = text.split('\n')[d.loc.line - 1];
    if (line === undefined || line.length > options.longestLine) text = undefined;
  }
  const out = formatWithSource(d, text);
  const s = options.style;
  if (!s) return out;
  const word = d.severity === 'error' ? s.red('error') : s.yellow('warning');
  return out.replace(`${d.severity} ${d.code}`, `${word} ${s.dim(d.code)}`);
}

/** Print diagnostics to stderr; true when none of them is an error. */
export function printDiagnostics(ds: readonly Diagnostic[], sources: Sources = NO_SOURCES, options: ShowOptions = {}): boolean {
  if (ds.length > 0) process.stderr.write(ds.map((d) => diagnosticText(d, sources, options)).join('\n') + '\n');
  return !hasErrors(ds);
}
