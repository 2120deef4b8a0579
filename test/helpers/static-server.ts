/**
 * A local HTTP server for browser tests: serves given paths from memory or from files, on
 * 127.0.0.1 at a free port, with or without the headers that make a page cross-origin isolated.
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What a path serves: bytes or text in memory, or a file read when asked for. */
export type Served = { readonly body: string | Uint8Array } | { readonly file: string };

const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm' };

export interface StaticServer {
  readonly url: string;
  close(): Promise<void>;
}

export async function serveStatic(routes: Readonly<Record<string, Served>>, isolated: boolean): Promise<StaticServer> {
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const route = routes[path];
    if (!route) {
      res.writeHead(path === '/favicon.ico' ? 204 : 404).end(); // a browser asks for the icon unbidden
      return;
    }
    const type = path.endsWith('/') ? 'text/html' : (TYPES[path.slice(path.lastIndexOf('.'))] ?? 'application/octet-stream');
    const headers: Record<string, string> = { 'content-type': type };
    if (isolated) Object.assign(headers, { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' });
    res.writeHead(200, headers).end('file' in route ? readFileSync(route.file) : route.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
