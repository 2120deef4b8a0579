/**
 * The runtime in a browser (issue 18 item 3): LeNet-5 trained a few steps on the fast backend in
 * a Web Worker in headless Chromium gives the parameters that Node gives for the same seed and
 * thread count, bit for bit: on two threads in a cross-origin isolated page (Web Workers over a
 * shared WebAssembly.Memory), and on one thread in a page that is not isolated. The worker is
 * bundled with the browser build's own options (scripts/build/browser.mjs), so it runs the browser
 * platform layer.
 */
import { chromium, type Browser } from 'playwright-core';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserBundleOptions } from '../../scripts/build/browser.mjs';
import { CHROMIUM, CHROMIUM_FLAGS, chromiumAvailable, chromiumMissing } from '../helpers/chromium.js';
import { serveStatic, type StaticServer } from '../helpers/static-server.js';
import { trainSteps, type StepsRequest, type StepsResult } from './browser/train-steps.js';

if (!chromiumAvailable) process.stderr.write(`test/runtime/browser-runtime.test.ts: SKIPPED: ${chromiumMissing}\n`);

/** The page's side: start the worker, hand it the request, return what it posts. */
declare class Worker {
  constructor(url: string, options: { type: 'module' });
  onmessage: (e: { data: { ok: boolean; result?: StepsResult; error?: string } }) => void;
  postMessage(data: unknown): void;
}
declare const crossOriginIsolated: boolean;

describe.skipIf(!chromiumAvailable)(chromiumAvailable ? 'the fast backend in Chromium' : `the fast backend in Chromium: SKIPPED because ${chromiumMissing}`, () => {
  let browser: Browser;
  const servers: StaticServer[] = [];
  let isolated: StaticServer;
  let plain: StaticServer;

  beforeAll(async () => {
    const bundle = await build({ ...browserBundleOptions, entryPoints: ['test/runtime/browser/worker.ts'], outfile: 'worker.js' });
    const routes = {
      '/': { body: '<!doctype html><title>netc runtime</title>' },
      '/worker.js': { body: bundle.outputFiles[0]!.contents },
      '/kernels.wasm': { file: 'dist/kernels.wasm' },
      '/kernels-relaxed.wasm': { file: 'dist/kernels-relaxed.wasm' },
    };
    servers.push((isolated = await serveStatic(routes, true)), (plain = await serveStatic(routes, false)));
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS });
  });
  afterAll(async () => {
    await browser?.close();
    await Promise.all(servers.map((s) => s.close()));
  });

  /** Train in a worker of a page from `server`; console errors and page errors fail the test. */
  async function inChromium(server: StaticServer, request: StepsRequest): Promise<StepsResult & { isolated: boolean }> {
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
    page.on('pageerror', (e) => problems.push(e.message));
    try {
      await page.goto(`${server.url}/`);
      const answer = await page.evaluate(
        (r) =>
          new Promise<{ ok: boolean; result?: StepsResult; error?: string; isolated: boolean }>((resolve) => {
            const worker = new Worker('/worker.js', { type: 'module' });
            worker.onmessage = (e) => resolve({ ...e.data, isolated: crossOriginIsolated });
            worker.postMessage(r);
          }),
        request,
      );
      expect(answer.error).toBeUndefined();
      expect(problems).toEqual([]);
      return { ...answer.result!, isolated: answer.isolated };
    } finally {
      await page.close();
    }
  }

  const request = (threads: number): StepsRequest => ({ seed: 7, threads, steps: 3, batch: 32 });

  it('trains on two threads in an isolated page to the bits Node gives', async () => {
    const web = await inChromium(isolated, request(2));
    const node = await trainSteps(request(2));
    expect(web.isolated).toBe(true);
    expect([web.threads, web.startedWorkers]).toEqual([2, 1]);
    expect([node.threads, node.startedWorkers]).toEqual([2, 1]);
    expect(web.build).toBe(node.build);
    expect(web.losses).toEqual(node.losses);
    expect(web.bits).toEqual(node.bits);
    // checkpoints as bytes: the page writes Node's bytes, and reads them back into a model
    expect(web.checkpoint).toEqual(node.checkpoint);
    expect([web.reloaded, node.reloaded]).toEqual([true, true]);
  });

  it('trains on one thread in a page that is not isolated, to the bits Node gives on one', async () => {
    const web = await inChromium(plain, request(2));
    const node = await trainSteps(request(1));
    expect(web.isolated).toBe(false);
    expect(web.threads).toBe(1);
    expect(web.losses).toEqual(node.losses);
    expect(web.bits).toEqual(node.bits);
  });
});
