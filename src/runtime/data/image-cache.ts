/**
 * A folder's images decoded once: the bytes of every file, prepared for one input shape, are
 * kept beside the images in `.netc-cache-<H>x<W>x<C>-<key>.bin`, whose key hashes the shape and
 * every file's path, size and modification time. A file added, removed, renamed or changed
 * makes a new key, so the folder is decoded again and the outdated cache of that shape removed.
 *
 * Layout (little-endian): "NETCIMGS", version uint32, count, height, width, channels (uint32
 * each), the 32-byte key, count × H × W × C bytes of pixels, CRC-32 of all before it. A cache
 * that does not read back exactly so is ignored and rewritten. A folder netc cannot write to is
 * decoded every time, nothing worse.
 */
import { crc32, createHash, join, readdirSync, readFileSync, rmSync, statSync } from '../platform/index.js';
import { writeFileAtomic } from '../atomic.js';
import { decodeImage, ImageReadError, prepareImage, type ImageShape } from './images.js';

const MAGIC = 'NETCIMGS';
const VERSION = 1;
const HEADER = 8 + 5 * 4 + 32;

export interface DecodedFolder {
  /** count × H × W × C bytes, the files in the listing's order (class by class, sorted) */
  readonly pixels: Uint8Array;
  /** files decoded now: 0 when the cache held them */
  readonly decoded: number;
  readonly cacheFile: string;
}

const prefix = (shape: ImageShape) => `.netc-cache-${shape.join('x')}-`;

/** The cache's file for `files` (relative to `dir`) as they are on disk now, and its key. */
export function cacheFileOf(dir: string, files: readonly string[], shape: ImageShape): { file: string; key: Buffer } {
  const hash = createHash('sha256').update(JSON.stringify({ version: VERSION, shape }));
  for (const rel of files) {
    let st;
    try {
      st = statSync(join(dir, rel));
    } catch (e) {
      throw new ImageReadError(join(dir, rel), e);
    }
    hash.update(JSON.stringify([rel, st.size, st.mtimeMs]));
  }
  const key = hash.digest();
  return { file: join(dir, `${prefix(shape)}${key.toString('hex').slice(0, 16)}.bin`), key };
}

/** Every one of `files` (relative to `dir`) as the input of `shape`, from the cache when it is current; throws ImageReadError. */
export function decodeFolder(dir: string, files: readonly string[], shape: ImageShape): DecodedFolder {
  const size = shape[0] * shape[1] * shape[2];
  const cache = cacheFileOf(dir, files, shape);
  const cached = readCache(cache.file, cache.key, shape, files.length);
  if (cached) return { pixels: cached, decoded: 0, cacheFile: cache.file };
  const pixels = new Uint8Array(files.length * size);
  files.forEach((rel, i) => {
    const path = join(dir, rel);
    try {
      pixels.set(prepareImage(decodeImage(readFileSync(path)), shape), i * size);
    } catch (e) {
      throw new ImageReadError(path, e);
    }
  });
  writeCache(dir, cache.file, cache.key, shape, pixels, files.length);
  return { pixels, decoded: files.length, cacheFile: cache.file };
}

function readCache(file: string, key: Buffer, shape: ImageShape, count: number): Uint8Array | undefined {
  let b: Buffer;
  try {
    b = readFileSync(file);
  } catch {
    return undefined;
  }
  const size = shape[0] * shape[1] * shape[2];
  if (b.length !== HEADER + count * size + 4 || b.toString('latin1', 0, 8) !== MAGIC) return undefined;
  const fields = [VERSION, count, ...shape];
  if (fields.some((v, i) => b.readUInt32LE(8 + 4 * i) !== v) || !b.subarray(28, HEADER).equals(key)) return undefined;
  if (crc32(b.subarray(0, b.length - 4)) !== b.readUInt32LE(b.length - 4)) return undefined;
  return new Uint8Array(b.buffer, b.byteOffset + HEADER, count * size);
}

function writeCache(dir: string, file: string, key: Buffer, shape: ImageShape, pixels: Uint8Array, count: number): void {
  const out = Buffer.alloc(HEADER + pixels.length + 4);
  out.write(MAGIC, 0, 'latin1');
  [VERSION, count, ...shape].forEach((v, i) => out.writeUInt32LE(v, 8 + 4 * i));
  key.copy(out, 28);
  out.set(pixels, HEADER);
  out.writeUInt32LE(crc32(out.subarray(0, out.length - 4)), out.length - 4);
  try {
    writeFileAtomic(file, out);
    // older caches of this shape describe files that have changed since
    for (const name of readdirSync(dir)) {
      if (name.startsWith(prefix(shape)) && name.endsWith('.bin') && join(dir, name) !== file) rmSync(join(dir, name), { force: true });
    }
  } catch {
    // a folder netc cannot write to: decoded again next time
  }
}
