/**
 * The fast backend's thread pool (src/runtime/kernels/wasm/threads.ts): whatever the thread
 * count, the same bits; and no lost wake-up on either side of the fork and join —
 *   - workers that have blocked (a pause far longer than their spin) still take the next job;
 *   - a main thread that blocks in its join, because one worker holds the whole job (a dense
 *     layer of one row: thread 0's share of one row is empty), is woken when that worker ends.
 * A lost wake-up blocks its thread in Atomics.wait for good, which no test timeout can
 * interrupt; so each scenario runs in a worker of its own (on dist/, which the global setup
 * builds), and one that has not answered in a minute is terminated and fails. More threads than
 * this machine has cores make workers lose their core as they would on a busy machine. No
 * assertion is about time.
 */
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';

const BACKEND = pathToFileURL(resolve('dist/src/runtime/kernels/wasm/backend.js')).href;

/**
 * Runs in a worker: make a pool of `threads`, fill its arena from a seed, run the scenario, post
 * the arena's results. Buffers: a conv's forward, input and filter gradients and a dense layer's.
 */
const SCENARIOS = `
const { parentPort, workerData: { backend, scenario, threads } } = require('node:worker_threads');
const TANH = 1, RELU = 3, LINEAR = 0;
const X = 0, W = 200000, B = 201000, Y = 300000, DX = 1000000, DW = 1500000, DZ = 2000000;
const conv = [16, 20, 20, 3, 18, 18, 12, 3, 3, 1, 1, 0, 0];
function step(k) {
  k.conv2d(X, W, B, Y, ...conv, TANH);
  k.conv2dGradInput(DZ, W, DX, ...conv);
  k.conv2dGradFilter(X, DZ, DW, ...conv);
  k.dense(X, W, B, 2500000, 64, 300, 90, RELU);
  k.denseGradWeight(X, DZ, 2600000, 64, 300, 90);
}
import(backend).then(async ({ createFastKernels }) => {
  const m = createFastKernels(1 << 22, 1 << 20, threads);
  let s = 12345;
  for (let i = 0; i < m.arena.length; i++) { s = (s * 1103515245 + 12345) >>> 0; m.arena[i] = s / 4294967296 - 0.5; }
  if (scenario === 'step') step(m.kernels);
  if (scenario === 'step, pause, step') {
    step(m.kernels);
    await new Promise((r) => setTimeout(r, 50)); // far past the workers' spin: asleep in Atomics.wait
    step(m.kernels);
  }
  // one row of 1024 × 1024 multiply-adds, 20 times: thread 0 of 2 takes rows [0, 0), a worker all
  if (scenario === 'one row') for (let i = 0; i < 20; i++) m.kernels.dense(X, W, B, Y, 1, 1024, 1024, LINEAR);
  const out = m.arena.slice(Y, 2700000);
  m.close();
  parentPort.postMessage(out, [out.buffer]);
});
`;

/** The results of a scenario on `threads` threads, or a failure when it has not ended in a minute. */
function run(scenario: string, threads: number): Promise<Buffer> {
  const worker = new Worker(SCENARIOS, { eval: true, workerData: { backend: BACKEND, scenario, threads } });
  return new Promise<Buffer>((done, fail) => {
    const timer = setTimeout(() => fail(new Error(`'${scenario}' on ${threads} threads has not ended in a minute: a thread waits for a wake-up that never comes`)), 60_000);
    worker.once('message', (out: Float32Array) => done(Buffer.from(out.buffer)));
    worker.once('error', fail);
    worker.once('exit', () => clearTimeout(timer));
  }).finally(() => void worker.terminate());
}

describe('the fast backend thread pool', () => {
  it('gives one thread’s bits on 2, 3 and more threads than cores', { timeout: 300_000 }, async () => {
    const want = await run('step', 1);
    for (const threads of [2, 3, availableParallelism() + 2]) {
      expect((await run('step', threads)).equals(want), `${threads} threads`).toBe(true);
    }
  });

  it('wakes workers that have blocked waiting for a job', { timeout: 120_000 }, async () => {
    const [many, one] = await Promise.all([run('step, pause, step', 3), run('step', 1)]);
    expect(many.equals(one)).toBe(true);
  });

  it('wakes a main thread that blocked while one worker held the whole job', { timeout: 120_000 }, async () => {
    const [two, one] = await Promise.all([run('one row', 2), run('one row', 1)]);
    expect(two.equals(one)).toBe(true);
  });
});
