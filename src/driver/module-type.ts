/**
 * Whether Node will read a JavaScript module written into a folder as an ES module: the nearest
 * package.json above it decides. With "type": "commonjs" the generated module fails to load
 * (its `import` is a syntax error there); with no "type", Node 20 guesses right but warns.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** A sentence for the person compiling, or undefined when `.js` files in `dir` are ES modules. */
export function esModuleProblem(dir: string): string | undefined {
  for (let d = resolve(dir); ; d = dirname(d)) {
    const pkg = join(d, 'package.json');
    if (existsSync(pkg)) {
      let type: unknown;
      try {
        type = (JSON.parse(readFileSync(pkg, 'utf8')) as { type?: unknown } | null)?.type;
      } catch {
        return undefined; // not ours to judge: npm and node report a broken package.json
      }
      if (type === 'module') return undefined;
      const now = type === undefined ? 'has no "type"' : `says "type": ${JSON.stringify(type)}`;
      return `${pkg} ${now}, so node ${type === undefined ? 'warns before it loads' : 'cannot load'} the module as an ES module; add "type": "module" to it`;
    }
    if (dirname(d) === d) return undefined;
  }
}
