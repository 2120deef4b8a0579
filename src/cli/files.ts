/** Spec files from the command line: names as given, globs expanded (for shells that do not). */
import { UsageError } from './args.js';

const GLOB = /[*?[\]{}]/;

export async function expandFiles(args: readonly string[]): Promise<string[]> {
  const files: string[] = [];
  for (const a of args) {
    if (!GLOB.test(a)) {
      files.push(a);
      continue;
    }
    // Imported here: a shell has usually expanded the globs already, and then none is needed.
    const { globSync } = await import('tinyglobby');
    const hits = globSync(a, { onlyFiles: true, expandDirectories: false }).sort();
    if (hits.length === 0) throw new UsageError(`no files match '${a}'`);
    files.push(...hits);
  }
  return files;
}
