/**
 * `netc playground` as a command: the real bin/netc.js serves the page with the cross-origin
 * isolation headers and the compiler's answers, and stops on Ctrl-C (SIGINT) with status 0; a
 * missing spec and a wrong port are refused with a message, not a stack trace.
 */
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildBrowserRuntime } from '../../scripts/build/browser.mjs';
import { runCli } from '../helpers/cli.js';
import type { CheckReply, CompileReply } from '../../src/playground/page/protocol.js';

describe('netc playground', () => {
  beforeAll(() => buildBrowserRuntime()); // the page's bundles, from the current sources

  it('refuses a spec that is not there, and a port that is not one', async () => {
    const missing = await runCli(['playground', 'specs/no-such.yaml']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/error NETC1002: cannot read '.*specs\/no-such\.yaml': ENOENT/);
    const port = await runCli(['playground', '--port', 'x']);
    expect(port.code).toBe(2);
    expect(port.stderr).toContain("--port must be an integer from 0 to 65535, not 'x'");
  });

  describe('serving', () => {
    let child: ChildProcessByStdio<null, Readable, Readable>;
    let exited: Promise<number | null>;
    let url = '';
    let stderr = '';

    beforeAll(async () => {
      child = spawn(process.execPath, ['bin/netc.js', 'playground', 'specs/lenet5.yaml', '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
      exited = new Promise((resolve) => child.once('exit', resolve));
      child.stderr.on('data', (d) => (stderr += String(d)));
      url = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (d) => {
          out += String(d);
          const m = /open (http:\/\/127\.0\.0\.1:\d+\/)/.exec(out);
          if (m) resolve(m[1]!);
        });
        child.once('exit', () => reject(new Error(`netc playground exited: ${out}${stderr}`)));
      });
    });
    afterAll(() => {
      if (child?.exitCode === null) child.kill('SIGKILL');
    });

    it('serves the page cross-origin isolated', async () => {
      const page = await fetch(url);
      expect(page.status).toBe(200);
      expect(page.headers.get('cross-origin-opener-policy')).toBe('same-origin');
      expect(page.headers.get('cross-origin-embedder-policy')).toBe('require-corp');
      expect(await page.text()).toContain('<script type="module" src="/app.js">');
      for (const path of ['app.js', 'train-worker.js', 'runtime.js', 'kernels.wasm', 'data/mnist/t10k-labels-idx1-ubyte']) expect((await fetch(url + path)).status, path).toBe(200);
      expect((await fetch(url + 'data/mnist/..%2Fpackage.json')).status).toBe(404);
    });

    it("answers a check with netc's diagnostics at their lines, and a compile with the module", async () => {
      const spec = (await (await fetch(url + 'api/spec')).json()) as { text: string };
      const broken = spec.text.replace('units: 84,', 'units: 0,');
      const check = (await (await fetch(url + 'api/check', { method: 'POST', body: broken })).json()) as CheckReply;
      const line = broken.split('\n').findIndex((l) => l.includes('units: 0,')) + 1;
      expect(check.diagnostics.filter((d) => d.severity === 'error').map((d) => d.line)).toEqual([line]);
      const ok = (await (await fetch(url + 'api/check', { method: 'POST', body: spec.text })).json()) as CheckReply;
      expect([ok.diagnostics, ok.summary?.params, ok.train?.batchSize]).toEqual([[], 44426, 128]);
      const compiled = (await (await fetch(url + 'api/compile', { method: 'POST', body: spec.text })).json()) as CompileReply & { id: string };
      expect(compiled.ts).toContain("from 'netc/runtime'");
      const js = await (await fetch(`${url}models/${compiled.id}.js`)).text();
      expect(js).toContain('from "/runtime.js"');
      expect(js).toContain('export function createModel');
    });

    it('stops on Ctrl-C with status 0', async () => {
      child.kill('SIGINT');
      expect(await exited).toBe(0);
      expect(stderr).toBe('');
    });
  });
});
