/**
 * The default thread count (src/runtime/idle-cores.ts): the cores idle over a short sample,
 * rounded, between one and the machine's cores.
 */
import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import { idleCores, threadsTheMachineCanGive } from '../../src/runtime/idle-cores.js';

describe('idleCores', () => {
  it.each([
    { why: 'a quiet 2-core machine', before: [0, 0], after: [100, 98], ms: 100, cores: 2, want: 2 },
    { why: 'one busy process on 2 cores', before: [500, 700], after: [503, 795], ms: 100, cores: 2, want: 1 },
    { why: 'every core busy: still one thread', before: [10, 10, 10, 10], after: [10, 11, 10, 12], ms: 100, cores: 4, want: 1 },
    { why: 'two of four cores idle, ticks of 10 ms', before: [0, 0, 0, 0], after: [100, 90, 10, 0], ms: 100, cores: 4, want: 2 },
    { why: 'never above the cores a process may use', before: [0, 0, 0, 0], after: [100, 100, 100, 100], ms: 100, cores: 2, want: 2 },
    { why: 'a clock that did not move: the cores', before: [0, 0], after: [0, 0], ms: 0, cores: 2, want: 2 },
    { why: 'a reading that went back (a core gone offline): not counted', before: [100, 100], after: [0, 200], ms: 100, cores: 2, want: 1 },
  ])('$why: $want', ({ before, after, ms, cores, want }) => {
    expect(idleCores(before, after, ms, cores)).toBe(want);
  });
});

describe('threadsTheMachineCanGive', () => {
  it('measures once per process, between one and the available cores', () => {
    const threads = threadsTheMachineCanGive();
    expect(threads).toBeGreaterThanOrEqual(1);
    expect(threads).toBeLessThanOrEqual(availableParallelism());
    const t0 = performance.now();
    expect(threadsTheMachineCanGive()).toBe(threads);
    expect(performance.now() - t0).toBeLessThan(50); // cached: no second sample
  });
});
