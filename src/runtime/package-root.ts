/**
 * Files that ship with netc (the schema, the runtime) are found from the package's root, which
 * is the nearest folder above this module holding netc's package.json — the same whether the
 * code runs from `src/` under vitest or from the compiled `dist/`.
 */
import { dirname, existsSync, fileURLToPath, join, readFileSync } from './platform/index.js';

let root: string | undefined;

export function packageRoot(): string {
  if (root) return root;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && JSON.parse(readFileSync(pkg, 'utf8')).name === 'netc') return (root = dir);
    const up = dirname(dir);
    if (up === dir) throw new Error('netc: cannot find the package root above ' + fileURLToPath(import.meta.url));
    dir = up;
  }
}

export const packageFile = (...parts: string[]): string => join(packageRoot(), ...parts);

export function packageVersion(): string {
  return JSON.parse(readFileSync(packageFile('package.json'), 'utf8')).version as string;
}
