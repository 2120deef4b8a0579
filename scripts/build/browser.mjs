#!/usr/bin/env node
/**
 * Bundle netc's runtime for browsers: src/runtime/browser.ts, with package.json's "browser" field
 * putting src/runtime/platform/browser.ts in place of the Node platform layer, into
 * dist/browser/runtime.js (an ES module), with the fast kernels' files beside it. Run by
 * `npm run build`; test/runtime/browser-bundle.test.ts bundles with the same options and fails if
 * a `node:` import reaches the bundle.
 */
import { copyFileSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** esbuild's options for the browser runtime; `write: false` keeps the output in memory. */
export const browserBundleOptions = {
  absWorkingDir: root,
  entryPoints: ['src/runtime/browser.ts'],
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  metafile: true,
  write: false,
  outfile: 'dist/browser/runtime.js',
  legalComments: 'none',
  logLevel: 'silent',
};

/** Bundle the runtime and write dist/browser/: runtime.js (through a temporary file) and the kernel files. */
export async function buildBrowserRuntime() {
  const result = await build(browserBundleOptions);
  const out = join(root, 'dist', 'browser');
  mkdirSync(out, { recursive: true });
  for (const file of result.outputFiles) {
    writeFileSync(`${file.path}.tmp`, file.contents);
    renameSync(`${file.path}.tmp`, file.path);
  }
  for (const name of ['kernels.wasm', 'kernels-relaxed.wasm']) {
    copyFileSync(join(root, 'dist', name), join(out, `${name}.tmp`));
    renameSync(join(out, `${name}.tmp`), join(out, name));
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await buildBrowserRuntime().catch((e) => {
    process.stderr.write(`netc: bundling the browser runtime failed: ${e.message}\n`);
    process.exit(1);
  });
}
