/**
 * One image file as a network's input, the way Keras's `load_img` makes it with Pillow: decoded
 * (PNG with pngjs, JPEG with jpeg-js, both pure JavaScript), converted to the input's channels
 * (RGB → gray by ITU-R 601-2 luma, as Pillow's `convert('L')`; gray → RGB by repeating; alpha
 * dropped, as Pillow's `convert` drops it), then resized to the input's height and width with
 * Pillow's bilinear filter. Each step works on bytes and rounds as Pillow does, so a folder of
 * images gives the same bytes Keras would see.
 */
import { decodeJpeg, decodePng } from '../platform/index.js';

/** More pixels than a training image needs: a larger file is refused before it is decoded. */
export const MAX_IMAGE_PIXELS = 4096 * 4096;

/** A network input's [height, width, channels] that images can be made into: gray or RGB. */
export type ImageShape = readonly [number, number, 1 | 3];

/** An image file that cannot be read or decoded, and why. */
export class ImageReadError extends Error {
  readonly reason: string;
  constructor(
    readonly path: string,
    cause: unknown,
  ) {
    const err = cause as NodeJS.ErrnoException;
    const reason = err.code && err.syscall ? `${err.code} (${err.syscall})` : String(err.message ?? cause);
    super(`${path}: ${reason}`);
    this.name = 'ImageReadError';
    this.reason = reason;
  }
}

/** Decoded pixels, 4 bytes each (RGBA). */
export interface RgbaImage {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array;
}

const PNG_MAGIC = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const JPEG_MAGIC = [0xff, 0xd8, 0xff];
const startsWith = (bytes: Uint8Array, magic: number[]) => bytes.length >= magic.length && magic.every((b, i) => bytes[i] === b);

