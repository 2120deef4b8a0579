/**
 * Data augmentation: each training image, each epoch, goes through a random affine distortion
 * (a shift, a rotation and a scaling about its centre, as the 1998 paper's distortions and
 * Keras's RandomTranslation/RandomRotation/RandomZoom do), sampled bilinearly, with zeros (the
 * background) where the distorted image reaches outside the original.
 *
 * The distortion of an example depends only on (seed, epoch, example index): no generator state
 * runs through the epoch, so a run resumed mid-epoch distorts the rest of it as the
 * uninterrupted run does, and any batch order gives the same images.
 *
 * Here only each image's map is drawn (six numbers); the pixels are sampled by the backend's
 * affineWarp kernel, split over its threads, as the batch enters the model (a training step
 * allocates nothing, and the sampling costs the step little: see scripts/bench/augment.ts).
 */
import { WARP_FLOATS, warpImage } from '../kernels/reference/augment.js';

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
  /** one image's warp, for distort */
  private readonly one = new Float32Array(WARP_FLOATS);

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

  /** Write the warp of the example with this key at `out[at .. at + 6)`: the affineWarp kernel's (ax, bx, cx, ay, by, cy). */
  warpInto(key: number, out: Float32Array, at: number): void {
    const m = this.warp(key);
    out[at] = m.ax;
    out[at + 1] = m.bx;
    out[at + 2] = m.cx;
    out[at + 3] = m.ay;
    out[at + 4] = m.by;
    out[at + 5] = m.cy;
  }

  /**
   * Write the distorted image `src[from ..]` into `dst[to ..]` (both h·w·c floats, NHWC) with the
   * reference kernel. Training distorts in the backend's kernels instead (CompiledModel's
   * computeGradients with warps); this is for pictures of what the network sees, and tests.
   */
  distort(src: Float32Array, from: number, dst: Float32Array, to: number, key: number): void {
    const m = this.one;
    this.warpInto(key, m, 0); // rounded to float32 as in a warps buffer: the same image as the kernels'
    warpImage(src, from, dst, to, this.h, this.w, this.c, m[0]!, m[1]!, m[2]!, m[3]!, m[4]!, m[5]!);
  }
}
