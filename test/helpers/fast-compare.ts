/**
 * Fast (WebAssembly SIMD) kernels against the reference kernels: a case lays out its buffers in
 * one arena with odd gaps, fills them with seeded random numbers, runs the reference and a fast
 * build on a thread count, and compares the outputs. test/runtime/fast-kernels.test.ts and
 * fast-kernels-conv.test.ts run their cases through it on every target.
 *
 * Tolerance: |fast − reference| ≤ 2e-5 · max(1, the largest |reference| in that output) — the
 * two sum in different orders in float32.
 */
import { expect } from 'vitest';
import { referenceKernels } from '../../src/runtime/kernels/reference/index.js';
import { createNativeKernels } from '../../src/runtime/kernels/native/backend.js';
import type { Allocation, Kernels } from '../../src/runtime/kernels/types.js';
import { createFastKernels, type FastMemory } from '../../src/runtime/kernels/wasm/backend.js';
import type { KernelBuild } from '../../src/runtime/kernels/wasm/module.js';
import { Random } from '../../src/runtime/random.js';

const FLOATS = 1 << 20;
export const BUILDS: readonly KernelBuild[] = ['relaxed', 'plain'];

/** Which fast kernels run a case: a build of the WebAssembly kernels, or the native ones, on a number of threads. */
export interface Target {
  readonly build: KernelBuild | 'native';
  readonly threads: number;
}

export interface Setup {
  /** buffer name → number of floats */
  readonly buffers: Record<string, number>;
  /** buffers to fill with one-hot rows of this width (labels) */
  readonly oneHot?: Record<string, number>;
  /** buffers to fill with values in (0, 1) (probabilities) */
  readonly positive?: readonly string[];
  /** buffers with given values (the affine warps) */
  readonly values?: Readonly<Record<string, Float32Array>>;
  readonly outputs: readonly string[];
  call(k: Kernels, at: Record<string, number>): unknown;
}

/**
 * One memory and thread pool per target, shared by its cases as a model shares its own across
 * steps (each case sets the whole arena): a pool per case would start hundreds of workers.
 */
const pools = new Map<string, Allocation>();

/** Stop the pools' threads: a test file's afterAll. */
export const closeFastPools = (): void => {
  pools.forEach((p) => p.close());
  pools.clear();
};

function fastFor(on: Target): Allocation {
  const key = `${on.build} ${on.threads}`;
  if (!pools.has(key)) pools.set(key, allocateTarget(on));
  return pools.get(key)!;
}

/** An arena of `floats` and the kernels of `on` (the caller closes it). */
export function allocateTarget(on: Target, floats = FLOATS): Allocation {
  if (on.build === 'native') return createNativeKernels(floats, on.threads);
  const fast: FastMemory = createFastKernels(floats, 1 << 16, on.threads, { build: on.build });
  expect(fast.build).toBe(on.build);
  return fast;
}

/** Run a setup on the reference kernels and on the fast kernels of `on`; compare outputs. */
export function compare(setup: Setup, on: Target, seed = 1): void {
  const fast = fastFor(on);
  const ref = new Float32Array(FLOATS);
  const at: Record<string, number> = {};
  let top = 0;
  for (const [name, size] of Object.entries(setup.buffers)) {
    at[name] = top;
    top += Math.ceil((size + 1) / 4) * 4 + 4; // +1 and an odd gap: no accidental alignment
  }
  expect(top).toBeLessThan(FLOATS);
  const rng = new Random(seed);
  for (const [name, size] of Object.entries(setup.buffers)) {
    const o = at[name]!;
    const width = setup.oneHot?.[name];
    for (let i = 0; i < size; i++) {
      ref[o + i] = width ? 0 : setup.positive?.includes(name) ? 0.05 + 0.9 * rng.next() : rng.next() * 2 - 1;
    }
    if (width) for (let r = 0; r < size / width; r++) ref[o + r * width + rng.below(width)] = 1;
  }
  for (const [name, v] of Object.entries(setup.values ?? {})) ref.set(v, at[name]!);
  fast.arena.set(ref);
  const a = setup.call(referenceKernels(ref), at);
  const b = setup.call(fast.kernels, at);
  expect(b).toEqual(a); // kernels that return a value (countCorrect)
  for (const out of setup.outputs) {
    const o = at[out]!;
    const want = ref.subarray(o, o + setup.buffers[out]!);
    const got = fast.arena.subarray(o, o + setup.buffers[out]!);
    const scale = Math.max(1, ...Array.from(want, Math.abs));
    let worst = 0;
    for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(got[i]! - want[i]!));
    expect(worst, `${out}: worst difference ${worst} at scale ${scale}`).toBeLessThanOrEqual(2e-5 * scale);
  }
}

/** Both WebAssembly builds and the native kernels, on one thread and on three. */
export const TARGETS: Target[] = [...BUILDS, 'native' as const].flatMap((build) => [1, 3].map((threads) => ({ build, threads })));
