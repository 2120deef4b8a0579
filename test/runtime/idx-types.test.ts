/**
 * The IDX reader on every element type the format has, against files this test encodes itself
 * (big-endian, with DataView, as the format's description says): the element width sets how many
 * bytes the data takes, and each way the header and the length can disagree has its own message.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { loadImages, loadLabels } from '../../src/runtime/data/dataset.js';
import { readIdx, readIdxHeader } from '../../src/runtime/data/idx.js';

const dir = mkdtempSync(join(tmpdir(), 'netc-idx-types-'));
let n = 0;
function file(bytes: Uint8Array, gzip = false): string {
  const p = join(dir, `f${n++}.idx${gzip ? '.gz' : ''}`);
  writeFileSync(p, gzip ? gzipSync(bytes) : bytes);
  return p;
}

/** Each type as the IDX description defines it: its code, width, and how DataView writes one value big-endian. */
const TYPES = [
  { type: 'u8', code: 0x08, width: 1, values: [0, 1, 127, 128, 200, 255], set: (v: DataView, o: number, x: number) => v.setUint8(o, x), get: (v: DataView, o: number) => v.getUint8(o) },
  { type: 'i8', code: 0x09, width: 1, values: [0, 1, -1, 127, -128, -77], set: (v: DataView, o: number, x: number) => v.setInt8(o, x), get: (v: DataView, o: number) => v.getInt8(o) },
  { type: 'i16', code: 0x0b, width: 2, values: [0, 1, -1, 32767, -32768, 300], set: (v: DataView, o: number, x: number) => v.setInt16(o, x, false), get: (v: DataView, o: number) => v.getInt16(o, false) },
  { type: 'i32', code: 0x0c, width: 4, values: [0, 1, -1, 2147483647, -2147483648, 70000], set: (v: DataView, o: number, x: number) => v.setInt32(o, x, false), get: (v: DataView, o: number) => v.getInt32(o, false) },
  { type: 'f32', code: 0x0d, width: 4, values: [0, 1.5, -2.25, 0.125, -1e-3, 3.4e38], set: (v: DataView, o: number, x: number) => v.setFloat32(o, x, false), get: (v: DataView, o: number) => v.getFloat32(o, false) },
  { type: 'f64', code: 0x0e, width: 8, values: [0, 1.5, -2.25, 0.1, -1e-300, 1e300], set: (v: DataView, o: number, x: number) => v.setFloat64(o, x, false), get: (v: DataView, o: number) => v.getFloat64(o, false) },
] as const;

/** A header: 00 00, the type code, the dimension count, each dimension a big-endian uint32. */
function header(code: number, dims: readonly number[]): Uint8Array {
  const b = new Uint8Array(4 + 4 * dims.length);
  const v = new DataView(b.buffer);
  b[2] = code;
  b[3] = dims.length;
  dims.forEach((d, i) => v.setUint32(4 + 4 * i, d, false));
  return b;
}

function encode(t: (typeof TYPES)[number], values: readonly number[]): Uint8Array {
  const b = new Uint8Array(values.length * t.width);
  const v = new DataView(b.buffer);
  values.forEach((x, i) => t.set(v, i * t.width, x));
  return b;
}

const concat = (...parts: Uint8Array[]) => new Uint8Array(Buffer.concat(parts));
const problem = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    return (e as Error).message;
  }
  return 'no error';
};
/** The values as this test knows them: float32 rounds; the other types hold them exactly. */
const expected = (t: (typeof TYPES)[number]) => t.values.map((x) => (t.type === 'f32' ? Math.fround(x) : x));

