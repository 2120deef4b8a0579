/**
 * A mapping of many keys, within every limit (25,000 keys and values are 50,000 values, in half
 * a megabyte), is read in time proportional to its size. The yaml library's own check for a
 * repeated key compares each key with every key before it: 40 s of CPU for this file.
 */
import { describe, expect, it } from 'vitest';
import { BOMB_CPU_MS, cpuTimed } from '../helpers/cpu.js';
import { parseSource, SOURCE_LIMITS } from '../../src/spec/source.js';

describe('a mapping of 25,000 keys', () => {
  it('is read in bounded time, every key kept', () => {
    const text = Array.from({ length: SOURCE_LIMITS.maxNodes / 2 }, (_, i) => `k${i}: ${i}\n`).join('');
    const { value, ms } = cpuTimed(() => parseSource('keys.yaml', text));
    expect(value.diagnostics).toEqual([]);
    expect(Object.keys(value.value as object)).toHaveLength(25_000);
    expect((value.value as Record<string, number>).k24999).toBe(24_999);
    expect(ms).toBeLessThan(BOMB_CPU_MS);
  });

  it('with one key written again at the end: the repeat is found, in bounded time', () => {
    const text = Array.from({ length: SOURCE_LIMITS.maxNodes / 2 - 1 }, (_, i) => `k${i}: ${i}\n`).join('') + 'k7: again\n';
    const { value, ms } = cpuTimed(() => parseSource('keys.yaml', text));
    expect(value.diagnostics.map((d) => [d.code, d.loc!.line, d.related![0]!.loc!.line])).toEqual([['NETC1010', 25_000, 8]]);
    expect(ms).toBeLessThan(BOMB_CPU_MS);
  });
});
