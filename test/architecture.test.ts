/**
 * The layering of docs/ARCHITECTURE.md, enforced: every import in src/ (static, dynamic and
 * type-only) is read and checked against the floors that page's table gives. The page is the
 * rule: a change of layering is a change of the page, which this test then holds the code to.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

interface Folder {
  readonly path: string;
  /** undefined for the runtime, which stands beside the floors */
  readonly floor: number | undefined;
}

/** The table rows `| 6 | \`src/cli/\` | ... |` and the sideways lines `- \`src/a/\` → \`src/b/\``. */
export function readArchitecture(text: string): { folders: Folder[]; sideways: Set<string> } {
  const folders: Folder[] = [];
  for (const m of text.matchAll(/^\|\s*(\d+|—)\s*\|\s*`(src\/[^`]+?)\/?`\s*\|/gm)) {
    folders.push({ path: m[2]!, floor: m[1] === '—' ? undefined : Number(m[1]) });
  }
  const sideways = new Set<string>();
  for (const m of text.matchAll(/^- `(src\/[^`]+?)\/?` → `(src\/[^`]+?)\/?`/gm)) sideways.add(`${m[1]} -> ${m[2]}`);
  return { folders, sideways };
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'assembly' ? [] : sourceFiles(path); // AssemblyScript: compiled apart
    return path.endsWith('.ts') ? [path] : [];
  });
}

const IMPORT = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)['"](\.{1,2}\/[^'"]+)['"]/g;

/** Relative imports of a file, resolved to the .ts files they name. */
function importsOf(file: string, text: string): string[] {
  return [...text.matchAll(IMPORT)].map((m) => normalize(join(dirname(file), m[1]!)).replace(/\.js$/, '.ts'));
}

/** Rules broken by one import, as sentences; none when it is allowed. */
export function checkImport(from: string, to: string, folders: readonly Folder[], sideways: ReadonlySet<string>): string | undefined {
  const home = (file: string) => folders.filter((f) => file.startsWith(f.path + '/')).sort((a, b) => b.path.length - a.path.length)[0];
  const a = home(from);
  const b = home(to);
  if (!a) return `${from} is in no folder of docs/ARCHITECTURE.md`;
  if (!b) return `${from} imports ${to}, which is in no folder of docs/ARCHITECTURE.md`;
  if (a === b) return undefined;
  if (a.floor === undefined) return `${from} imports ${to}: the runtime imports nothing outside ${a.path}/`;
  if (b.floor === undefined) return undefined;
  if (b.floor < a.floor) return undefined;
  if (b.floor === a.floor && sideways.has(`${a.path} -> ${b.path}`)) return undefined;
  return `${from} imports ${to}: ${a.path}/ (floor ${a.floor}) may not import ${b.path}/ (floor ${b.floor})`;
}

/** Every cycle's files, one list per strongly connected component of more than one file. */
export function importCycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  let next = 0;
  const visit = (v: string) => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || graph.get(v)?.includes(v)) cycles.push(component.sort());
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return cycles;
}

const { folders, sideways } = readArchitecture(readFileSync('docs/ARCHITECTURE.md', 'utf8'));
const files = sourceFiles('src').map((f) => relative('.', f).split('\\').join('/'));
const graph = new Map(files.map((f) => [f, importsOf(f, readFileSync(f, 'utf8')).map((t) => t.split('\\').join('/'))]));

describe('the layering of docs/ARCHITECTURE.md', () => {
  it('places the folders of every floor', () => {
    expect(folders.map((f) => f.path)).toEqual(
      expect.arrayContaining(['src/cli', 'src/driver', 'src/codegen', 'src/passes', 'src/ir', 'src/spec', 'src/diagnostics', 'src/runtime']),
    );
    const top = [...new Set(files.map((f) => f.split('/').slice(0, 2).join('/')))];
    expect(top.filter((t) => !folders.some((f) => f.path === t))).toEqual([]);
  });

  it('holds every import in src/ to the floors', () => {
    const broken = [...graph].flatMap(([from, tos]) => tos.map((to) => checkImport(from, to, folders, sideways)).filter((x) => x !== undefined));
    expect(broken).toEqual([]);
  });

  it('has no import cycle between files', () => {
    expect(importCycles(graph)).toEqual([]);
  });

  it('reads every kind of import, and would catch a broken rule', () => {
    const text = `import { a } from '../cli/main.js';\nimport type { B } from '../ir/types.js';\nconst c = await import('../report/report.js');\nimport '../driver/side.js';`;
    expect(importsOf('src/ir/x.ts', text)).toEqual(['src/cli/main.ts', 'src/ir/types.ts', 'src/report/report.ts', 'src/driver/side.ts']);
    expect(checkImport('src/report/report.ts', 'src/cli/main.ts', folders, sideways)).toMatch(/may not import src\/cli/);
    expect(checkImport('src/runtime/model.ts', 'src/ir/types.ts', folders, sideways)).toMatch(/the runtime imports nothing outside/);
    expect(checkImport('src/spec/load.ts', 'src/ir/types.ts', folders, sideways)).toMatch(/may not import src\/ir/);
    expect(checkImport('src/ir/lower.ts', 'src/spec/types.ts', folders, sideways)).toBeUndefined();
    expect(checkImport('src/cli/main.ts', 'src/runtime/model.ts', folders, sideways)).toBeUndefined();
    expect(importCycles(new Map([['a', ['b']], ['b', ['c']], ['c', ['a']], ['d', ['a']]]))).toEqual([['a', 'b', 'c']]);
  });
});
