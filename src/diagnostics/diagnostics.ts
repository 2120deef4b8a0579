/**
 * A diagnostic is data: a stable code, a severity, a message that says what to change, and the
 * place in a spec file it is about. Every input error a person can cause ends up as one of
 * these; nothing else reaches the user (the README's Diagnostics section lists the codes).
 */

export type Severity = 'error' | 'warning';

/** A place in a source file; line and column count from 1. */
export interface SourceLoc {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  /** characters covered, for underlining; 0 when unknown */
  readonly length: number;
}

export interface Related {
  readonly message: string;
  readonly loc?: SourceLoc;
}

export interface Diagnostic {
  readonly code: string;
  readonly severity: Severity;
  readonly message: string;
  readonly loc?: SourceLoc;
  readonly related?: readonly Related[];
  /** the text that, written in place of `loc`'s, fixes it (a misspelt name's likely meaning): the editor's quick fix */
  readonly fix?: string;
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}

/** `specs/x.yaml:12:7: error NETC4003: message` — the one-line form every tool understands. */
export function formatDiagnostic(d: Diagnostic): string {
  const where = d.loc ? `${d.loc.file}:${d.loc.line}:${d.loc.column}: ` : '';
  let out = `${where}${d.severity} ${d.code}: ${d.message}`;
  for (const r of d.related ?? []) {
    const rwhere = r.loc ? `${r.loc.file}:${r.loc.line}:${r.loc.column}: ` : '';
    out += `\n  ${rwhere}note: ${r.message}`;
  }
  return out;
}

/**
 * The diagnostic with the offending source line and a caret underline beneath it, in the style of
 * compiler error baselines. `text` is the file's contents (when known).
 */
export function formatWithSource(d: Diagnostic, text: string | undefined): string {
  const head = formatDiagnostic(d);
  if (!d.loc || text === undefined) return head;
  const line = text.split(/\r?\n/)[d.loc.line - 1];
  if (line === undefined) return head;
  const gutter = String(d.loc.line).padStart(4);
  const width = Math.max(1, Math.min(d.loc.length || 1, line.length - d.loc.column + 1));
  const caret = ' '.repeat(gutter.length + 3 + d.loc.column - 1) + '^'.repeat(width);
  const [first, ...rest] = head.split('\n');
  return [first, `${gutter} | ${line}`, caret, ...rest].join('\n');
}

/** Sort by file, then position, then code, so output is stable whatever order checks ran in. */
export function sortDiagnostics(ds: readonly Diagnostic[]): Diagnostic[] {
  return [...ds].sort(
    (a, b) =>
      (a.loc?.file ?? '').localeCompare(b.loc?.file ?? '') ||
      (a.loc?.line ?? 0) - (b.loc?.line ?? 0) ||
      (a.loc?.column ?? 0) - (b.loc?.column ?? 0) ||
      a.code.localeCompare(b.code),
  );
}

/** Drop exact repeats (the same code, place and message), keeping the first. */
export function dedupeDiagnostics(ds: readonly Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return ds.filter((d) => {
    const key = `${d.code}|${d.loc?.file}|${d.loc?.line}|${d.loc?.column}|${d.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * Thrown only to unwind from deep inside a loader when a diagnostic ends the work for a file;
 * caught at the command boundary and printed like any other diagnostic.
 */
export class DiagnosticError extends Error {
  constructor(readonly diagnostics: readonly Diagnostic[]) {
    super(diagnostics.map(formatDiagnostic).join('\n'));
    this.name = 'DiagnosticError';
  }
}
