/**
 * One image file made into a network's input: PNG and JPEG decoding, Pillow's 'L' conversion
 * and Pillow's bilinear resize, against hand-computed values and values Pillow computed.
 */
import jpeg from 'jpeg-js';
import pngjs from 'pngjs';
import { describe, expect, it } from 'vitest';
import { decodeImage, MAX_IMAGE_PIXELS, prepareImage, resizeBilinear, toChannels, type RgbaImage } from '../../src/runtime/data/images.js';

/** An RGBA image from RGB triples, opaque. */
function rgbImage(width: number, height: number, rgb: readonly number[]): RgbaImage {
  const data = new Uint8Array(width * height * 4);
  for (let i = 0; i < width * height; i++) data.set([rgb[i * 3]!, rgb[i * 3 + 1]!, rgb[i * 3 + 2]!, 255], i * 4);
  return { width, height, data };
}

/** Pixels of a pattern that a smooth filter cannot hide errors in. */
const pattern = (w: number, h: number) => Array.from({ length: w * h }, (_, i) => ((i % w) * 37 + Math.floor(i / w) * 91 + (((i % w) * Math.floor(i / w)) % 13) * 11) % 256);

describe('decodeImage', () => {
  it('reads an RGBA PNG and a gray PNG exactly', () => {
    const png = new pngjs.PNG({ width: 3, height: 2 });
    const want = [0, 1, 2, 3, 4, 5].map((i) => [i * 40, 255 - i * 40, i * 7, i === 5 ? 0 : 255]);
    want.forEach((p, i) => png.data.set(p, i * 4));
    expect(Array.from(decodeImage(pngjs.PNG.sync.write(png)).data)).toEqual(want.flat());
    // a gray PNG (colorType 0) decodes to R = G = B, opaque
    [0, 1, 2, 3, 4, 5].forEach((i) => png.data.set([i * 50, i * 50, i * 50, 255], i * 4));
    const img = decodeImage(pngjs.PNG.sync.write(png, { colorType: 0 }));
    expect([img.width, img.height]).toEqual([3, 2]);
    expect(Array.from(img.data)).toEqual([0, 1, 2, 3, 4, 5].flatMap((i) => [i * 50, i * 50, i * 50, 255]));
  });

  it('reads a JPEG written at quality 100 to within 3 levels of its pixels', () => {
    // JPEG is lossy even at quality 100 (the DCT and the colour transform are rounded): on this
    // smooth gradient the error is 2 levels at most; 3 are allowed.
    const w = 16;
    const h = 8;
    const rgb = Array.from({ length: w * h }, (_, i) => [(i % w) * 16, Math.floor(i / w) * 32, 128]).flat();
    const encoded = jpeg.encode({ width: w, height: h, data: rgbImage(w, h, rgb).data }, 100).data;
    const img = decodeImage(encoded);
    expect([img.width, img.height]).toEqual([w, h]);
    let worst = 0;
    for (let i = 0; i < w * h; i++) for (let k = 0; k < 3; k++) worst = Math.max(worst, Math.abs(img.data[i * 4 + k]! - rgb[i * 3 + k]!));
    expect(worst).toBeLessThanOrEqual(3);
  });

  it('refuses what is neither PNG nor JPEG, a truncated file, and a decompression bomb', () => {
    expect(() => decodeImage(Buffer.from('GIF89a....'))).toThrow(/neither a PNG nor a JPEG \(it starts with the bytes 47 49 46 38\)/);
    expect(() => decodeImage(new Uint8Array(0))).toThrow(/of an empty file/);
    const png = pngjs.PNG.sync.write(new pngjs.PNG({ width: 8, height: 8 }));
    expect(() => decodeImage(png.subarray(0, png.length - 20))).toThrow(/^is a PNG that cannot be decoded, damaged or truncated perhaps \(/);
    const jpg = jpeg.encode({ width: 8, height: 8, data: new Uint8Array(256) }, 90).data;
    expect(() => decodeImage(jpg.subarray(0, 40))).toThrow(/^is a JPEG that cannot be decoded, damaged or truncated perhaps \(/);
    const bomb = Buffer.from(png);
    bomb.writeUInt32BE(100_000, 16);
    bomb.writeUInt32BE(100_000, 20);
    expect(() => decodeImage(bomb)).toThrow(`more than ${MAX_IMAGE_PIXELS.toLocaleString('en-US')}`);
  });
});

describe('toChannels', () => {
  it("makes gray as Pillow's convert('L') does: ITU-R 601-2 luma, rounded", () => {
    // Pillow 9.4: Image.new('RGB', (1, 1), c).convert('L').getpixel((0, 0))
    const cases: [number[], number][] = [
      [[255, 0, 0], 76],
      [[0, 255, 0], 150],
      [[0, 0, 255], 29],
      [[12, 34, 56], 30],
      [[200, 100, 50], 124],
      [[255, 255, 255], 255],
      [[1, 1, 1], 1],
    ];
    const img = rgbImage(cases.length, 1, cases.flatMap(([c]) => c));
    expect(Array.from(toChannels(img, 1))).toEqual(cases.map(([, l]) => l));
    // by hand, 0.299·200 + 0.587·100 + 0.114·50 = 124.2
    expect(toChannels(rgbImage(1, 1, [200, 100, 50]), 1)[0]).toBe(Math.round(0.299 * 200 + 0.587 * 100 + 0.114 * 50));
  });

  it('keeps RGB and drops alpha; a gray image becomes three equal channels', () => {
    const img = { width: 2, height: 1, data: Uint8Array.from([10, 20, 30, 0, 40, 40, 40, 128]) };
    expect(Array.from(toChannels(img, 3))).toEqual([10, 20, 30, 40, 40, 40]);
  });
});

describe('resizeBilinear', () => {
  it('shrinks by a triangle filter widened to the scale (by hand: 4 → 2)', () => {
    // scale 2: output 0 is centred at 1.0 and reads inputs 0..2 at weights 0.75, 0.75, 0.25
    // (normalized: 3/7, 3/7, 1/7); output 1, centred at 3.0, reads 1..3 at 1/7, 3/7, 3/7.
    expect(Array.from(resizeBilinear(Uint8Array.from([0, 70, 140, 210]), 4, 1, 1, 2, 1))).toEqual([50, 160]);
    // a plain average of pairs would give [35, 175]
  });

  it('enlarges by plain bilinear interpolation (by hand: 2 → 4)', () => {
    // scale 0.5: centres 0.25, 0.75, 1.25, 1.75; the edges clamp
    expect(Array.from(resizeBilinear(Uint8Array.from([0, 100]), 2, 1, 1, 4, 1))).toEqual([0, 25, 75, 100]);
    expect(Array.from(resizeBilinear(Uint8Array.from([0, 100]), 1, 2, 1, 1, 4))).toEqual([0, 25, 75, 100]);
  });

  it('leaves an image of the right size alone', () => {
    const src = Uint8Array.from(pattern(5, 4));
    expect(resizeBilinear(src, 5, 4, 1, 5, 4)).toBe(src);
  });

  // Pillow 9.4: Image.new('L', (7, 5)) holding pattern(7, 5), .resize(size, Image.BILINEAR)
  const PILLOW: [number, number, number[]][] = [
    [3, 2, [108, 135, 131, 117, 120, 123]],
    [7, 2, [79, 127, 117, 165, 97, 150, 128, 87, 157, 87, 157, 65, 182, 89]],
    [4, 5, [19, 77, 145, 203, 116, 191, 95, 98, 201, 100, 157, 115, 54, 163, 130, 118, 138, 72, 67, 153]],
    [2, 2, [119, 132, 118, 122]],
    [
      11,
      9,
      [
        0, 17, 40, 64, 87, 111, 135, 158, 182, 205, 222, 30, 49, 74, 101, 126, 152, 124, 119, 145, 170, 189, 81, 102, 132, 162, 191, 221, 107, 53, 83, 113, 134, 131, 156,
        179, 140, 142, 176, 120, 101, 135, 107, 79, 182, 209, 223, 98, 65, 103, 141, 178, 216, 114, 24, 90, 120, 151, 120, 130, 172, 123, 130, 211, 119, 32, 27, 60, 102,
        130, 167, 212, 103, 87, 196, 127, 55, 78, 113, 146, 87, 89, 139, 74, 67, 140, 146, 143, 108, 145, 173, 62, 43, 95, 56, 55, 107, 158, 195,
      ],
    ],
  ];
  it.each(PILLOW)("gives Pillow's bytes, 7×5 to %i×%i", (w, h, want) => {
    expect(Array.from(resizeBilinear(Uint8Array.from(pattern(7, 5)), 7, 5, 1, w, h))).toEqual(want);
  });

  it("gives Pillow's bytes for RGB, and for RGB made gray then resized", () => {
    // Pillow 9.4: a 5×4 RGB image, .resize((3, 3), BILINEAR) and .convert('L').resize((2, 3), BILINEAR)
    const rgb = Array.from({ length: 20 }, (_, i) => [((i % 5) * 50 + Math.floor(i / 5) * 20) % 256, ((i % 5) ** 2 * 9 + Math.floor(i / 5) * 31) % 256, (((255 - (i % 5) * 40 - Math.floor(i / 5) * 10) % 256) + 256) % 256]).flat();
    const img = rgbImage(5, 4, rgb);
    expect(Array.from(prepareImage(img, [3, 3, 3]))).toEqual([27, 13, 235, 106, 49, 172, 185, 126, 109, 51, 51, 223, 130, 87, 160, 209, 164, 97, 75, 88, 211, 154, 124, 148, 130, 201, 85]);
    expect(Array.from(prepareImage(img, [3, 2, 1]))).toEqual([56, 119, 84, 147, 111, 157]);
  });
});
