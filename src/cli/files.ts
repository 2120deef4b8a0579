/** Spec files from the command line: names as given, globs expanded (for shells that do not). */
import { globSync } from 'tinyglobby';
import { UsageError } from './args.js';

const GLOB = /[*?[\]{}]/;

export function expandFiles(args: readonly string[]): string[] {
  const files: string[] = [];
  for (const a of args) {
    if (!GLOB.test(a)) {
      files.push(a);
      continue;
    }
    const hits = globSync(a, { onlyFiles: true, expandDirectories: false }).sort();
    if (hits.length === 0) throw new UsageError(`no files match '${a}'`);
    files.push(...hits);
  }
  return files;
}