/** Decode a PNG or a JPEG, told apart by their first bytes; throws an Error saying what is wrong. */
export function decodeImage(bytes: Uint8Array): RgbaImage {
  if (startsWith(bytes, PNG_MAGIC)) {
    // The IHDR chunk comes first: width and height at bytes 16 and 20. A decompression bomb declares a huge image there.
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (bytes.length >= 24 && view.getUint32(16) * view.getUint32(20) > MAX_IMAGE_PIXELS) {
      throw new Error(`it declares ${view.getUint32(16)}×${view.getUint32(20)} pixels, more than ${MAX_IMAGE_PIXELS.toLocaleString('en-US')}`);
    }
    return damaged('PNG', () => decodePng(bytes));
  }
  if (startsWith(bytes, JPEG_MAGIC)) {
    const img = damaged('JPEG', () => decodeJpeg(bytes, { maxResolutionInMP: MAX_IMAGE_PIXELS / 1e6, maxMemoryUsageInMB: 1024 }));
    return { width: img.width, height: img.height, data: img.data };
  }
  const head = Array.from(bytes.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join(' ');
  throw new Error(`is neither a PNG nor a JPEG (it starts with the bytes ${head || 'of an empty file'})`);
}

/** The decoder's result, or an Error saying the file is a `format` that cannot be decoded, and the decoder's reason. */
function damaged<T>(format: string, decode: () => T): T {
  try {
    return decode();
  } catch (e) {
    throw new Error(`is a ${format} that cannot be decoded, damaged or truncated perhaps (${e instanceof Error ? e.message : String(e)})`);
  }
}

/**
 * `channels` bytes per pixel: 1 is Pillow's 'L', (R·19595 + G·38470 + B·7471 + 2¹⁵) >> 16,
 * the 601-2 weights 0.299, 0.587, 0.114 in 16-bit fixed point with rounding; 3 is RGB.
 */
export function toChannels(img: RgbaImage, channels: 1 | 3): Uint8Array {
  const n = img.width * img.height;
  const src = img.data;
  const out = new Uint8Array(n * channels);
  if (channels === 1) {
    for (let i = 0; i < n; i++) out[i] = (src[i * 4]! * 19595 + src[i * 4 + 1]! * 38470 + src[i * 4 + 2]! * 7471 + 0x8000) >>> 16;
  } else {
    for (let i = 0; i < n; i++) out.set(src.subarray(i * 4, i * 4 + 3), i * 3);
  }
  return out;
}

/** Pillow's fixed-point precision for 8-bit images: 32 bits less 8 for the value and 2 for headroom. */
const PRECISION_BITS = 22;

/**
 * For each output position along one axis, the first input position it reads and its weights:
 * Pillow's `precompute_coeffs` with the bilinear (triangle) filter, whose support widens by the
 * scale factor when shrinking, so every input pixel counts (an area average, not a sample of
 * four), then `normalize_coeffs_8bpc`'s rounding to fixed point.
 */
function coefficients(inSize: number, outSize: number): { first: Int32Array; count: Int32Array; weights: Int32Array; width: number } {
  const scale = inSize / outSize;
  const filterScale = Math.max(scale, 1);
  const support = 1 * filterScale;
  const ss = 1 / filterScale;
  const width = Math.ceil(support) * 2 + 1;
  const first = new Int32Array(outSize);
  const count = new Int32Array(outSize);
  const weights = new Int32Array(outSize * width);
  const w = new Float64Array(width);
  for (let o = 0; o < outSize; o++) {
    const center = (o + 0.5) * scale;
    const lo = Math.max(Math.trunc(center - support + 0.5), 0);
    const n = Math.min(Math.trunc(center + support + 0.5), inSize) - lo;
    let total = 0;
    for (let k = 0; k < n; k++) {
      const x = Math.abs((k + lo - center + 0.5) * ss);
      w[k] = x < 1 ? 1 - x : 0;
      total += w[k]!;
    }
    for (let k = 0; k < n; k++) {
      const v = total !== 0 ? w[k]! / total : w[k]!;
      weights[o * width + k] = Math.trunc(v < 0 ? -0.5 + v * (1 << PRECISION_BITS) : 0.5 + v * (1 << PRECISION_BITS));
    }
    first[o] = lo;
    count[o] = n;
  }
  return { first, count, weights, width };
}

/** One pass of the separable filter along an axis: `lines` lines of `inSize` pixels, `stride` apart. */
function pass(src: Uint8Array, inSize: number, outSize: number, lines: number, channels: number, horizontal: boolean): Uint8Array {
  const { first, count, weights, width } = coefficients(inSize, outSize);
  const out = new Uint8Array(lines * outSize * channels);
  const half = 1 << (PRECISION_BITS - 1);
  for (let line = 0; line < lines; line++) {
    for (let o = 0; o < outSize; o++) {
      for (let c = 0; c < channels; c++) {
        let sum = half;
        for (let k = 0; k < count[o]!; k++) {
          const at = first[o]! + k;
          const index = horizontal ? (line * inSize + at) * channels + c : (at * lines + line) * channels + c;
          sum += src[index]! * weights[o * width + k]!;
        }
        const v = sum >> PRECISION_BITS;
        out[horizontal ? (line * outSize + o) * channels + c : (o * lines + line) * channels + c] = v < 0 ? 0 : v > 255 ? 255 : v;
      }
    }
  }
  return out;
}

/**
 * Resize `channels`-byte pixels from width × height to outWidth × outHeight as Pillow's
 * `Image.resize(size, Image.BILINEAR)` does: the horizontal pass, rounded to bytes, then the
 * vertical one, each in 22-bit fixed point (the whole image, without Pillow's crop of the rows
 * the vertical pass does not read, which changes no output).
 */
export function resizeBilinear(src: Uint8Array, width: number, height: number, channels: number, outWidth: number, outHeight: number): Uint8Array {
  const across = outWidth === width ? src : pass(src, width, outWidth, height, channels, true);
  return outHeight === height ? across : pass(across, height, outHeight, outWidth, channels, false);
}

/** A decoded image as the input of shape [height, width, channels]: bytes, not yet scaled to [0, 1]. */
export function prepareImage(img: RgbaImage, shape: ImageShape): Uint8Array {
  const [h, w, c] = shape;
  return resizeBilinear(toChannels(img, c), img.width, img.height, c, w, h);
}
