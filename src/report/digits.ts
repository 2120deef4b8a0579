/**
 * Test images as small PNG data URLs, drawn from the pixels the network saw, so the report's
 * grid of mistakes shows exactly what was misread. Values are mapped to 0–255 over the range of
 * the whole split (MNIST's [0, 1], or whatever a spec's preprocessing made of it), so faint
 * digits stay faint.
 */
import pngjs from 'pngjs';
import type { Split } from '../runtime/data/dataset.js';

export interface PixelRange {
  readonly lo: number;
  readonly hi: number;
}

export function pixelRange(split: Split): PixelRange {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of split.images) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return lo < hi ? { lo, hi } : { lo: 0, hi: 1 };
}

/** `data:image/png;base64,...` for example `index` of an NHWC split of `shape` [h, w, c]. */
export function imageDataUrl(split: Split, index: number, shape: readonly [number, number, number], range: PixelRange): string {
  const [h, w, c] = shape;
  const size = h * w * c;
  const pixels = split.images.subarray(index * size, (index + 1) * size);
  const rgba = Buffer.alloc(h * w * 4);
  const byte = (v: number) => Math.max(0, Math.min(255, Math.round((255 * (v - range.lo)) / (range.hi - range.lo))));
  for (let p = 0; p < h * w; p++) {
    for (let k = 0; k < 3; k++) rgba[p * 4 + k] = byte(pixels[p * c + (c >= 3 ? k : 0)]!);
    rgba[p * 4 + 3] = 255;
  }
  const png = pngjs.PNG.sync.write(Object.assign(new pngjs.PNG({ width: w, height: h }), { data: rgba }), {
    colorType: c >= 3 ? 2 : 0,
  });
  return `data:image/png;base64,${png.toString('base64')}`;
}

/**
 * `count` NHWC images of `shape` side by side in a grid (`columns` wide, a 2-pixel gap, each
 * pixel drawn `zoom` times larger), as one PNG.
 */
export function imageGridPng(images: Float32Array, count: number, shape: readonly [number, number, number], range: PixelRange, columns: number, zoom = 2): Buffer {
  const [h, w, c] = shape;
  const gap = 2;
  const rows = Math.ceil(count / columns);
  const width = columns * (w * zoom + gap) + gap;
  const height = rows * (h * zoom + gap) + gap;
  const rgba = Buffer.alloc(width * height * 4, 255); // white between the images
  const byte = (v: number) => Math.max(0, Math.min(255, Math.round((255 * (v - range.lo)) / (range.hi - range.lo))));
  for (let i = 0; i < count; i++) {
    const left = gap + (i % columns) * (w * zoom + gap);
    const top = gap + Math.floor(i / columns) * (h * zoom + gap);
    for (let y = 0; y < h * zoom; y++) {
      for (let x = 0; x < w * zoom; x++) {
        const p = i * h * w * c + (Math.floor(y / zoom) * w + Math.floor(x / zoom)) * c;
        const q = ((top + y) * width + left + x) * 4;
        for (let k = 0; k < 3; k++) rgba[q + k] = byte(images[p + (c >= 3 ? k : 0)]!);
      }
    }
  }
  return pngjs.PNG.sync.write(Object.assign(new pngjs.PNG({ width, height }), { data: rgba }), { colorType: 2 });
}
