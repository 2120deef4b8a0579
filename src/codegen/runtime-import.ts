/**
 * A generated module has one import, of netc's runtime; copies of a module for other places
 * (its JavaScript form, a run folder's copy) differ from it in that import's specifier and in
 * the command its header names to write it again.
 */
import { commentText, stringLiteral } from './names.js';

/** `source` with its import `from '<from>'` replaced by `from '<to>'`. */
export function withRuntimeImport(source: string, from: string, to: string): string {
  // A function replacer: in a replacement string, '$&' or "$'" in a folder's name would expand.
  return source.replace(`from ${stringLiteral(from)};`, () => `from ${stringLiteral(to)};`);
}

/** `source` with the command its header names (`run \`<from>\` instead`) replaced by `to`. */
export function withRegenerateCommand(source: string, from: string, to: string): string {
  return source.replace(`run \`${commentText(from)}\` instead.`, () => `run \`${commentText(to)}\` instead.`);
}
