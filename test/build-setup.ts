/**
 * vitest global setup: build what the tests run from dist/ when it is missing or older than its
 * sources — the WebAssembly kernels (every -o of `npm run build:kernels`, from the AssemblyScript
 * in src/runtime/kernels/wasm/assembly/), the native kernels (scripts/build/native.mjs, from
 * src/runtime/kernels/native/csrc/) and the compiled TypeScript (every output tsc would
 * write for tsconfig.build.json). The fast backend loads its kernels from dist/ even under
 * vitest, and the tests that spawn `bin/netc.js` run dist/src/: without this, `npx vitest run`
 * on a fresh clone fails, and after an edit it tests the code as it was at the last build.
 * `npm test` builds first; this then finds everything up to date and builds nothing.
 *
 * Up to date means: every output exists and is no older than its sources (for tsc, each output
 * than its own .ts, which with isolatedModules is all it is compiled from, and the configs).
 * Concurrent vitest runs in one checkout build one at a time, under a lock in dist/.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import ts from 'typescript';

const CONFIG = 'tsconfig.build.json';
const ASSEMBLY = 'src/runtime/kernels/wasm/assembly';
const NATIVE = 'src/runtime/kernels/native';
const NATIVE_ADDON = 'dist/netc-native.node';
const LOCK = 'dist/.build-lock';
/** a lock older than this was left by a run that died while building */
const STALE_LOCK_MS = 15 * 60_000;

const mtime = (path: string): number => (existsSync(path) ? statSync(path).mtimeMs : -Infinity);

function newestUnder(dir: string): number {
  let newest = -Infinity;
  for (const name of readdirSync(dir, { recursive: true, encoding: 'utf8' })) newest = Math.max(newest, mtime(join(dir, name)));
  return newest;
}

/** The kernel files the build script writes, read from the script so they are named once. */
function kernelOutputs(): string[] {
  const script = (JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> }).scripts['build:kernels']!;
  return [...script.matchAll(/ -o (\S+)/g)].map((m) => m[1]!);
}

function kernelsStale(): boolean {
  const sources = newestUnder(ASSEMBLY);
  return kernelOutputs().some((out) => mtime(out) < sources);
}

/**
 * The native addon is older than its C++ sources (or missing where g++ runs: a build that failed
 * before is tried again, and test/runtime/native-build.test.ts says so if it fails once more).
 */
function nativeStale(): boolean {
  const sources = Math.max(newestUnder(join(NATIVE, 'csrc')), mtime(join(NATIVE, 'binding.gyp')));
  if (existsSync(NATIVE_ADDON)) return mtime(NATIVE_ADDON) < sources;
  return spawnSync('g++', ['--version']).status === 0;
}

/** The first output tsc would write that is missing or older than what it is compiled from. */
function staleTypeScript(): string | undefined {
  const parsed = ts.getParsedCommandLineOfConfigFile(CONFIG, {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} });
  if (!parsed) return CONFIG;
  const configs = Math.max(mtime(CONFIG), mtime('tsconfig.json'));
  for (const file of parsed.fileNames) {
    if (file.endsWith('.d.ts')) continue;
    const since = Math.max(configs, mtime(file));
    for (const out of ts.getOutputFileNames(parsed, file, false)) if (mtime(out) < since) return out;
  }
  return undefined;
}

function run(what: string, command: string, args: string[]): { ok: boolean; output: string } {
  process.stderr.write(`build-setup: ${what}\n`);
  const r = spawnSync(command, args, { encoding: 'utf8', shell: false });
  return { ok: r.status === 0, output: `${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? String(r.error) : ''}` };
}

function build(): void {
  if (kernelsStale()) {
    const npm = process.env.npm_execpath;
    const r = npm ? run('building the kernels', process.execPath, [npm, 'run', '-s', 'build:kernels']) : run('building the kernels', 'npm', ['run', '-s', 'build:kernels']);
    if (!r.ok || kernelsStale()) throw new Error(`npm run build:kernels failed:\n${r.output}`);
  }
  if (nativeStale()) run('building the native kernels', process.execPath, ['scripts/build/native.mjs']);
  const stale = staleTypeScript();
  if (stale) {
    const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
    const r = run(`compiling dist/ (${stale} is out of date)`, process.execPath, [tsc, '-p', CONFIG]);
    // tsc writes its output despite type errors, which are `npm run typecheck`'s business: the
    // tests run what was written, and are told.
    const still = staleTypeScript();
    if (still) throw new Error(`tsc -p ${CONFIG} did not write ${still}:\n${r.output}`);
    if (!r.ok) process.stderr.write(`build-setup: dist/ is written, but tsc reported errors:\n${r.output.split('\n').slice(0, 20).join('\n')}\n`);
  }
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export async function setup(): Promise<void> {
  if (!kernelsStale() && !nativeStale() && !staleTypeScript()) return;
  mkdirSync('dist', { recursive: true });
  for (;;) {
    try {
      mkdirSync(LOCK);
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      if (Date.now() - mtime(LOCK) > STALE_LOCK_MS) rmSync(LOCK, { recursive: true, force: true });
      else await sleep(250);
    }
  }
  try {
    build(); // finds nothing to do if another run built while this one waited
  } finally {
    rmSync(LOCK, { recursive: true, force: true });
  }
}
