/**
 * Warps for the affineWarp kernel's tests: the identity, a map half outside the image (every
 * pixel class: inside, at the border, background), then the Augmenter's own draws with large
 * bounds (so rotations and scalings reach past the borders).
 */
import { Augmenter } from '../../src/runtime/data/augment.js';

export function testWarps(n: number, shape: readonly [number, number, number], seed = 9): Float32Array {
  const [H, W] = shape;
  const warps = new Float32Array(6 * n);
  const a = new Augmenter({ shift: 3, rotate: 40, scale: 0.3 }, shape, seed);
  for (let i = 0; i < n; i++) {
    if (i === 0) warps.set([1, 0, 0, 0, 1, 0], 0);
    else if (i === 1) warps.set([0.9, 0.2, W / 2 - 0.3, -0.15, 1.1, -H / 3 + 0.4], 6);
    else a.warpInto(a.key(1, i), warps, 6 * i);
  }
  return warps;
}
