/**
 * Data augmentation: each training image, each epoch, goes through a random affine distortion
 * (a shift, a rotation and a scaling about its centre, as the 1998 paper's distortions and
 * Keras's RandomTranslation/RandomRotation/RandomZoom do), sampled bilinearly, with zeros (the
 * background) where the distorted image reaches outside the original.
 *
 * The distortion of an example depends only on (seed, epoch, example index): no generator state
 * runs through the epoch, so a run resumed mid-epoch distorts the rest of it as the
 * uninterrupted run does, and any batch order gives the same images. Distorting writes straight
 * into the batch buffer: a training step allocates nothing.
 */

export interface AugmentSpec {
  /** the largest shift, in pixels, along each axis */
  readonly shift?: number;
  /** the largest rotation, in degrees, either way */
  readonly rotate?: number;
  /** the largest change of size, as a fraction: 0.1 scales by 0.9 to 1.1 */
  readonly scale?: number;
}

/** The settings with their meaning, for the spec's schema and the README. */
export const AUGMENT_SETTINGS = {
  shift: { type: 'number', minimum: 0, maximum: 1024, default: 0, description: 'the largest shift in pixels along each axis (uniform in ±shift)' },
  rotate: { type: 'number', minimum: 0, maximum: 180, default: 0, description: 'the largest rotation in degrees (uniform in ±rotate)' },
  scale: { type: 'number', minimum: 0, exclusiveMaximum: 1, default: 0, description: 'the largest change of size: the factor is uniform in 1 ± scale' },
} as const;

/** A 32-bit integer hash (the finalizer of MurmurHash3): well mixed, no state. */
function mix(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** A uniform number in [-1, 1) from (key, draw). */
const symmetric = (key: number, draw: number) => (mix(key + Math.imul(draw, 0x9e3779b9)) / 2147483648) - 1;

/** The inverse of a distortion: where in the source each destination pixel is sampled. */
export interface Warp {
  /** source x = ax·x + bx·y + cx, source y = ay·x + by·y + cy, at destination pixel (x, y) */
  readonly ax: number;
  readonly bx: number;
  readonly cx: number;
  readonly ay: number;
  readonly by: number;
  readonly cy: number;
}

export class Augmenter {
  private readonly shift: number;
  private readonly rotate: number;
  private readonly scale: number;
  private readonly h: number;
  private readonly w: number;
  private readonly c: number;

  constructor(
    spec: AugmentSpec,
    shape: readonly [number, number, number],
    private readonly seed: number,
  ) {
    this.shift = spec.shift ?? 0;
    this.rotate = ((spec.rotate ?? 0) * Math.PI) / 180;
    this.scale = spec.scale ?? 0;
    [this.h, this.w, this.c] = shape;
  }

  /** The key of example `index` in epoch `epoch` (from 0). */
  key(epoch: number, index: number): number {
    return mix(mix(this.seed ^ mix(epoch + 0x5bd1e995)) ^ index);
  }

  /** The distortion of the example with this key: shift (pixels), rotation (radians, anticlockwise on the screen's axes) and scale. */
  distortion(key: number): { readonly tx: number; readonly ty: number; readonly angle: number; readonly scale: number } {
    return { tx: this.shift * symmetric(key, 1), ty: this.shift * symmetric(key, 2), angle: this.rotate * symmetric(key, 3), scale: 1 + this.scale * symmetric(key, 4) };
  }

  /** The distortion of the example with this key, as the inverse map from destination to source. */
  warp(key: number): Warp {
    const { h, w } = this;
    const { tx, ty, angle, scale: s } = this.distortion(key);
    // forward: p' = s·R·(p − c) + c + t; inverse: p = R⁻¹·(p' − c − t)/s + c
    const cos = Math.cos(angle) / s;
    const sin = Math.sin(angle) / s;
    const cx = (w - 1) / 2;
    const cy = (h - 1) / 2;
    const ox = -cx - tx;
    const oy = -cy - ty;
    return { ax: cos, bx: sin, cx: cos * ox + sin * oy + cx, ay: -sin, by: cos, cy: -sin * ox + cos * oy + cy };
  }

  /** Write the distorted image `src[from ..]` into `dst[to ..]` (both h·w·c floats, NHWC). */
  distort(src: Float32Array, from: number, dst: Float32Array, to: number, key: number): void {
    const { h, w, c } = this;
    const m = this.warp(key);
    const row = w * c;
    for (let y = 0; y < h; y++) {
      let sx = m.bx * y + m.cx;
      let sy = m.by * y + m.cy;
      for (let x = 0, out = to + y * row; x < w; x++, sx += m.ax, sy += m.ay, out += c) {
        if (sx >= 0 && sy >= 0 && sx < w - 1 && sy < h - 1) {
          // inside: all four neighbours are pixels (the common case, without checks)
          const x0 = sx | 0;
          const y0 = sy | 0;
          const fx = sx - x0;
          const fy = sy - y0;
          const p = from + y0 * row + x0 * c;
          for (let k = 0; k < c; k++) {
            const top = src[p + k]! + fx * (src[p + c + k]! - src[p + k]!);
            const bottom = src[p + row + k]! + fx * (src[p + row + c + k]! - src[p + row + k]!);
            dst[out + k] = top + fy * (bottom - top);
          }
        } else if (sx > -1 && sy > -1 && sx < w && sy < h) this.edge(src, from, dst, out, sx, sy);
        else for (let k = 0; k < c; k++) dst[out + k] = 0; // a pixel or more outside: background
      }
    }
  }

  /** A pixel sampled at the border, where some of its four neighbours are background (0). */
  private edge(src: Float32Array, from: number, dst: Float32Array, out: number, sx: number, sy: number): void {
    const { w, h, c } = this;
    const x0 = Math.floor(sx);
    const y0 = Math.floor(sy);
    const fx = sx - x0;
    const fy = sy - y0;
    const left = x0 >= 0;
    const right = x0 + 1 < w;
    const up = y0 >= 0;
    const down = y0 + 1 < h;
    const p = from + (y0 * w + x0) * c;
    for (let k = 0; k < c; k++) {
      const a = left && up ? src[p + k]! : 0;
      const b = right && up ? src[p + c + k]! : 0;
      const d = left && down ? src[p + w * c + k]! : 0;
      const e = right && down ? src[p + w * c + c + k]! : 0;
      const top = a + fx * (b - a);
      dst[out + k] = top + fy * (d + fx * (e - d) - top);
    }
  }
}
