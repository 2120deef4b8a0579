/**
 * Blame the line that caused it. A variant's `remove: [flat]` makes the base's dense layer read
 * an image; the shape rule fails at the base's line, which the person must not edit. An error
 * that lands in a base file, and that the base alone does not give, moves to the variant's edit
 * that caused it, with the base's place as related information (as TypeScript's "related
 * information" names a second place).
 */
import type { Diagnostic, SourceLoc } from '../diagnostics/diagnostics.js';
import type { LoadedSpec, VariantEdit } from '../spec/types.js';

/**
 * `diagnostics` of the variant `loaded`, with those caused by its edits moved to the edit.
 * `baseDiagnostics` gives what the base spec reports on its own.
 */
export function blameVariant(diagnostics: readonly Diagnostic[], loaded: LoadedSpec, baseDiagnostics: () => readonly Diagnostic[]): Diagnostic[] {
  const variant = loaded.variant;
  if (!variant) return [...diagnostics];
  let own: ReadonlySet<string> | undefined;
  return diagnostics.map((d) => {
    if (!d.loc || d.loc.file === loaded.file) return d;
    own ??= new Set(baseDiagnostics().map(key));
    if (own.has(key(d))) return d; // the base's own mistake: fixed in the base
    const { edit, layer } = cause(d.loc, loaded, variant.edits);
    if (!edit) return d;
    const what = layer ? `the base's layer '${layer}', which ${edit.what} changes, is here` : `the base's line, which ${edit.what} changes, is here`;
    return { ...d, loc: edit.loc, related: [{ message: what, loc: d.loc }, ...(d.related ?? [])] };
  });
}

const key = (d: Diagnostic) => `${d.code}|${d.loc?.file}|${d.loc?.line}|${d.loc?.column}`;

/**
 * The edit an error at `at` (in a base file) follows from: the nearest edit at or before the
 * layer it is about, in the merged order; else the first top-level key the variant replaces.
 */
function cause(at: SourceLoc, loaded: LoadedSpec, edits: readonly VariantEdit[]): { edit?: VariantEdit; layer?: string } {
  const names = loaded.spec.layers.map((l) => (typeof l?.name === 'string' ? l.name : ''));
  const fallback = edits.find((e) => e.anchor === undefined) ?? edits[0];
  // the layer `at` lies in: the last of the base file's layers that starts before it
  let layer = -1;
  names.forEach((_, j) => {
    const l = loaded.map.locate(['layers', j]);
    if (l.file === at.file && (l.line < at.line || (l.line === at.line && l.column <= at.column))) layer = j;
  });
  if (layer < 0) return { edit: fallback };
  let best: { edit: VariantEdit; index: number } | undefined;
  for (const edit of edits) {
    const index = edit.anchor === undefined ? -1 : names.indexOf(edit.anchor);
    if (index < 0 || index > layer) continue;
    if (!best || index >= best.index) best = { edit, index };
  }
  return { edit: best?.edit ?? fallback, layer: names[layer] };
}
