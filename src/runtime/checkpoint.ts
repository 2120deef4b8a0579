/**
 * Checkpoints: everything needed to continue training exactly where it stopped — parameters,
 * optimizer state, the position in the epoch and the epoch's running sums — plus the resolved
 * spec, so a checkpoint alone is enough to evaluate or predict.
 *
 * Layout (little-endian):
 *   "NETCCKPT"            8 bytes
 *   version               uint32 (1)
 *   header length H       uint32
 *   header                H bytes of UTF-8 JSON (CheckpointHeader)
 *   data                  float32 values, each tensor at header.tensors[i].offset (in floats)
 *   CRC-32                uint32 of every byte before it
 * A checkpoint that is truncated, altered or of another format is refused, never loaded as
 * garbage; it is written with writeFileAtomic, so a crash leaves the previous one intact.
 */
import { crc32, readFileSync } from './platform/index.js';
import { writeFileAtomic } from './atomic.js';

const MAGIC = 'NETCCKPT';
const VERSION = 1;

export interface TensorEntry {
  readonly name: string;
  readonly kind: 'param' | 'state';
  readonly length: number;
  /** offset into the data section, in floats */
  readonly offset: number;
}

/** Where training stands: the next step is batch `batch` of epoch `epoch` (both from 0). */
export interface Progress {
  readonly epoch: number;
  readonly batch: number;
  /** optimizer steps taken */
  readonly step: number;
  /** running sums of the current epoch, so a resumed epoch reports what an uninterrupted one would */
  readonly lossSum: number;
  readonly correct: number;
  readonly seen: number;
  readonly seconds: number;
}

export interface CheckpointHeader {
  readonly model: string;
  readonly netcVersion: string;
  /** the resolved spec (YAML), with the command line's overrides applied */
  readonly spec: string;
  /** the spec file it came from, for messages */
  readonly source: string;
  readonly seed: number;
  readonly learningRate: number;
  readonly progress: Progress;
  /** how the run was set up (epochs, batch size, limit, backend...), for --resume */
  readonly settings?: Readonly<Record<string, unknown>>;
  /** the names of the classes, where the data set names them (an images folder's subfolders) */
  readonly classNames?: readonly string[];
  readonly tensors: readonly TensorEntry[];
}

export interface Checkpoint {
  readonly header: CheckpointHeader;
  readonly params: Record<string, Float32Array>;
  readonly state: Record<string, Float32Array>;
}

export class CheckpointError extends Error {
  constructor(
    readonly path: string,
    readonly problem: string,
  ) {
    super(`${path}: ${problem}`);
    this.name = 'CheckpointError';
  }
}

export function encodeCheckpoint(c: Omit<Checkpoint, 'header'> & { header: Omit<CheckpointHeader, 'tensors'> }): Uint8Array {
  const tensors: TensorEntry[] = [];
  let floats = 0;
  const add = (kind: 'param' | 'state', record: Record<string, Float32Array>) => {
    for (const [name, v] of Object.entries(record)) {
      tensors.push({ name, kind, length: v.length, offset: floats });
      floats += v.length;
    }
  };
  add('param', c.params);
  add('state', c.state);
  // Uint8Array, DataView and TextEncoder rather than Node's Buffer: checkpoints are bytes in a browser too
  const header = new TextEncoder().encode(JSON.stringify({ ...c.header, tensors }));
  const dataStart = 16 + header.length;
  const padded = Math.ceil(dataStart / 4) * 4; // float data starts 4-byte aligned
  const out = new Uint8Array(padded + floats * 4 + 4);
  const view = new DataView(out.buffer);
  for (let i = 0; i < MAGIC.length; i++) out[i] = MAGIC.charCodeAt(i);
  view.setUint32(8, VERSION, true);
  view.setUint32(12, padded - 16, true);
  out.set(header, 16);
  out.fill(0x20, 16 + header.length, padded); // JSON may end in spaces
  const data = new Float32Array(out.buffer, padded, floats);
  for (const t of tensors) data.set((t.kind === 'param' ? c.params : c.state)[t.name]!, t.offset);
  view.setUint32(out.length - 4, crc32(out.subarray(0, out.length - 4)), true);
  return out;
}

