/**
 * An image file (PNG or JPEG) as the network's input. A model trained on an images folder gets
 * the file made exactly as the folder's images were (runtime/data/images.ts: gray or RGB,
 * Pillow's bilinear resize). Any other model gets what suits a drawing of a digit: made gray (or
 * kept RGB for three channels), composited onto white where transparent, scaled to the input's
 * height and width by averaging the source pixels each target pixel covers, and inverted when
 * its background is light — MNIST's digits are white on black, most drawings are black on white.
 */
import { readFileSync } from 'node:fs';
import { toFloats } from '../runtime/data/dataset.js';
import { decodeImage, prepareImage, type RgbaImage } from '../runtime/data/images.js';

export interface PreparedImage {
  readonly pixels: Float32Array;
  readonly width: number;
  readonly height: number;
  readonly inverted: boolean;
}

/** `asFolder`: the model was trained on an images folder, whose images are made so. */
export function imageFromFile(path: string, shape: readonly number[], asFolder: boolean): PreparedImage {
  const img = decodeImage(readFileSync(path));
  const [H, W, C] = shape as [number, number, number];
  if (asFolder && (C === 1 || C === 3)) return { pixels: toFloats(prepareImage(img, [H, W, C])), width: img.width, height: img.height, inverted: false };
  const out = areaAverage(onWhite(img, C), img.width, img.height, C, W, H);
  const mean = out.reduce((a, b) => a + b, 0) / out.length;
  const inverted = mean > 0.5;
  if (inverted) for (let i = 0; i < out.length; i++) out[i] = 1 - out[i]!;
  return { pixels: out, width: img.width, height: img.height, inverted };
}

/** C channels in [0, 1] (gray by luma for one), composited onto white. */
function onWhite(img: RgbaImage, C: number): Float32Array {
  const { width, height, data } = img;
  const src = new Float32Array(width * height * C);
  for (let i = 0; i < width * height; i++) {
    const a = data[i * 4 + 3]! / 255;
    const rgb = [0, 1, 2].map((k) => (data[i * 4 + k]! / 255) * a + (1 - a));
    if (C === 1) src[i] = 0.299 * rgb[0]! + 0.587 * rgb[1]! + 0.114 * rgb[2]!;
    else for (let k = 0; k < C; k++) src[i * C + k] = rgb[Math.min(k, 2)]!;
  }
  return src;
}

/** Area-average resampling of width × height × C to W × H. */
function areaAverage(src: Float32Array, width: number, height: number, C: number, W: number, H: number): Float32Array {
  const out = new Float32Array(H * W * C);
  for (let y = 0; y < H; y++) {
    const y0 = (y * height) / H;
    const y1 = ((y + 1) * height) / H;
    for (let x = 0; x < W; x++) {
      const x0 = (x * width) / W;
      const x1 = ((x + 1) * width) / W;
      for (let k = 0; k < C; k++) {
        let sum = 0;
        let area = 0;
        for (let sy = Math.floor(y0); sy < Math.ceil(y1); sy++) {
          const wy = Math.min(sy + 1, y1) - Math.max(sy, y0);
          for (let sx = Math.floor(x0); sx < Math.ceil(x1); sx++) {
            const wx = Math.min(sx + 1, x1) - Math.max(sx, x0);
            sum += src[(sy * width + sx) * C + k]! * wx * wy;
            area += wx * wy;
          }
        }
        out[(y * W + x) * C + k] = sum / area;
      }
    }
  }
  return out;
}
