/**
 * The verifier's sweep for buffers that are live together and share memory (anyOverlap), against
 * the definition checked pair by pair. The verifier names the pairs only when the sweep says
 * there is one, so a sweep that answered "yes" too often would still give right messages, only
 * quadratically slowly on a large graph; these cases catch a wrong answer either way: plans
 * built at random (some disjoint by construction, some not), and edges one float or one node
 * apart, where `<` and `<=` differ.
 */
import { describe, expect, it } from 'vitest';
import { anyOverlap, type Span } from '../../src/ir/verify.js';
import { Random } from '../../src/runtime/random.js';

const span = (id: string, first: number, last: number, at: number, size: number): Span => ({ id, first, last, at, size });

/** The definition: two buffers alive at a common node whose float ranges intersect (a buffer of no floats intersects none). */
function bruteForce(spans: Span[]): boolean {
  for (let a = 0; a < spans.length; a++)
    for (let b = a + 1; b < spans.length; b++) {
      const [x, y] = [spans[a]!, spans[b]!];
      const together = x.first <= y.last && y.first <= x.last;
      const shared = x.size > 0 && y.size > 0 && x.at < y.at + y.size && y.at < x.at + x.size;
      if (together && shared) return true;
    }
  return false;
}

describe('anyOverlap', () => {
  it.each([
    ['one buffer', [span('a', 0, 5, 0, 10)], false],
    ['adjacent in memory, live together', [span('a', 0, 5, 0, 10), span('b', 2, 7, 10, 4)], false],
    ['one float shared', [span('a', 0, 5, 0, 10), span('b', 2, 7, 9, 4)], true],
    ['the same memory, one ends at the node before the other starts', [span('a', 0, 4, 0, 10), span('b', 5, 7, 0, 10)], false],
    ['the same memory, one ends at the node the other starts', [span('a', 0, 5, 0, 10), span('b', 5, 7, 0, 10)], true],
    ['inside another', [span('a', 0, 9, 0, 100), span('b', 3, 4, 40, 2)], true],
    ['the later one below in memory', [span('a', 0, 9, 50, 10), span('b', 3, 4, 45, 6)], true],
    ['a freed gap reused', [span('a', 0, 2, 0, 8), span('b', 0, 9, 8, 8), span('c', 3, 9, 0, 8)], false],
    ['a freed gap reused one node too early', [span('a', 0, 3, 0, 8), span('b', 0, 9, 8, 8), span('c', 3, 9, 0, 8)], true],
    ['the overlap behind a buffer that ended', [span('a', 0, 1, 20, 5), span('b', 0, 9, 0, 10), span('c', 2, 9, 9, 30)], true],
    ['buffers of no floats, at the same offset or inside another', [span('a', 0, 9, 5, 0), span('b', 0, 9, 5, 0), span('c', 0, 9, 3, 4)], false],
  ])('%s', (_, spans, want) => {
    expect(bruteForce(spans)).toBe(want);
    expect(anyOverlap(spans)).toBe(want);
  });

  it('agrees with the definition on 3,000 random plans, tight and loose', () => {
    const rng = new Random(20);
    let overlapping = 0;
    for (let trial = 0; trial < 3000; trial++) {
      const count = 1 + rng.below(12);
      const nodes = 1 + rng.below(15);
      const room = 4 + rng.below(60);
      const spans: Span[] = [];
      for (let i = 0; i < count; i++) {
        const first = rng.below(nodes);
        spans.push(span(`v${i}`, first, first + rng.below(nodes - first + 1), rng.below(room), rng.below(9)));
      }
      const want = bruteForce(spans);
      if (want) overlapping++;
      expect(anyOverlap(spans), JSON.stringify(spans)).toBe(want);
    }
    // both answers were exercised, many times each
    expect(overlapping).toBeGreaterThan(300);
    expect(overlapping).toBeLessThan(2700);
  });
});