export function decodeCheckpoint(path: string, bytes: Uint8Array): Checkpoint {
  const b = bytes;
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  if (b.length < 20 || String.fromCharCode(...b.subarray(0, 8)) !== MAGIC) throw new CheckpointError(path, 'is not a netc checkpoint (its first bytes are not NETCCKPT)');
  const version = view.getUint32(8, true);
  if (version !== VERSION) throw new CheckpointError(path, `is a checkpoint of format ${version}; this netc reads format ${VERSION}`);
  const stored = view.getUint32(b.length - 4, true);
  if (crc32(b.subarray(0, b.length - 4)) !== stored) {
    throw new CheckpointError(path, 'is damaged or truncated (its checksum does not match); use an earlier checkpoint or train again');
  }
  // A matching checksum says the bytes are the ones written, not that the writer was netc: the
  // layout is checked as strictly as if it were not.
  const h = view.getUint32(12, true);
  if (h % 4 !== 0 || 16 + h > b.length - 4) throw new CheckpointError(path, `has a header length (${h}) that does not fit the file`);
  let header: CheckpointHeader;
  try {
    header = JSON.parse(new TextDecoder().decode(b.subarray(16, 16 + h))) as CheckpointHeader;
  } catch {
    throw new CheckpointError(path, 'has an unreadable header');
  }
  const problem = headerProblem(header);
  if (problem) throw new CheckpointError(path, `has an invalid header: ${problem}`);
  const floats = (b.length - 4 - 16 - h) / 4;
  if (!Number.isInteger(floats)) throw new CheckpointError(path, 'has a data section that is not a whole number of floats');
  const data = new Float32Array(b.buffer.slice(b.byteOffset + 16 + h, b.byteOffset + b.length - 4));
  // Null prototypes: a tensor named '__proto__' is a key like any other.
  const params: Record<string, Float32Array> = Object.create(null) as Record<string, Float32Array>;
  const state: Record<string, Float32Array> = Object.create(null) as Record<string, Float32Array>;
  for (const t of header.tensors) {
    if (t.offset + t.length > floats) throw new CheckpointError(path, `tensor '${t.name}' lies past the end of the data`);
    const into = t.kind === 'param' ? params : state;
    if (t.name in into) throw new CheckpointError(path, `holds tensor '${t.name}' twice`);
    into[t.name] = data.slice(t.offset, t.offset + t.length);
  }
  return { header, params, state };
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

/** What is wrong with a decoded header, or undefined: every field later code relies on. */
function headerProblem(h: unknown): string | undefined {
  if (!isObject(h)) return 'it is not a JSON object';
  for (const k of ['model', 'netcVersion', 'spec', 'source'] as const) if (typeof h[k] !== 'string') return `'${k}' is not text`;
  if (!isCount(h.seed)) return "'seed' is not a whole number";
  if (typeof h.learningRate !== 'number' || !Number.isFinite(h.learningRate)) return "'learningRate' is not a number";
  const p = h.progress;
  if (!isObject(p)) return "'progress' is missing";
  for (const k of ['epoch', 'batch', 'step', 'correct', 'seen'] as const) if (!isCount(p[k])) return `'progress.${k}' is not a count`;
  for (const k of ['lossSum', 'seconds'] as const) if (typeof p[k] !== 'number') return `'progress.${k}' is not a number`;
  if (h.settings !== undefined && !isObject(h.settings)) return "'settings' is not an object";
  if (h.classNames !== undefined && !(Array.isArray(h.classNames) && h.classNames.every((n) => typeof n === 'string'))) return "'classNames' is not a list of names";
  if (!Array.isArray(h.tensors)) return "'tensors' is not a list";
  for (const [i, t] of h.tensors.entries()) {
    if (!isObject(t) || typeof t.name !== 'string' || (t.kind !== 'param' && t.kind !== 'state') || !isCount(t.length) || !isCount(t.offset)) {
      return `tensor ${i + 1} is not {name, kind: param or state, length, offset}`;
    }
  }
  return undefined;
}

export function writeCheckpoint(path: string, c: Parameters<typeof encodeCheckpoint>[0]): void {
  writeFileAtomic(path, encodeCheckpoint(c));
}

export function readCheckpoint(path: string): Checkpoint {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new CheckpointError(path, code === 'ENOENT' ? 'does not exist' : `cannot be read (${code})`);
  }
  return decodeCheckpoint(path, bytes);
}
