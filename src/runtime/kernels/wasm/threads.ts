/**
 * The fast backend's threads. The main thread computes its share of each large kernel call while
 * T − 1 workers compute theirs; work is split over outputs (rows of pixels, rows of a weight
 * gradient), so every output is one thread's sum in one order: the same inputs give the same
 * bits whatever the thread count.
 *
 * Waiting: jobs come microseconds apart during a training step, so both sides first spin for
 * about as long as a fork and join costs, then block in Atomics.wait — a worker on the job
 * counter, the main thread on the done counter, which the last worker to finish notifies. On a
 * busy machine a thread that spins holds a core that the thread it waits for needs (with one
 * competing process, two spinning threads trained LeNet-5 at a third of one thread's speed);
 * one that blocks gives the core back after a few microseconds. (A browser's window thread may
 * not block: there the main thread only spins. The fast backend belongs in a Web Worker anyway.)
 *
 * Starting: a worker counts itself started in ctrl[6]. Until all have, each call runs whole on
 * the main thread — the same bits, as above — so nothing waits on a worker that a browser has not
 * started yet (a Web Worker may start only once the thread that made it returns to its events).
 */
import { canBlock, startWorker, type WorkerHandle } from '../../platform/index.js';
import './webassembly-api.js';

/** Where the kernels' static data ends and the control block lives (bytes). */
const CTRL = 32768;
/** Below this many multiply-adds (or elements), a call runs on the main thread alone. */
const PARALLEL_WORK = 32768;
/**
 * Polls of the control block before blocking: a few microseconds, about one fork and join. Longer
 * spins win nothing on a quiet machine (a wake-up from Atomics.wait costs tens of microseconds
 * once per wait, against kernels of hundreds) and lose a core's share on a busy one.
 */
export const SPINS = 2000;

/** The module's exported kernels, called from JavaScript with numbers. */
export type Exports = Record<string, (...args: number[]) => number>;

/**
 * The worker: instantiate the module on the shared memory, then forever wait for a job (spinning
 * briefly, then blocking on the job counter), run its share, and count itself done; the last one
 * done wakes the main thread. Written as a string so it runs the same from dist/ and src/, in Node
 * and in a browser: the source of a function of the data the platform layer hands a worker.
 */
const WORKER = `(workerData) => {
const { module, memory, ctrl: ctrlByte, arena, index, names, spins: SPINS } = workerData;
const instance = new WebAssembly.Instance(module, { env: { memory, abort() { throw new Error('kernel abort'); } } });
const ex = instance.exports;
ex.setArena(arena);
const ctrl = new Int32Array(memory.buffer, ctrlByte, 16);
const args = new Float64Array(memory.buffer, ctrlByte + 64, 40);
// Jobs are counted from 0 when the pool is made; one posted before this worker started is
// still ahead of it (the main thread waits for every job before posting the next).
let seen = 0;
Atomics.add(ctrl, 6, 1);
for (;;) {
  let spins = 0;
  while (Atomics.load(ctrl, 0) === seen) {
    // wait() sleeps only while the counter still reads 'seen': a job posted in between is not missed
    if (++spins > SPINS) Atomics.wait(ctrl, 0, seen);
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
    if (Atomics.add(ctrl, 1, 1) === T - 2) Atomics.notify(ctrl, 1);
  }
}
}`;

export interface Threads {
  /**
   * Run the export `name`, whose last two parameters are (t, T) — this is thread t of T — on
   * arguments `a`: over every thread when `work` (multiply-adds or elements) is large enough,
   * else on this one alone.
   */
  split(name: string, a: number[], work: number): void;
  /** stop the workers (they are unref'd, so an exiting process does not wait for them) */
  close(): void;
}

/** Start threads − 1 workers on `module` in `memory`, beside the main thread's instance `ex`. */
export function startThreads(module: WebAssembly.Module, memory: WebAssembly.Memory, ex: Exports, arenaByte: number, threads: number): Threads {
  // A job names its kernel by its index among the module's exported functions: both sides list
  // them from the same module, so no list of the kernels that split is kept by hand.
  const names = WebAssembly.Module.exports(module).filter((e) => e.kind === 'function').map((e) => e.name);
  const index = new Map(names.map((name, i) => [name, i]));
  const ctrl = new Int32Array(memory.buffer, CTRL, 16);
  const args = new Float64Array(memory.buffer, CTRL + 64, 40);
  const workers: WorkerHandle[] = [];
  for (let i = 1; i < threads; i++) workers.push(startWorker(WORKER, { module, memory, ctrl: CTRL, arena: arenaByte, index: i, names, spins: SPINS }));
  const T = threads;
  const block = canBlock();
  let started = false;
  return {
    split(name, a, work) {
      const fn = ex[name]!;
      if (!started) started = Atomics.load(ctrl, 6) === T - 1;
      if (T === 1 || !started || work < PARALLEL_WORK) {
        fn(...a, 0, 1);
        return;
      }
      for (let i = 0; i < a.length; i++) args[i] = a[i]!;
      ctrl[2] = index.get(name)!;
      ctrl[3] = T;
      ctrl[5] = a.length;
      Atomics.store(ctrl, 1, 0);
      Atomics.add(ctrl, 0, 1);
      Atomics.notify(ctrl, 0);
      fn(...a, 0, T);
      join(ctrl, T - 1, block);
    },
    close() {
      Atomics.store(ctrl, 4, 1);
      Atomics.add(ctrl, 0, 1);
      Atomics.notify(ctrl, 0);
      for (const w of workers) w.terminate();
    },
  };
}

/** Wait until `workers` have counted themselves done in ctrl[1]: spin briefly, then block (where this thread may). */
function join(ctrl: Int32Array, workers: number, block: boolean): void {
  let spins = 0;
  for (let done = Atomics.load(ctrl, 1); done < workers; done = Atomics.load(ctrl, 1)) {
    // the last worker notifies after its count; wait() returns at once if a count came in between
    if (++spins > SPINS && block) Atomics.wait(ctrl, 1, done);
  }
}

/** How many of the workers on `memory` have started (a browser starts them when it gets round to it). */
export function startedWorkers(memory: WebAssembly.Memory): number {
  return Atomics.load(new Int32Array(memory.buffer, CTRL, 16), 6);
}
