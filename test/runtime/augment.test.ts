/**
 * Data augmentation against a plain implementation written here: each distorted pixel is the
 * source sampled bilinearly (zero outside) at the inverse of p' = s·R(θ)·(p − c) + c + t,
 * computed from the distortion's own parameters with a 2×2 inverse of the test's own.
 */
import { describe, expect, it } from 'vitest';
import { Augmenter } from '../../src/runtime/data/augment.js';
import { Batcher, type Split } from '../../src/runtime/data/dataset.js';
import { Random } from '../../src/runtime/random.js';

function randomImages(count: number, shape: readonly [number, number, number], seed = 5): Float32Array {
  const rng = new Random(seed);
  return Float32Array.from({ length: count * shape[0] * shape[1] * shape[2] }, () => rng.next());
}

/** The distorted image by the definition, in float64. */
function reference(a: Augmenter, key: number, src: Float32Array, from: number, shape: readonly [number, number, number]): Float64Array {
  const [h, w, c] = shape;
  const { tx, ty, angle, scale } = a.distortion(key);
  // forward matrix M = s·R; its inverse by the adjugate
  const m = [scale * Math.cos(angle), -scale * Math.sin(angle), scale * Math.sin(angle), scale * Math.cos(angle)];
  const det = m[0]! * m[3]! - m[1]! * m[2]!;
  const inv = [m[3]! / det, -m[1]! / det, -m[2]! / det, m[0]! / det];
  const cx = (w - 1) / 2;
  const cy = (h - 1) / 2;
  const at = (x: number, y: number, k: number) => (x >= 0 && y >= 0 && x < w && y < h ? src[from + (y * w + x) * c + k]! : 0);
  const out = new Float64Array(h * w * c);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const dx = x - cx - tx;
      const dy = y - cy - ty;
      const sx = inv[0]! * dx + inv[1]! * dy + cx;
      const sy = inv[2]! * dx + inv[3]! * dy + cy;
      const x0 = Math.floor(sx);
      const y0 = Math.floor(sy);
      const fx = sx - x0;
      const fy = sy - y0;
      for (let k = 0; k < c; k++) {
        out[(y * w + x) * c + k] =
          at(x0, y0, k) * (1 - fx) * (1 - fy) + at(x0 + 1, y0, k) * fx * (1 - fy) + at(x0, y0 + 1, k) * (1 - fx) * fy + at(x0 + 1, y0 + 1, k) * fx * fy;
      }
    }
  }
  return out;
}

describe('data augmentation', () => {
  it.each([
    ['a shift', { shift: 3 }, [12, 12, 1]],
    ['a rotation', { rotate: 30 }, [11, 13, 1]],
    ['a scaling', { scale: 0.3 }, [10, 10, 3]],
    ['all three, on RGB', { shift: 2, rotate: 15, scale: 0.15 }, [9, 14, 3]],
    ['all three, as for MNIST', { shift: 2, rotate: 10, scale: 0.1 }, [28, 28, 1]],
  ] as const)('%s: each pixel is the bilinear sample at the inverse distortion', (_, spec, shape) => {
    const a = new Augmenter(spec, shape, 7);
    const size = shape[0] * shape[1] * shape[2];
    const src = randomImages(4, shape);
    const dst = new Float32Array(size);
    for (let i = 0; i < 4; i++) {
      for (const epoch of [0, 3]) {
        const key = a.key(epoch, i);
        a.distort(src, i * size, dst, 0, key);
        const want = reference(a, key, src, i * size, shape);
        for (let p = 0; p < size; p++) expect(dst[p], `image ${i}, epoch ${epoch}, value ${p}`).toBeCloseTo(want[p]!, 5);
      }
    }
  });

  it('draws each parameter uniformly within its bound, independently of the others', () => {
    const a = new Augmenter({ shift: 2, rotate: 10, scale: 0.1 }, [28, 28, 1], 3);
    const draws = Array.from({ length: 20000 }, (_, i) => a.distortion(a.key(i % 7, i)));
    for (const [name, bound, of] of [
      ['tx', 2, (d: (typeof draws)[0]) => d.tx],
      ['ty', 2, (d: (typeof draws)[0]) => d.ty],
      ['angle', (10 * Math.PI) / 180, (d: (typeof draws)[0]) => d.angle],
      ['scale', 0.1, (d: (typeof draws)[0]) => d.scale - 1],
    ] as const) {
      const v = draws.map(of);
      expect(Math.max(...v), name).toBeLessThanOrEqual(bound);
      expect(Math.min(...v), name).toBeGreaterThanOrEqual(-bound);
      // uniform on [−b, b]: mean 0 and variance b²/3, within 5 standard errors
      const mean = v.reduce((s, x) => s + x, 0) / v.length;
      const variance = v.reduce((s, x) => s + (x - mean) ** 2, 0) / v.length;
      expect(Math.abs(mean), name).toBeLessThan((5 * bound) / Math.sqrt(3 * v.length));
      expect(variance / (bound * bound / 3), name).toBeCloseTo(1, 1);
    }
    const corr = (x: number[], y: number[]) => {
      const mx = x.reduce((s, v) => s + v, 0) / x.length;
      const my = y.reduce((s, v) => s + v, 0) / y.length;
      const sxy = x.reduce((s, v, i) => s + (v - mx) * (y[i]! - my), 0);
      const sxx = x.reduce((s, v) => s + (v - mx) ** 2, 0);
      const syy = y.reduce((s, v) => s + (v - my) ** 2, 0);
      return sxy / Math.sqrt(sxx * syy);
    };
    expect(Math.abs(corr(draws.map((d) => d.tx), draws.map((d) => d.ty)))).toBeLessThan(0.04);
    expect(Math.abs(corr(draws.map((d) => d.angle), draws.map((d) => d.scale)))).toBeLessThan(0.04);
  });

  it('with nothing to do, gives the images back unchanged', () => {
    const shape = [6, 5, 2] as const;
    const a = new Augmenter({}, shape, 1);
    const src = randomImages(2, shape);
    const dst = new Float32Array(60);
    a.distort(src, 60, dst, 0, a.key(0, 1));
    expect(dst).toEqual(src.subarray(60));
  });

  it('distorts an example the same way for the same seed, epoch and index, whatever the batches; otherwise differently', () => {
    const shape = [8, 8, 1] as const;
    const split: Split = { images: randomImages(10, shape), labels: new Float32Array(10 * 2), classes: new Uint8Array(10), count: 10 };
    const a = new Augmenter({ shift: 2, rotate: 20 }, shape, 11);
    const order = Uint32Array.from([3, 7, 0, 9, 1, 2, 8, 4, 6, 5]);
    const inBatches = (size: number) => {
      const b = new Batcher(split, size);
      const out: number[][] = [];
      for (let start = 0; start < 10; start += size) {
        const n = b.gather(order, start, Math.min(size, 10 - start), a, 2);
        const images = b.distorted(n, shape);
        for (let j = 0; j < n; j++) out.push(Array.from(images.subarray(j * 64, (j + 1) * 64)));
      }
      return out;
    };
    expect(inBatches(3)).toEqual(inBatches(4)); // a run resumed after any step distorts the rest alike
    expect(a.key(2, 3)).not.toBe(a.key(3, 3));
    expect(a.key(2, 3)).not.toBe(a.key(2, 4));
    expect(new Augmenter({ shift: 2 }, shape, 12).key(2, 3)).not.toBe(a.key(2, 3));
  });
});
