/**
 * The seeded generator against independent truths: xoshiro128** against the numbers its authors'
 * C reference gives, the string hash against FNV-1a's published values, and the shuffle and
 * `below` against the distributions they must have. Every parameter's initialization and every
 * epoch's order come from here, so a change to any of these numbers changes every trained model.
 */
import { describe, expect, it } from 'vitest';
import { hashSeed, Random } from '../../src/runtime/random.js';

/** A generator in a given xoshiro state (the fields are private to callers, not to this test). */
function inState(s0: number, s1: number, s2: number, s3: number): Random {
  return Object.assign(new Random(0), { s0, s1, s2, s3 });
}

describe('xoshiro128**', () => {
  it('gives the reference implementation’s numbers from state (1, 2, 3, 4)', () => {
    // Blackman and Vigna's xoshiro128starstar.c, compiled with gcc, started from s = {1, 2, 3, 4}
    const want = [11520, 0, 5927040, 70819200, 2031721883, 1637235492, 1287239034, 3734860849];
    const r = inState(1, 2, 3, 4);
    expect(want.map(() => r.nextUint32())).toEqual(want);
  });

  it('turns the top 24 bits into a float in [0, 1), exactly', () => {
    const want = [70819200, 2031721883, 1637235492, 3734860849];
    const r = inState(1, 2, 3, 4);
    for (let i = 0; i < 3; i++) r.nextUint32(); // 11520, 0, 5927040
    expect([r.next(), r.next(), r.next()]).toEqual(want.slice(0, 3).map((u) => Math.floor(u / 256) / 2 ** 24));
    r.nextUint32(); // 1287239034
    // the last one is above 2^31: the bits are read unsigned
    expect(r.next()).toBe(Math.floor(want[3]! / 256) / 2 ** 24);
  });

  it('is seeded by splitmix32: these seeds start with these numbers', () => {
    // the same seeding written in C (Weyl step 0x9e3779b9, MurmurHash3's fmix32, last word odd)
    const want: Record<number, number[]> = {
      0: [3809008728, 1133695204, 53579671, 2891528803],
      1: [2442144158, 3238099751, 3819917871, 2104621829],
      42: [2837322924, 544945897, 479756282, 3500138142],
      4294967295: [835879718, 1921286648, 2356199249, 1873990004],
    };
    for (const [seed, numbers] of Object.entries(want)) {
      const r = new Random(Number(seed));
      expect(numbers.map(() => r.nextUint32()), `seed ${seed}`).toEqual(numbers);
    }
    // a seed is read as 32 bits: −1 is 2^32 − 1
    expect(new Random(-1).nextUint32()).toBe(835879718);
  });
});

describe('hashSeed', () => {
  it('is FNV-1a with the seed mixed into the offset basis', () => {
    // FNV-1a 32-bit test vectors (Fowler, Noll and Vo): '' → 0x811c9dc5, 'a' → 0xe40c292c, 'foobar' → 0xbf9cf968
    expect(hashSeed(0, '')).toBe(0x811c9dc5);
    expect(hashSeed(0, 'a')).toBe(0xe40c292c);
    expect(hashSeed(0, 'foobar')).toBe(0xbf9cf968);
    // the C version with basis 0x811c9dc5 ^ 7
    expect(hashSeed(7, 'epoch 3')).toBe(3722247774);
  });
});

/** The number of standard deviations between a count and its expectation under a binomial. */
const sigmas = (count: number, trials: number, p: number) => Math.abs(count - trials * p) / Math.sqrt(trials * p * (1 - p));

describe('below and shuffle', () => {
  it('below(n) gives every integer in [0, n) equally often and nothing else', () => {
    const r = new Random(5);
    const n = 7;
    const trials = 70_000;
    const counts = new Map<number, number>();
    for (let i = 0; i < trials; i++) {
      const k = r.below(n);
      counts.set(k, (counts.get(k) ?? 0) + 1);
    }
    expect([...counts.keys()].sort()).toEqual([0, 1, 2, 3, 4, 5, 6]);
    for (const c of counts.values()) expect(sigmas(c, trials, 1 / n)).toBeLessThan(5);
  });

  it('shuffles into every order of three equally often (Fisher–Yates, not Sattolo)', () => {
    const r = new Random(9);
    const trials = 60_000;
    const counts = new Map<string, number>();
    for (let i = 0; i < trials; i++) {
      const key = Array.from(r.shuffle(Uint32Array.of(0, 1, 2))).join('');
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    expect([...counts.keys()].sort()).toEqual(['012', '021', '102', '120', '201', '210']);
    for (const c of counts.values()) expect(sigmas(c, trials, 1 / 6)).toBeLessThan(5);
  });

  it('puts each element in each place equally often, and keeps the elements', () => {
    const r = new Random(13);
    const n = 10;
    const trials = 20_000;
    const at = Array.from({ length: n }, () => new Array<number>(n).fill(0));
    for (let t = 0; t < trials; t++) {
      const a = r.shuffle(Uint32Array.from({ length: n }, (_, i) => i));
      if (t < 100) expect(Array.from(a).sort((x, y) => x - y)).toEqual(Array.from({ length: n }, (_, i) => i));
      a.forEach((v, place) => at[v]![place]!++);
    }
    for (const row of at) for (const c of row) expect(sigmas(c, trials, 1 / n)).toBeLessThan(5);
  });

  it('leaves arrays of zero and one element as they are', () => {
    const r = new Random(1);
    expect(Array.from(r.shuffle(new Float32Array(0)))).toEqual([]);
    expect(Array.from(r.shuffle(Float32Array.of(4)))).toEqual([4]);
  });
});
