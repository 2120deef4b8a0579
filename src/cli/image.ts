/**
 * A PNG as the network's input: read with pngjs, made gray (or kept RGB for three channels),
 * composited onto white where transparent, scaled to the input's height and width by averaging
 * the source pixels each target pixel covers, and inverted when its background is light —
 * MNIST's digits are white on black, most drawings are black on white.
 */
import { readFileSync } from 'node:fs';
import pngjs from 'pngjs';

export interface PreparedImage {
  readonly pixels: Float32Array;
  readonly width: number;
  readonly height: number;
  readonly inverted: boolean;
}

/** More pixels than a drawing of a digit needs: a larger PNG is refused before it is decoded. */
export const MAX_PNG_PIXELS = 4096 * 4096;

export function imageFromPng(path: string, shape: readonly number[]): PreparedImage {
  const bytes = readFileSync(path);
  // The IHDR chunk comes first: width and height at bytes 16 and 20. A decompression bomb
  // declares a huge image there.
  if (bytes.length >= 24 && bytes.readUInt32BE(16) * bytes.readUInt32BE(20) > MAX_PNG_PIXELS) {
    throw new Error(`it declares ${bytes.readUInt32BE(16)}×${bytes.readUInt32BE(20)} pixels, more than ${MAX_PNG_PIXELS.toLocaleString('en-US')}`);
  }
  const png = pngjs.PNG.sync.read(bytes);
  const [H, W, C] = shape as [number, number, number];
  const { width, height, data } = png;
  // Source channels in [0, 1] on white.
  const src = new Float32Array(width * height * C);
  for (let i = 0; i < width * height; i++) {
    const a = data[i * 4 + 3]! / 255;
    const rgb = [0, 1, 2].map((k) => (data[i * 4 + k]! / 255) * a + (1 - a));
    if (C === 1) src[i] = 0.299 * rgb[0]! + 0.587 * rgb[1]! + 0.114 * rgb[2]!;
    else for (let k = 0; k < C; k++) src[i * C + k] = rgb[Math.min(k, 2)]!;
  }
  // Area-average resampling to H × W.
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
  const mean = out.reduce((a, b) => a + b, 0) / out.length;
  const inverted = mean > 0.5;
  if (inverted) for (let i = 0; i < out.length; i++) out[i] = 1 - out[i]!;
  return { pixels: out, width, height, inverted };
}
