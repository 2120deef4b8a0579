/**
 * The native backend is built where it can be, and netc falls back to the WebAssembly backend
 * with one line where it is not: where a C++ compiler is present the addon must have been built
 * (so CI proves the build), and a failed build or a missing addon leaves netc working on 'fast'.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { nativeAddon } from '../../src/runtime/kernels/native/addon.js';
import { referenceKernels } from '../../src/runtime/kernels/reference/index.js';

const compilerPresent = spawnSync('g++', ['--version']).status === 0;
const dir = mkdtempSync(join(tmpdir(), 'netc-native-build-'));

/** The default backend and its notice, in a fresh process with `env` (the addon loads once per process). */
function defaultIn(env: Record<string, string>): { name: string; notice: string | null } {
  const script = `import('./src/runtime/backend.ts').then((b) => console.log(JSON.stringify({ name: b.defaultBackend.name, notice: b.defaultBackendNotice() ?? null })))`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], { encoding: 'utf8', env: { ...process.env, ...env } });
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout.trim()) as { name: string; notice: string | null };
}

describe('the native build', () => {
  it.runIf(compilerPresent)('where g++ runs, the addon was built and loads, with every kernel of the contract', () => {
    const load = nativeAddon();
    expect(load.addon, load.addon ? '' : load.reason).toBeDefined();
    expect(['avx512', 'avx2', 'portable']).toContain(load.addon!.isa());
    const names = load.addon!.kernels().map(([name]) => name).sort();
    expect(names).toEqual(Object.keys(referenceKernels(new Float32Array(1))).sort());
  });

  it('a failed build prints one line, exits 0 and leaves no addon behind', () => {
    const out = join(dir, 'failed.node');
    writeFileSync(out, 'an addon from an earlier build');
    const r = spawnSync(process.execPath, ['scripts/build/native.mjs'], { encoding: 'utf8', env: { ...process.env, NETC_NATIVE_BUILD: 'skip', NETC_NATIVE_OUT: out } });
    expect(r.status).toBe(0);
    expect(r.stdout.trimEnd().split('\n')).toEqual([expect.stringMatching(/^netc: native kernels were not built \(.+\); netc uses the WebAssembly backend$/)]);
    expect(existsSync(out)).toBe(false);
  });
});

describe('without the addon', () => {
  it('the default backend is fast, with a one-line notice that says why', () => {
    const missing = join(dir, 'missing.node');
    const { name, notice } = defaultIn({ NETC_NATIVE_ADDON: missing });
    expect(name).toBe('fast');
    expect(notice).toMatch(/^netc: native kernels unavailable \(.*missing\.node was not built\); using the WebAssembly backend \('fast'\)$/);
    expect(notice).not.toContain('\n');
  });

  it('a file that is not an addon is reported as such, and fast is the default', () => {
    const broken = join(dir, 'broken.node');
    writeFileSync(broken, 'not a shared library');
    const { name, notice } = defaultIn({ NETC_NATIVE_ADDON: broken });
    expect(name).toBe('fast');
    expect(notice).toMatch(/broken\.node did not load: /);
  });

  it.runIf(compilerPresent)('with the addon, native is the default and there is no notice', () => {
    expect(defaultIn({})).toEqual({ name: 'native', notice: null });
  });
});
