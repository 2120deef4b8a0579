#!/usr/bin/env node
/**
 * Build the native kernels (src/runtime/kernels/native/) with node-gyp and copy the addon to
 * dist/netc-native.node. Run by `npm run build` (so by `npm ci`'s prepare). Where they cannot be
 * built — no C++ compiler, no Node headers, another CPU — it prints one line and exits 0: netc then
 * runs on the WebAssembly backend. The build uses Node's own headers (the folder above this node's
 * binary, or npm's nodedir), never a download; the compiler's output goes to dist/native-build.log.
 * For tests: NETC_NATIVE_BUILD=skip fails it on purpose, NETC_NATIVE_OUT names another addon file.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const source = join(root, 'src', 'runtime', 'kernels', 'native');
const target = process.env.NETC_NATIVE_OUT ? resolve(process.env.NETC_NATIVE_OUT) : join(root, 'dist', 'netc-native.node');
const log = join(root, 'dist', 'native-build.log');

/** node-gyp: the one npm runs scripts with, else npm's own copy beside this node. */
function nodeGyp() {
  const candidates = [
    process.env.npm_config_node_gyp,
    join(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
  ];
  for (const c of candidates) if (c && existsSync(c)) return c;
  try {
    return createRequire(import.meta.url).resolve('node-gyp/bin/node-gyp.js');
  } catch {
    return undefined;
  }
}

/** Node's headers on this machine: the install prefix of this node, else npm's nodedir. */
function nodeDir() {
  for (const dir of [resolve(dirname(process.execPath), '..'), process.env.npm_config_nodedir]) {
    if (dir && existsSync(join(dir, 'include', 'node', 'node_api.h'))) return dir;
  }
  return undefined;
}

function fail(reason) {
  rmSync(target, { force: true });
  process.stdout.write(`netc: native kernels were not built (${reason}); netc uses the WebAssembly backend\n`);
  process.exit(0);
}

mkdirSync(dirname(target), { recursive: true });
if (process.env.NETC_NATIVE_BUILD === 'skip') fail('NETC_NATIVE_BUILD=skip');
const gyp = nodeGyp();
if (!gyp) fail('node-gyp was not found');
const dir = nodeDir();
if (!dir) fail("Node's headers were not found");
const jobs = String(Math.max(1, availableParallelism()));
const r = spawnSync(process.execPath, [gyp, 'configure', 'build', '-j', jobs, `--nodedir=${dir}`], { cwd: source, encoding: 'utf8' });
writeFileSync(log, `${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? String(r.error) : ''}`);
const built = join(source, 'build', 'Release', 'netc_native.node');
if (r.status !== 0 || !existsSync(built)) fail(`the compiler failed; see ${log}`);
// a new file renamed into place: a process that has the old addon loaded keeps its mapping intact
copyFileSync(built, `${target}.tmp`);
renameSync(`${target}.tmp`, target);
