/**
 * The IDX format of MNIST and its relatives: a 4-byte magic (two zero bytes, a type code, the
 * number of dimensions), each dimension as a big-endian uint32, then the data, row-major.
 * Files may be gzipped. The reader checks the magic, the dimensions and the file's length
 * against its header, and says exactly what is wrong with a file that fails.
 */
import { closeSync, fstatSync, gunzipSync, openSync, readFileSync, readSync, statSync, zlibConstants } from '../platform/index.js';

export type IdxType = 'u8' | 'i8' | 'i16' | 'i32' | 'f32' | 'f64';

const TYPES: Record<number, { type: IdxType; bytes: number }> = {
  0x08: { type: 'u8', bytes: 1 },
  0x09: { type: 'i8', bytes: 1 },
  0x0b: { type: 'i16', bytes: 2 },
  0x0c: { type: 'i32', bytes: 4 },
  0x0d: { type: 'f32', bytes: 4 },
  0x0e: { type: 'f64', bytes: 8 },
};

export interface IdxHeader {
  readonly type: IdxType;
  readonly dims: readonly number[];
  /** bytes of header before the data */
  readonly headerBytes: number;
  /** bytes of data the header promises */
  readonly dataBytes: number;
}

export interface IdxArray extends IdxHeader {
  /** the raw data, as stored (big-endian for multi-byte types) */
  readonly data: Uint8Array;
}

/** A file that is missing or not what it claims; `problem` says what is wrong, for a person. */
export class IdxError extends Error {
  constructor(
    readonly path: string,
    readonly problem: string,
  ) {
    super(`${path}: ${problem}`);
    this.name = 'IdxError';
  }
}

const isGzip = (b: Uint8Array) => b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b;

/** Larger than any data set netc trains on fits in memory; a file claiming more is refused. */
export const MAX_IDX_BYTES = 4 * 1024 ** 3;

export function parseIdxHeader(path: string, b: Uint8Array): IdxHeader {
  if (b.length < 4) throw new IdxError(path, `is ${b.length} bytes long, too short to be an IDX file`);
  const t = TYPES[b[2]!];
  if (b[0] !== 0 || b[1] !== 0 || !t) {
    const magic = [...b.subarray(0, 4)].map((x) => x.toString(16).padStart(2, '0')).join(' ');
    throw new IdxError(path, `is not an IDX file: its first bytes are ${magic}, not 00 00 <type> <dims> (e.g. 00 00 08 03 for images)`);
  }
  const n = b[3]!;
  if (n === 0) throw new IdxError(path, 'declares 0 dimensions; an IDX file holds at least one (labels 1, images 3)');
  const headerBytes = 4 + 4 * n;
  if (b.length < headerBytes) throw new IdxError(path, `is truncated inside its header (${b.length} of ${headerBytes} bytes)`);
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const dims: number[] = [];
  for (let i = 0; i < n; i++) dims.push(view.getUint32(4 + 4 * i, false));
  // in doubles, exact up to 2^53: past the limit the product is only compared, never used
  const dataBytes = dims.reduce((a, d) => a * d, t.bytes);
  if (dataBytes > MAX_IDX_BYTES) {
    throw new IdxError(path, `claims ${dims.join('×')} values of ${t.bytes} bytes, more than netc can hold in memory (${MAX_IDX_BYTES / 1024 ** 3} GiB)`);
  }
  return { type: t.type, dims, headerBytes, dataBytes };
}

function readBytes(path: string): Uint8Array {
  let raw: Uint8Array;
  try {
    // only regular files: a device (/dev/zero) or a pipe would be read forever
    if (!statSync(path).isFile()) throw new IdxError(path, 'is not a regular file');
    raw = readFileSync(path);
  } catch (e) {
    if (e instanceof IdxError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    throw new IdxError(path, code === 'ENOENT' ? 'does not exist' : `cannot be read (${code ?? (e as Error).message})`);
  }
  if (!isGzip(raw)) return raw;
  // Inflate only as far as the header says the data goes (plus a byte, to notice trailing
  // data): a gzip bomb stops there instead of exhausting memory.
  const header = parseIdxHeader(path, inflateStart(path, raw));
  try {
    return gunzipSync(raw, { maxOutputLength: header.headerBytes + header.dataBytes + 1 });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new IdxError(path, `has more data after the ${header.dims.join('×')} values its header declares`);
    }
    throw new IdxError(path, `is not a valid gzip file (${(e as Error).message})`);
  }
}

/** The first bytes of a gzipped file, inflated: enough for an IDX header. */
function inflateStart(path: string, raw: Uint8Array): Uint8Array {
  try {
    return gunzipSync(raw.subarray(0, 64 * 1024), { finishFlush: zlibConstants.Z_SYNC_FLUSH, maxOutputLength: 1024 * 1024 });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') return gunzipSync(raw.subarray(0, 1024), { finishFlush: zlibConstants.Z_SYNC_FLUSH });
    throw new IdxError(path, `is not a valid gzip file (${(e as Error).message})`);
  }
}

/** Read and check a whole IDX file. */
export function readIdx(path: string): IdxArray {
  const b = readBytes(path);
  const h = parseIdxHeader(path, b);
  checkLength(path, h, b.length - h.headerBytes);
  return { ...h, data: b.subarray(h.headerBytes) };
}

/**
 * Read only the header (for checks that need the shape, not the data), and check the length of
 * an uncompressed file against it; a gzipped file is inflated only as far as its header.
 */
export function readIdxHeader(path: string): IdxHeader {
  let head: Uint8Array;
  let size: number;
  try {
    if (!statSync(path).isFile()) throw new IdxError(path, 'is not a regular file');
    const fd = openSync(path, 'r');
    try {
      const buf = Buffer.alloc(64 * 1024);
      const n = readSync(fd, buf, 0, buf.length, 0);
      head = buf.subarray(0, n);
      size = fstatSync(fd).size;
    } finally {
      closeSync(fd);
    }
  } catch (e) {
    if (e instanceof IdxError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    throw new IdxError(path, code === 'ENOENT' ? 'does not exist' : `cannot be read (${code ?? (e as Error).message})`);
  }
  if (isGzip(head)) {
    try {
      head = gunzipSync(head, { finishFlush: zlibConstants.Z_SYNC_FLUSH });
    } catch (e) {
      throw new IdxError(path, `is not a valid gzip file (${(e as Error).message})`);
    }
    return parseIdxHeader(path, head);
  }
  const h = parseIdxHeader(path, head);
  checkLength(path, h, size - h.headerBytes);
  return h;
}

function checkLength(path: string, h: IdxHeader, have: number): void {
  if (have < h.dataBytes) {
    throw new IdxError(path, `is truncated: its header promises ${h.dims.join('×')} values (${h.dataBytes} bytes) but it holds ${have} bytes of data`);
  }
  if (have > h.dataBytes) {
    throw new IdxError(path, `has ${have - h.dataBytes} bytes after the ${h.dims.join('×')} values its header declares`);
  }
}
