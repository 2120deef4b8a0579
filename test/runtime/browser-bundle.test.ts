/**
 * The browser build of the runtime stays free of Node: bundled with the options of
 * `npm run build` (scripts/build/browser.mjs) but with every `node:` module left external instead
 * of failing the build, no output may import one, and the Node platform layer must not be in
 * it. And below that, no runtime file but the Node platform layer imports a `node:` module.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { browserBundleOptions } from '../../scripts/build/browser.mjs';

const NODE_PLATFORM = 'src/runtime/platform/index.ts';

describe('the browser bundle of the runtime', () => {
  it('imports no node: module and leaves the Node platform layer out', async () => {
    const result = await build({ ...browserBundleOptions, external: ['node:*'] });
    const output = Object.values(result.metafile.outputs)[0]!;
    expect(output.imports.filter((i) => i.path.startsWith('node:')).map((i) => i.path)).toEqual([]);
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs).toContain('src/runtime/platform/browser.ts');
    expect(inputs).not.toContain(NODE_PLATFORM);
    // the fast backend and the training loop are in it
    expect(inputs).toEqual(expect.arrayContaining(['src/runtime/kernels/wasm/threads.ts', 'src/runtime/training/loop.ts']));
    expect(result.outputFiles[0]!.text).not.toMatch(/\bnode:[a-z_]+/);
  });

  it("is what a bundler makes of the compiled runtime too (package.json's browser field on dist/)", async () => {
    const result = await build({ ...browserBundleOptions, external: ['node:*'], entryPoints: ['dist/src/runtime/browser.js'] });
    expect(Object.values(result.metafile.outputs)[0]!.imports.filter((i) => i.path.startsWith('node:'))).toEqual([]);
    expect(Object.keys(result.metafile.inputs)).toContain('dist/src/runtime/platform/browser.js');
  });

  it('would catch one: a file importing node:fs shows up', async () => {
    const result = await build({
      ...browserBundleOptions,
      external: ['node:*'],
      entryPoints: undefined,
      stdin: { contents: "import { readFileSync } from 'node:fs'; export * from './src/runtime/browser.js'; export const f = readFileSync;", resolveDir: '.', loader: 'ts' },
    });
    expect(Object.values(result.metafile.outputs)[0]!.imports.map((i) => i.path)).toContain('node:fs');
  });
});

describe('the runtime sources', () => {
  it("import node: modules only in the Node platform layer", () => {
    const files = readdirSync('src/runtime', { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.ts') && !f.includes('assembly/'))
      .map((f) => join('src/runtime', f));
    const offenders = files.filter((f) => f !== NODE_PLATFORM && /(?:from|import\s*\(|require\s*\()\s*['"]node:/.test(readFileSync(f, 'utf8')));
    expect(offenders).toEqual([]);
  });
});
