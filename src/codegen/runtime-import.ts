/**
 * A generated module has one import, of netc's runtime; copies of a module for other places
 * (its JavaScript form, a run folder's copy) differ from it only in that import's specifier.
 */
import { stringLiteral } from './names.js';

/** `source` with its import `from '<from>'` replaced by `from '<to>'`. */
export function withRuntimeImport(source: string, from: string, to: string): string {
  // A function replacer: in a replacement string, '$&' or "$'" in a folder's name would expand.
  return source.replace(`from ${stringLiteral(from)};`, () => `from ${stringLiteral(to)};`);
}
