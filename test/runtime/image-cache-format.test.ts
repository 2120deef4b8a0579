/**
 * The decoded-images cache against its documented layout ("NETCIMGS", version, count, H, W, C,
 * the 32-byte key, the pixels, CRC-32 of all before it): a cache wrong in one field at a time,
 * its CRC made right again so that only that field's check can refuse it, is not believed (the
 * folder is decoded again, to the same pixels); the cache as written is.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { decodeFolder } from '../../src/runtime/data/image-cache.js';

const HEADER = 8 + 5 * 4 + 32;

/** A folder of two 3×3 grey PNGs, pixel values set by the test. */
function folder(): { dir: string; files: string[] } {
  const dir = mkdtempSync(join(tmpdir(), 'netc-cache-'));
  const files = ['a.png', 'b.png'];
  files.forEach((name, f) => {
    const png = new PNG({ width: 3, height: 3 });
    for (let i = 0; i < 9; i++) png.data.set([10 * i + f, 10 * i + f, 10 * i + f, 255], 4 * i);
    writeFileSync(join(dir, name), PNG.sync.write(png));
  });
  return { dir, files };
}

/** `bytes` with its trailing CRC recomputed over all before it. */
function withCrc(bytes: Buffer): Buffer {
  const b = Buffer.from(bytes);
  b.writeUInt32LE(crc32(b.subarray(0, b.length - 4)), b.length - 4);
  return b;
}

describe('the decoded-images cache', () => {
  it('is believed as written, and refused when any one field is wrong', () => {
    const { dir, files } = folder();
    const shape = [3, 3, 1] as const;
    const first = decodeFolder(dir, files, shape);
    expect(first.decoded).toBe(2);
    // grey 3×3 at its own size: the values written, file by file
    expect(Array.from(first.pixels)).toEqual([...Array.from({ length: 9 }, (_, i) => 10 * i), ...Array.from({ length: 9 }, (_, i) => 10 * i + 1)]);
    const good = readFileSync(first.cacheFile);
    expect(good.length).toBe(HEADER + 2 * 9 + 4);
    expect(good.toString('latin1', 0, 8)).toBe('NETCIMGS');
    expect([0, 1, 2, 3, 4].map((i) => good.readUInt32LE(8 + 4 * i))).toEqual([1, 2, 3, 3, 1]);
    expect(decodeFolder(dir, files, shape).decoded).toBe(0);

    const field = (offset: number) => (b: Buffer) => {
      b.writeUInt32LE(b.readUInt32LE(offset) + 1, offset);
      return withCrc(b);
    };
    const wrong: Record<string, (b: Buffer) => Buffer> = {
      magic: (b) => withCrc(Buffer.from(b.fill('X', 0, 1))),
      version: field(8),
      count: field(12),
      height: field(16),
      width: field(20),
      channels: field(24),
      key: (b) => {
        b[40]! ^= 1;
        return withCrc(b);
      },
      crc: (b) => {
        b[b.length - 1]! ^= 1;
        return b;
      },
      'a byte more': (b) => withCrc(Buffer.concat([b.subarray(0, b.length - 4), Buffer.from([0, 0, 0, 0, 0])])),
      'a byte less': (b) => withCrc(Buffer.concat([b.subarray(0, b.length - 5), Buffer.from([0, 0, 0, 0])])),
    };
    for (const [what, spoil] of Object.entries(wrong)) {
      writeFileSync(first.cacheFile, spoil(Buffer.from(good)));
      const again = decodeFolder(dir, files, shape);
      expect(again.decoded, what).toBe(2);
      expect(Array.from(again.pixels), what).toEqual(Array.from(first.pixels));
      // and rewritten as it should be
      expect(readFileSync(first.cacheFile).equals(good), what).toBe(true);
    }
  });
});
