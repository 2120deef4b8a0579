/**
 * The platform layer: all that the runtime takes from its host, and the only files under
 * src/runtime that import `node:` modules. This one is Node's. package.json's "browser" field
 * swaps it for ./browser.ts wherever a bundler builds for browsers (esbuild, webpack, Vite), so
 * the rest of the runtime imports this path on both and never asks where it runs. The two export
 * the same names with the same types (test/runtime/platform.test.ts).
 *
 * The PNG and JPEG decoders are here too: their npm packages need Node's streams and Buffer.
 * Files, paths, compression and hashing are Node's own functions, re-exported as they are: the
 * code that reads data sets and writes checkpoints uses them unchanged. A browser has no files,
 * and there each of them says so when called.
 */
import { availableParallelism, cpus } from 'node:os';
import { setFlagsFromString } from 'node:v8';
import { Worker } from 'node:worker_threads';
import jpeg from 'jpeg-js';
import pngjs from 'pngjs';
import type { WorkerHandle } from './types.js';

export { closeSync, existsSync, fstatSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, renameSync, rmSync, statSync, writeSync, type Dirent } from 'node:fs';
export { basename, dirname, isAbsolute, join, resolve } from 'node:path';
export { fileURLToPath } from 'node:url';
export { constants as zlibConstants, crc32, gunzipSync } from 'node:zlib';
export { createHash } from 'node:crypto';
export { createRequire } from 'node:module';
export { default as process } from 'node:process';
export { setImmediate } from 'node:timers';
export type { WorkerHandle } from './types.js';

/** A PNG's pixels as RGBA (pngjs, which needs Node's streams and Buffer). */
export const decodePng = (bytes: Uint8Array): { width: number; height: number; data: Uint8Array } => {
  const png = pngjs.PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  return { width: png.width, height: png.height, data: png.data };
};

/** A JPEG's pixels as RGBA (jpeg-js), within the given limits. */
export const decodeJpeg = (bytes: Uint8Array, limits: { maxResolutionInMP: number; maxMemoryUsageInMB: number }): { width: number; height: number; data: Uint8Array } =>
  jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true, ...limits });

export const platformName: 'node' | 'browser' = 'node';

/** The machine's hardware threads. */
export const cores = (): number => availableParallelism();

/** Each core's idle time so far (ms), where the host says (idle-cores.ts samples it twice). */
export const coreIdleTimes = (): number[] | undefined => cpus().map((c) => c.times.idle);

/** Whether worker threads can share a WebAssembly.Memory with this one (in a browser: a cross-origin isolated page). */
export const sharedMemory = (): boolean => true;

/** Whether this thread may block in Atomics.wait (a browser's window thread may not). */
export const canBlock = (): boolean => true;

/** An environment variable, where the host has them. */
export const env = (name: string): string | undefined => process.env[name];

/** Set V8 flags where a program may (Node); a browser's engine keeps its own. */
export const setEngineFlags = (flags: string): void => setFlagsFromString(flags);

/**
 * Start a worker thread that calls `body` — the source of a function of one argument, which
 * imports nothing — with `data` (structured-cloned: shared memories and compiled modules are
 * shared). Unref'd: an exiting process does not wait for it.
 */
export function startWorker(body: string, data: unknown): WorkerHandle {
  const worker = new Worker(`(${body})(require('node:worker_threads').workerData);`, { eval: true, workerData: data });
  worker.unref();
  return { terminate: () => void worker.terminate() };
}
