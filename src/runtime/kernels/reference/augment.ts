/**
 * The reference affine warp (data augmentation): each destination pixel is its source image
 * sampled bilinearly at an affine map of the pixel grid, with zeros where the sample reaches
 * outside. The fast kernels compute the same in float32; the tfjs kernels as tf.image.transform.
 */
import type { Arena } from '../types.js';

/** Floats per image in a warps buffer: (ax, bx, cx, ay, by, cy). */
export const WARP_FLOATS = 6;

/**
 * Write image `src[from ..]` warped into `dst[to ..]` (both H·W·C, NHWC): destination pixel
 * (x, y) samples the source at (ax·x + bx·y + cx, ay·x + by·y + cy).
 */
export function warpImage(
  src: Arena,
  from: number,
  dst: Arena,
  to: number,
  H: number,
  W: number,
  C: number,
  ax: number,
  bx: number,
  cx: number,
  ay: number,
  by: number,
  cy: number,
): void {
  const row = W * C;
  for (let y = 0; y < H; y++) {
    for (let x = 0, out = to + y * row; x < W; x++, out += C) {
      // each point from the map itself, not by stepping: every backend samples the same points
      const sx = ax * x + bx * y + cx;
      const sy = ay * x + by * y + cy;
      if (sx >= 0 && sy >= 0 && sx < W - 1 && sy < H - 1) {
        // inside: all four neighbours are pixels (the common case, without checks)
        const x0 = Math.floor(sx);
        const y0 = Math.floor(sy);
        const fx = sx - x0;
        const fy = sy - y0;
        const p = from + y0 * row + x0 * C;
        for (let k = 0; k < C; k++) {
          const top = src[p + k]! + fx * (src[p + C + k]! - src[p + k]!);
          const bottom = src[p + row + k]! + fx * (src[p + row + C + k]! - src[p + row + k]!);
          dst[out + k] = top + fy * (bottom - top);
        }
      } else if (sx > -1 && sy > -1 && sx < W && sy < H) edge(src, from, dst, out, W, H, C, sx, sy);
      else for (let k = 0; k < C; k++) dst[out + k] = 0; // every neighbour outside: background
    }
  }
}

/** A pixel sampled at the border, where some of its four neighbours are background (0). */
function edge(src: Arena, from: number, dst: Arena, out: number, W: number, H: number, C: number, sx: number, sy: number): void {
  const x0 = Math.floor(sx);
  const y0 = Math.floor(sy);
  const fx = sx - x0;
  const fy = sy - y0;
  const left = x0 >= 0;
  const right = x0 + 1 < W;
  const up = y0 >= 0;
  const down = y0 + 1 < H;
  const p = from + (y0 * W + x0) * C;
  for (let k = 0; k < C; k++) {
    const a = left && up ? src[p + k]! : 0;
    const b = right && up ? src[p + C + k]! : 0;
    const d = left && down ? src[p + W * C + k]! : 0;
    const e = right && down ? src[p + W * C + C + k]! : 0;
    const top = a + fx * (b - a);
    dst[out + k] = top + fy * (d + fx * (e - d) - top);
  }
}

export function affineWarp(m: Arena, x: number, y: number, warps: number, n: number, H: number, W: number, C: number): void {
  const size = H * W * C;
  for (let i = 0; i < n; i++) {
    const w = warps + i * WARP_FLOATS;
    warpImage(m, x + i * size, m, y + i * size, H, W, C, m[w]!, m[w + 1]!, m[w + 2]!, m[w + 3]!, m[w + 4]!, m[w + 5]!);
  }
}
