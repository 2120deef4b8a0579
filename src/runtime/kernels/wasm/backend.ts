/**
 * The fast backend: the WebAssembly SIMD kernels of ./assembly, on every core.
 *
 * Memory is one shared WebAssembly.Memory: [kernel statics and the thread control block |
 * the model's arena | scratch for transformed weights]. The main thread computes its share of
 * each large kernel call while T − 1 workers, which spin on the control block, compute theirs;
 * a fork and join costs a few microseconds. Work is split over outputs (rows of pixels, rows of
 * a weight gradient), so every output is one thread's sum in one order: the same inputs give
 * the same bits whatever the thread count.
 */
import { readFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { Worker } from 'node:worker_threads';
import { packageFile } from '../../package-root.js';
import type { Kernels } from '../types.js';
import './webassembly-api.js';

/** Where the kernels' static data ends and the control block lives (bytes). */
const CTRL = 32768;
const ARENA_BYTE = 65536;
/** Below this many multiply-adds (or elements), a call runs on the main thread alone. */
const PARALLEL_WORK = 32768;
const WASM_PAGE = 65536;

type Exports = Record<string, (...args: number[]) => number>;

let compiled: { module: WebAssembly.Module; relaxed: boolean } | undefined;

/**
 * The compiled kernels: dist/kernels-relaxed.wasm, with fused multiply-adds, where this engine
 * runs relaxed SIMD (Node 20 does behind a V8 flag, which is set here before compiling), else
 * dist/kernels.wasm. NETC_RELAXED_SIMD=0 chooses the second. Both are built by
 * `npm run build:kernels`.
 */
export function kernelModule(): WebAssembly.Module {
  return loadKernels().module;
}

/** Whether the kernels in use fuse multiply and add. */
export function kernelsRelaxed(): boolean {
  return loadKernels().relaxed;
}

function loadKernels(): { module: WebAssembly.Module; relaxed: boolean } {
  if (compiled) return compiled;
  // Compile every kernel with the optimizing compiler from its first call: a training step calls
  // each kernel once, and V8's baseline code, which it would otherwise start with, runs the
  // first epoch several times slower.
  setFlagsFromString('--no-liftoff');
  const read = (name: string) => {
    try {
      return readFileSync(packageFile('dist', name));
    } catch {
      throw new Error("the fast kernels are not built: run 'npm run build' (npm ci does it) in netc's folder, or use --backend reference");
    }
  };
  if (process.env.NETC_RELAXED_SIMD !== '0') {
    const relaxed = read('kernels-relaxed.wasm');
    if (!WebAssembly.validate(relaxed)) setFlagsFromString('--experimental-wasm-relaxed-simd');
    if (WebAssembly.validate(relaxed)) return (compiled = { module: new WebAssembly.Module(relaxed), relaxed: true });
  }
  return (compiled = { module: new WebAssembly.Module(read('kernels.wasm')), relaxed: false });
}

/**
 * The worker: instantiate the module on the shared memory, then forever wait for a job
 * (spinning briefly first, since jobs come microseconds apart during a training step), run its
 * share, and count itself done. Written as a string so it runs the same from dist/ and src/.
 */
const WORKER = `
const { workerData } = require('node:worker_threads');
const { module, memory, ctrl: ctrlByte, arena, index, names } = workerData;
const instance = new WebAssembly.Instance(module, { env: { memory, abort() { throw new Error('kernel abort'); } } });
const ex = instance.exports;
ex.setArena(arena);
const ctrl = new Int32Array(memory.buffer, ctrlByte, 16);
const args = new Float64Array(memory.buffer, ctrlByte + 64, 40);
// Jobs are counted from 0 when the pool is made; one posted before this worker started is
// still ahead of it (the main thread waits for every job before posting the next).
let seen = 0;
for (;;) {
  let spins = 0;
  while (Atomics.load(ctrl, 0) === seen) {
    if (++spins > 200000) { Atomics.wait(ctrl, 0, seen, 100); spins = 0; }
  }
  seen = Atomics.load(ctrl, 0);
  if (Atomics.load(ctrl, 4) === 1) break;
  const T = ctrl[3];
  if (index < T) {
    const n = ctrl[5];
    const a = new Array(n + 2);
    for (let i = 0; i < n; i++) a[i] = args[i];
    a[n] = index;
    a[n + 1] = T;
    ex[names[ctrl[2]]].apply(null, a);
    Atomics.add(ctrl, 1, 1);
  }
}
`;

/** The kernels that split over threads, by index in the control block. */
const PARALLEL = ['biasGrad', 'transpose', 'subsample', 'subsampleGradInput', 'rbf', 'rbfGradInput', 'affine', 'mul', 'conv2d', 'conv2dGradFilter', 'conv2dGradInput', 'gemm', 'gemmTN', 'activation', 'activationGrad', 'add', 'copyChannels', 'sliceChannels', 'pad', 'padGrad', 'dropout', 'sgd', 'momentum', 'adam', 'avgpool', 'avgpoolGrad', 'avgpoolGradActivation', 'maxpool', 'maxpoolGrad'] as const;

export interface FastMemory {
  readonly memory: WebAssembly.Memory;
  readonly arena: Float32Array;
  readonly kernels: Kernels;
  readonly threads: number;
  /** stop the workers (they are unref'd, so an exiting process does not wait for them) */
  close(): void;
}

export function createFastKernels(floats: number, scratchFloats: number, threads: number): FastMemory {
  const module = kernelModule();
  // After the arena: scratch for transformed weights, then as many floats that stay zero.
  const scratch = floats + 16;
  const zeros = scratch + scratchFloats;
  const bytes = ARENA_BYTE + (zeros + scratchFloats + 64) * 4;
  const pages = Math.ceil(bytes / WASM_PAGE);
  const memory = new WebAssembly.Memory({ initial: pages, maximum: 65536, shared: true });
  const instance = new WebAssembly.Instance(module, { env: { memory, abort: () => { throw new Error('kernel abort'); } } });
  const ex = instance.exports as unknown as Exports;
  ex.setArena!(ARENA_BYTE);
  const arena = new Float32Array(memory.buffer, ARENA_BYTE, floats);
  const ctrl = new Int32Array(memory.buffer, CTRL, 16);
  const args = new Float64Array(memory.buffer, CTRL + 64, 40);
  const workers: Worker[] = [];
  for (let i = 1; i < threads; i++) {
    const w = new Worker(WORKER, { eval: true, workerData: { module, memory, ctrl: CTRL, arena: ARENA_BYTE, index: i, names: PARALLEL } });
    w.unref();
    workers.push(w);
  }
  const T = threads;

  /** Run `name` over all threads (when the work is large enough), or on this one. */
  function run(name: (typeof PARALLEL)[number], a: number[], work: number): void {
    const fn = ex[name]!;
    if (T === 1 || work < PARALLEL_WORK) {
      fn(...a, 0, 1);
      return;
    }
    for (let i = 0; i < a.length; i++) args[i] = a[i]!;
    ctrl[2] = PARALLEL.indexOf(name);
    ctrl[3] = T;
    ctrl[5] = a.length;
    Atomics.store(ctrl, 1, 0);
    Atomics.add(ctrl, 0, 1);
    Atomics.notify(ctrl, 0);
    fn(...a, 0, T);
    while (Atomics.load(ctrl, 1) < T - 1) {
      // the workers finish their shares; they started when we did
    }
  }

  const ceil4 = (n: number) => (n + 3) & ~3;

  const kernels: Kernels = {
    conv2d(x, w, b, y, n, H, W, C, OH, OW, F, KH, KW, SH, SW, PT, PL, act) {
      const flops = n * OH * OW * F * KH * KW * C;
      const F4 = ceil4(F);
      let wp = w;
      if (F4 !== F) {
        ex.padColumns!(w, scratch, KH * KW * C, F, F4);
        wp = scratch;
      }
      run('conv2d', [x, wp, F4, b, y, n, H, W, C, OH, OW, F, KH, KW, SH, SW, PT, PL, act, zeros], flops);
    },
    conv2dGradInput(dz, w, dx, n, H, W, C, OH, OW, F, KH, KW, SH, SW, PT, PL) {
      const C4 = ceil4(C);
      ex.transposeWeights!(w, scratch, KH * KW, C, F, C4);
      run('conv2dGradInput', [dz, scratch, C4, dx, n, H, W, C, OH, OW, F, KH, KW, SH, SW, PT, PL], n * OH * OW * F * KH * KW * C);
    },
    conv2dGradFilter(x, dz, dw, n, H, W, C, OH, OW, F, KH, KW, SH, SW, PT, PL) {
      run('conv2dGradFilter', [x, dz, dw, n, H, W, C, OH, OW, F, KH, KW, SH, SW, PT, PL], n * OH * OW * F * KH * KW * C);
    },
    biasGrad: (dz, db, rows, F) => run('biasGrad', [dz, db, rows, F], rows * F),
    dense: (x, w, b, y, n, K, U, act) => run('gemm', [x, K, w, U, y, U, n, U, K, b, act], n * K * U),
    denseGradInput(dz, w, dx, n, K, U) {
      run('transpose', [w, scratch, K, U], K * U * 4);
      run('gemm', [dz, U, scratch, K, dx, K, n, K, U, -1, 0], n * K * U);
    },
    denseGradWeight: (x, dz, dw, n, K, U) => run('gemmTN', [x, K, dz, U, dw, U, K, U, n], n * K * U),
    activation: (x, y, size, act) => run('activation', [x, y, size, act], size * 8),
    activationGrad: (y, dy, dx, size, act) => run('activationGrad', [y, dy, dx, size, act], size),
    softmax: (x, y, rows, cols) => void ex.softmax!(x, y, rows, cols),
    softmaxGrad: (y, dy, dx, rows, cols) => void ex.softmaxGrad!(y, dy, dx, rows, cols),
    avgpool: (x, y, n, H, W, C, OH, OW, PH, PW, SH, SW, PT, PL) =>
      run('avgpool', [x, y, n, H, W, C, OH, OW, PH, PW, SH, SW, PT, PL], n * OH * OW * C * PH * PW),
    avgpoolGrad: (dy, dx, n, H, W, C, OH, OW, PH, PW, SH, SW, PT, PL) =>
      run('avgpoolGrad', [dy, dx, n, H, W, C, OH, OW, PH, PW, SH, SW, PT, PL], n * OH * OW * C * PH * PW),
    avgpoolGradActivation: (dy, y, dx, n, H, W, C, OH, OW, PH, PW, SH, SW, PT, PL, act) =>
      run('avgpoolGradActivation', [dy, y, dx, n, H, W, C, OH, OW, PH, PW, SH, SW, PT, PL, act], n * OH * OW * C * PH * PW * 2),
    maxpool: (x, y, n, H, W, C, OH, OW, PH, PW, SH, SW, PT, PL) =>
      run('maxpool', [x, y, n, H, W, C, OH, OW, PH, PW, SH, SW, PT, PL], n * OH * OW * C * PH * PW),
    maxpoolGrad: (x, dy, dx, n, H, W, C, OH, OW, PH, PW, SH, SW, PT, PL) =>
      run('maxpoolGrad', [x, dy, dx, n, H, W, C, OH, OW, PH, PW, SH, SW, PT, PL], n * OH * OW * C * PH * PW),
    add: (a, b, y, size) => run('add', [a, b, y, size], size),
    copyChannels: (x, y, rows, cIn, cOut, offset) => run('copyChannels', [x, y, rows, cIn, cOut, offset], rows * cIn),
    sliceChannels: (dy, dx, rows, cIn, cOut, offset) => run('sliceChannels', [dy, dx, rows, cIn, cOut, offset], rows * cIn),
    pad: (x, y, n, H, W, C, PT, PB, PL, PR) => run('pad', [x, y, n, H, W, C, PT, PB, PL, PR], n * H * W * C),
    padGrad: (dy, dx, n, H, W, C, PT, PB, PL, PR) => run('padGrad', [dy, dx, n, H, W, C, PT, PB, PL, PR], n * H * W * C),
    copy: (x, y, size) => void ex.copy!(x, y, size),
    dropout: (x, y, size, rate, seed, salt) => run('dropout', [x, y, size, rate, seed, salt], size * 4),
    dropoutGrad: (dy, dx, size, rate, seed, salt) => run('dropout', [dy, dx, size, rate, seed, salt], size * 4),
    crossEntropy: (p, t, loss, n, C) => void ex.crossEntropy!(p, t, loss, n, C),
    crossEntropyGrad: (p, t, dp, n, C) => void ex.crossEntropyGrad!(p, t, dp, n, C),
    mse: (p, t, loss, n, C) => void ex.mse!(p, t, loss, n, C),
    mseGrad: (p, t, dp, n, C) => void ex.mseGrad!(p, t, dp, n, C),
    softmaxCrossEntropy: (z, t, loss, n, C) => void ex.softmaxCrossEntropy!(z, t, loss, n, C),
    softmaxCrossEntropyGrad: (z, t, dz, n, C) => void ex.softmaxCrossEntropyGrad!(z, t, dz, n, C),
    countCorrect: (scores, t, n, C) => ex.countCorrect!(scores, t, n, C),
    affine: (x, y, size, scale, shift) => run('affine', [x, y, size, scale, shift], size),
    mul: (a, b, y, size) => run('mul', [a, b, y, size], size),
    subsample: (x, coef, bias, y, n, H, W, C, OH, OW, PH, PW, SH, SW, act) =>
      run('subsample', [x, coef, bias, y, n, H, W, C, OH, OW, PH, PW, SH, SW, act], n * OH * OW * C * PH * PW * 4),
    subsampleGradInput: (dz, coef, dx, n, H, W, C, OH, OW, PH, PW, SH, SW) =>
      run('subsampleGradInput', [dz, coef, dx, n, H, W, C, OH, OW, PH, PW, SH, SW], n * OH * OW * C * PH * PW),
    subsampleGradCoef: (x, dz, dcoef, n, H, W, C, OH, OW, PH, PW, SH, SW) => void ex.subsampleGradCoef!(x, dz, dcoef, n, H, W, C, OH, OW, PH, PW, SH, SW),
    rbf: (x, w, y, n, K, U) => run('rbf', [x, w, y, n, K, U], n * K * U),
    rbfGradInput: (x, w, dy, dx, n, K, U) => run('rbfGradInput', [x, w, dy, dx, n, K, U], n * K * U),
    rbfMap: (y, t, loss, n, C, j) => void ex.rbfMap!(y, t, loss, n, C, j),
    rbfMapGrad: (y, t, dy, n, C, j) => void ex.rbfMapGrad!(y, t, dy, n, C, j),
    sgd: (p, g, size, lr) => run('sgd', [p, g, size, lr], size),
    momentum: (p, g, acc, size, lr, mu, nesterov) => run('momentum', [p, g, acc, size, lr, mu, nesterov], size),
    adam: (p, g, m, v, size, lr, b1, b2, eps, t) => run('adam', [p, g, m, v, size, lr, b1, b2, eps, t], size * 4),
  };
  return {
    memory,
    arena,
    kernels,
    threads,
    close() {
      Atomics.store(ctrl, 4, 1);
      Atomics.add(ctrl, 0, 1);
      Atomics.notify(ctrl, 0);
      for (const w of workers) void w.terminate();
    },
  };
}
