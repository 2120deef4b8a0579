/**
 * The platform layer in a browser: what ./index.ts gives in Node, under the same names and
 * types, so that a bundler can swap one for the other (package.json's "browser" field).
 *
 * A page has no files: the file, compression and hashing functions throw an error that says
 * what to do instead (pass bytes; train on arrays in memory). Worker threads are Web Workers
 * started from a Blob; they share memory only in a cross-origin isolated page, so elsewhere the
 * runtime computes on one thread. Atomics.wait is allowed in a Worker, not in a window.
 */
import type * as Node from './index.js';
import type { WorkerHandle } from './types.js';

export type { Dirent } from './index.js';
export type { WorkerHandle } from './types.js';

/** The little of the DOM and Web Worker globals used here (the project compiles without the DOM library). */
interface BrowserGlobals {
  readonly crossOriginIsolated?: boolean;
  readonly navigator?: { readonly hardwareConcurrency?: number };
  readonly importScripts?: unknown;
  readonly Worker: new (url: string) => { postMessage(data: unknown): void; terminate(): void };
  readonly Blob: new (parts: string[], options: { type: string }) => object;
  readonly URL: { createObjectURL(blob: object): string; revokeObjectURL(url: string): void };
  readonly MessageChannel: new () => { port1: { onmessage: (() => void) | null }; port2: { postMessage(data: unknown): void } };
}
const web = globalThis as unknown as BrowserGlobals;

export const platformName: typeof Node.platformName = 'browser';

export const cores: typeof Node.cores = () => web.navigator?.hardwareConcurrency ?? 1;
export const coreIdleTimes: typeof Node.coreIdleTimes = () => undefined;
export const sharedMemory: typeof Node.sharedMemory = () => web.crossOriginIsolated === true;
export const canBlock: typeof Node.canBlock = () => web.importScripts !== undefined;
export const env: typeof Node.env = () => undefined;
export const setEngineFlags: typeof Node.setEngineFlags = () => {};

export function startWorker(body: string, data: unknown): WorkerHandle {
  const source = `self.onmessage = (e) => { self.onmessage = null; (${body})(e.data); };`;
  const url = web.URL.createObjectURL(new web.Blob([source], { type: 'text/javascript' }));
  const worker = new web.Worker(url);
  worker.postMessage(data);
  return {
    terminate() {
      worker.terminate();
      web.URL.revokeObjectURL(url);
    },
  };
}

/** A function that a browser cannot run: calling it throws why, and what to do instead. */
function unavailable<F>(what: string): F {
  return (() => {
    throw new Error(`${what} needs Node: netc's runtime in a browser has no files; give it bytes or arrays in memory instead`);
  }) as F;
}

export const closeSync = unavailable<typeof Node.closeSync>('closing a file');
export const existsSync = unavailable<typeof Node.existsSync>('looking for a file');
export const fstatSync = unavailable<typeof Node.fstatSync>('reading a file');
export const fsyncSync = unavailable<typeof Node.fsyncSync>('writing a file');
export const mkdirSync = unavailable<typeof Node.mkdirSync>('making a folder');
export const openSync = unavailable<typeof Node.openSync>('opening a file');
export const readdirSync = unavailable<typeof Node.readdirSync>('listing a folder');
export const readFileSync = unavailable<typeof Node.readFileSync>('reading a file');
export const readSync = unavailable<typeof Node.readSync>('reading a file');
export const renameSync = unavailable<typeof Node.renameSync>('renaming a file');
export const rmSync = unavailable<typeof Node.rmSync>('removing a file');
export const statSync = unavailable<typeof Node.statSync>('reading a file');
export const writeSync = unavailable<typeof Node.writeSync>('writing a file');
export const fileURLToPath = unavailable<typeof Node.fileURLToPath>('a file path');
export const gunzipSync = unavailable<typeof Node.gunzipSync>('reading a gzipped file');
export const decodePng = unavailable<typeof Node.decodePng>('decoding a PNG file (decode it in the page and pass the pixels: datasets.fromArrays)');
export const decodeJpeg = unavailable<typeof Node.decodeJpeg>('decoding a JPEG file (decode it in the page and pass the pixels: datasets.fromArrays)');
export const createHash = unavailable<typeof Node.createHash>('hashing a folder of images');
export const createRequire = unavailable<typeof Node.createRequire>('loading an installed package from disk');
export const zlibConstants = { Z_SYNC_FLUSH: 2 } as typeof Node.zlibConstants;

/** No process: an id, no environment, and no other process to ask about. */
export const process = { pid: 1, env: {}, kill: unavailable('asking after another process') } as unknown as typeof Node.process;

/** Paths are kept as text ('/'-separated) in a browser: names in messages, never opened. */
export const join: typeof Node.join = (...parts) => normalize(parts.filter((p) => p !== '').join('/'));
export const resolve: typeof Node.resolve = (...parts) => join(...parts);
export const isAbsolute: typeof Node.isAbsolute = (path) => path.startsWith('/');
export const dirname: typeof Node.dirname = (path) => {
  if (/^\/+$/.test(path)) return '/';
  const at = path.replace(/\/+$/, '').lastIndexOf('/');
  return at < 0 ? '.' : at === 0 ? '/' : path.slice(0, at);
};
export const basename: typeof Node.basename = (path, suffix) => {
  const name = path.replace(/\/+$/, '').split('/').pop() ?? '';
  return suffix && name.endsWith(suffix) ? name.slice(0, -suffix.length) : name;
};

function normalize(path: string): string {
  const out: string[] = [];
  for (const part of path.split('/')) {
    if (part === '..' && out.length > 0 && out[out.length - 1] !== '..' && out[out.length - 1] !== '') out.pop();
    else if (part !== '.' && (part !== '' || out.length === 0)) out.push(part);
  }
  return out.join('/') || '.';
}

/** CRC-32 (the polynomial of zlib, PNG and netc's checkpoints), table-driven. */
const CRC_TABLE = Uint32Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c;
});
export const crc32: typeof Node.crc32 = (data, value = 0) => {
  const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  let c = ~value >>> 0;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
};

/** Run `callback` after the events waiting now (a message to oneself: timers are clamped to 4 ms). */
export const setImmediate = ((callback: () => void) => {
  const channel = new web.MessageChannel();
  channel.port1.onmessage = () => {
    channel.port1.onmessage = null;
    callback();
  };
  channel.port2.postMessage(null);
}) as unknown as typeof Node.setImmediate;