describe.each(TYPES)('IDX files of type $type ($width bytes a value)', (t) => {
  const data = encode(t, t.values);

  it.each([false, true])('reads 2×3 values, big-endian, every byte as written (gzipped: %s)', (gzip) => {
    const p = file(concat(header(t.code, [2, 3]), data), gzip);
    const r = readIdx(p);
    expect({ type: r.type, dims: r.dims, headerBytes: r.headerBytes, dataBytes: r.dataBytes }).toEqual({ type: t.type, dims: [2, 3], headerBytes: 12, dataBytes: 6 * t.width });
    expect(Array.from(r.data)).toEqual(Array.from(data));
    const view = new DataView(r.data.buffer, r.data.byteOffset, r.data.byteLength);
    expect(t.values.map((_, i) => t.get(view, i * t.width))).toEqual(expected(t));
    expect(readIdxHeader(p)).toEqual({ type: t.type, dims: [2, 3], headerBytes: 12, dataBytes: 6 * t.width });
  });

  it('refuses a file one byte short, or of one byte per value, as truncated', () => {
    const bytes = 6 * t.width;
    const short = file(concat(header(t.code, [2, 3]), data.subarray(0, bytes - 1)));
    const message = `is truncated: its header promises 2×3 values (${bytes} bytes) but it holds ${bytes - 1} bytes of data`;
    expect(problem(() => readIdx(short))).toContain(message);
    expect(problem(() => readIdxHeader(short))).toContain(message);
    if (t.width > 1) {
      // what a reader that took every type for bytes would accept
      const narrow = file(concat(header(t.code, [2, 3]), data.subarray(0, 6)));
      expect(problem(() => readIdx(narrow))).toContain(`promises 2×3 values (${bytes} bytes) but it holds 6 bytes of data`);
    }
  });

  it('refuses a file one value longer than its header says', () => {
    const long = file(concat(header(t.code, [2, 3]), data, encode(t, [1])));
    const message = `has ${t.width} bytes after the 2×3 values its header declares`;
    expect(problem(() => readIdx(long))).toContain(message);
    expect(problem(() => readIdxHeader(long))).toContain(message);
  });

  it('is refused as images or labels unless it is unsigned bytes', () => {
    const images = file(concat(header(t.code, [1, 2, 3]), data));
    const labels = file(concat(header(t.code, [6]), encode(t, [0, 1, 2, 3, 4, 5])));
    if (t.type === 'u8') {
      expect(loadImages(images).shape).toEqual([2, 3, 1]);
      expect(Array.from(loadLabels(labels, 6))).toEqual([0, 1, 2, 3, 4, 5]);
    } else {
      expect(problem(() => loadImages(images))).toContain(`holds 1×2×3 values of type ${t.type}; images need unsigned bytes`);
      expect(problem(() => loadLabels(labels, 10))).toContain(`holds 6 values of type ${t.type}; labels need one dimension of unsigned bytes`);
    }
  });
});

describe('IDX headers whose dimensions make no sense', () => {
  it('refuses a dimension count of 0 with its own message', () => {
    const p = file(header(0x08, []));
    expect(problem(() => readIdx(p))).toMatch(/: declares 0 dimensions; an IDX file holds at least one/);
    expect(problem(() => readIdxHeader(p))).toMatch(/: declares 0 dimensions/);
  });

  it('refuses images of too few or too many dimensions and labels of more than one', () => {
    const five = file(concat(header(0x08, [1, 1, 2, 1, 1]), new Uint8Array(2)));
    const two = file(concat(header(0x08, [1, 2]), new Uint8Array(2)));
    expect(problem(() => loadImages(five))).toContain('holds 1×1×2×1×1 values of type u8; images need unsigned bytes, count × height × width (× channels)');
    expect(problem(() => loadImages(two))).toContain('holds 1×2 values of type u8; images need');
    expect(problem(() => loadLabels(two, 10))).toContain('holds 1×2 values of type u8; labels need one dimension');
  });

  // 65536 × 65536 int16 values are 8 GiB: in 32-bit arithmetic the size would wrap to 0 and an empty file would pass
  it.each([
    ['8 GiB of int16', 0x0b, [65536, 65536], '65536×65536 values of 2 bytes'],
    ['4 GiB and one byte', 0x08, [4097, 1024, 1024], '4097×1024×1024 values of 1 bytes'],
    ['dimensions of 2^32 − 1, float64', 0x0e, [4294967295, 4294967295, 4294967295], '4294967295×4294967295×4294967295 values of 8 bytes'],
  ])('refuses a header that claims more than memory holds (%s), plain or gzipped', (_, code, dims, claim) => {
    for (const gzip of [false, true]) {
      const p = file(header(code, dims), gzip);
      const want = `claims ${claim}, more than netc can hold in memory (4 GiB)`;
      expect(problem(() => readIdx(p))).toContain(want);
      expect(problem(() => readIdxHeader(p))).toContain(want);
    }
  });

  it('takes a header of exactly the limit for a size check, not a claim too large', () => {
    // 4 GiB exactly is allowed: the file is then merely truncated
    expect(problem(() => readIdx(file(header(0x08, [4096, 1024, 1024]))))).toContain('is truncated: its header promises 4096×1024×1024 values (4294967296 bytes) but it holds 0 bytes');
  });
});
