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

/**
 * The playground's page (src/playground/page/): its script and its training worker. Both import
 * the runtime from the server's /runtime.js at run time, where the generated module gets it too.
 */
export const playgroundBundleOptions = {
  ...browserBundleOptions,
  entryPoints: ['src/playground/page/window/app.ts', 'src/playground/page/train-worker.ts'],
  outfile: undefined,
  outdir: 'dist/playground',
  entryNames: '[name]',
};

/** Write esbuild's outputs, each through a temporary file. */
function writeOutputs(result) {
  for (const file of result.outputFiles) {
    mkdirSync(dirname(file.path), { recursive: true });
    writeFileSync(`${file.path}.tmp-${process.pid}`, file.contents);
    renameSync(`${file.path}.tmp-${process.pid}`, file.path);
  }
}

function copy(from, to) {
  mkdirSync(dirname(to), { recursive: true });
  copyFileSync(from, `${to}.tmp-${process.pid}`);
  renameSync(`${to}.tmp-${process.pid}`, to);
}

/** Bundle the runtime into dist/browser/ beside the kernel files, and the playground's page into dist/playground/. */
export async function buildBrowserRuntime() {
  writeOutputs(await build(browserBundleOptions));
  for (const name of ['kernels.wasm', 'kernels-relaxed.wasm']) copy(join(root, 'dist', name), join(root, 'dist', 'browser', name));
  writeOutputs(await build(playgroundBundleOptions));
  copy(join(root, 'src', 'playground', 'page', 'index.html'), join(root, 'dist', 'playground', 'index.html'));
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await buildBrowserRuntime().catch((e) => {
    process.stderr.write(`netc: bundling the browser runtime failed: ${e.message}\n`);
    process.exit(1);
  });
}
