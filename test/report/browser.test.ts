/**
 * A training run's report.html in a real browser: Debian's Chromium, headless, driven by
 * playwright-core. Every chart must have painted its marks (counted in the page, and the
 * predictions chart's green and red read back from a screenshot), every misclassified digit's
 * image must have decoded, nothing may be fetched and nothing may reach the console. A
 * screenshot of the whole page is left in test/.generated/ for a person to look at (the temp
 * folder is removed when the test run ends).
 *
 * `.ci/run` installs Chromium; where it could not, this test is skipped and says why.
 */
import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import pngjs from 'pngjs';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM, CHROMIUM_FLAGS as FLAGS, chromiumAvailable as available, chromiumMissing as why } from '../helpers/chromium.js';
import { runCli } from '../helpers/cli.js';

const SCREENSHOT = resolve('test/.generated/report-screenshot.png');

/** The little of the DOM that the checks in the page use (the project compiles without the DOM library). */
interface Element {
  getBoundingClientRect(): { width: number; height: number };
  readonly textContent: string | null;
}
interface Image extends Element {
  readonly complete: boolean;
  readonly naturalWidth: number;
  readonly naturalHeight: number;
}
declare const document: { querySelectorAll<E extends Element = Element>(selector: string): ArrayLike<E> & Iterable<E>; querySelector(selector: string): Element | null };

if (!available) process.stderr.write(`test/report/browser.test.ts: SKIPPED: ${why}\n`);

describe.skipIf(!available)(available ? 'report.html in headless Chromium' : `report.html in headless Chromium: SKIPPED because ${why}`, () => {
  const dir = mkdtempSync(join(tmpdir(), 'netc-browser-'));
  let browser: Browser;
  let metrics: { epochs: unknown[]; test: { accuracy: number } };

  beforeAll(async () => {
    const r = await runCli(['train', 'specs/lenet5.yaml', '--limit', '2000', '--epochs', '2', '--no-progress', '--out', dir]);
    expect(r.code).toBe(0);
    metrics = JSON.parse(readFileSync(join(dir, 'metrics.json'), 'utf8'));
    browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
  });
  afterAll(async () => browser?.close());

  it('renders every chart, the network and the digit grid, fetches nothing and logs no error', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    const problems: string[] = [];
    const requests: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('requestfailed', (q) => problems.push(`request failed: ${q.url()}`));
    page.on('request', (q) => requests.push(q.url()));
    await page.goto(pathToFileURL(join(dir, 'report.html')).href, { waitUntil: 'load' });

    const seen = await page.evaluate(() => {
      const count = (chart: string, selector: string) => document.querySelectorAll(`figure[data-chart="${chart}"] ${selector}`).length;
      const box = (chart: string) => document.querySelector(`figure[data-chart="${chart}"] svg`)?.getBoundingClientRect();
      const charts = ['loss', 'accuracy', 'confusion', 'predictions', 'throughput', 'network'];
      const digits = [...document.querySelectorAll<Image>('figure.digit img')];
      return {
        sizes: Object.fromEntries(charts.map((c) => [c, [Math.round(box(c)?.width ?? 0), Math.round(box(c)?.height ?? 0)]])),
        lines: [count('loss', 'g.mark-line.role-mark path'), count('accuracy', 'g.mark-line.role-mark path')],
        cells: [count('confusion', 'g.mark-rect.role-mark path'), count('confusion', 'g.mark-text.role-mark text')],
        predictions: [count('predictions', 'g.mark-rect.role-mark path'), count('predictions', 'g.mark-symbol.role-mark path')],
        bars: count('throughput', 'g.mark-rect.role-mark path'),
        graph: [count('network', 'g.node'), count('network', 'g.edge')],
        digits: digits.length,
        decoded: digits.filter((d) => d.complete && d.naturalWidth === 28 && d.naturalHeight === 28 && d.getBoundingClientRect().width >= 56).length,
        accuracy: document.querySelector('#test-accuracy .value')?.textContent,
      };
    });

    const correct = Math.round(metrics.test.accuracy * 10000);
    for (const [chart, [w, h]] of Object.entries(seen.sizes)) {
      expect(w, `${chart} width`).toBeGreaterThan(150);
      expect(h, `${chart} height`).toBeGreaterThan(150);
    }
    expect(seen.lines).toEqual([2, 2]); // training and validation
    expect(seen.cells).toEqual([100, 100]);
    expect(seen.predictions).toEqual([correct, 10000 - correct]);
    expect(seen.bars).toBe(metrics.epochs.length);
    expect(seen.graph).toEqual([9, 8]); // input and 8 layers, a chain
    expect(seen.digits).toBe(Math.min(100, 10000 - correct));
    expect(seen.decoded).toBe(seen.digits);
    expect(seen.accuracy).toBe(`${(100 * metrics.test.accuracy).toFixed(2)}%`);

    // The tutorial's chart as painted: green for the correct predictions, red for the mistakes.
    const shot = pngjs.PNG.sync.read(await page.locator('figure[data-chart="predictions"] svg').screenshot());
    let green = 0;
    let red = 0;
    for (let i = 0; i < shot.data.length; i += 4) {
      const [r, g, b] = [shot.data[i]!, shot.data[i + 1]!, shot.data[i + 2]!];
      if (g > r + 40 && g > b + 40) green++;
      if (r > g + 80 && r > b + 80) red++;
    }
    expect(green).toBeGreaterThan(1000);
    expect(red).toBeGreaterThan(1000);

    expect(problems).toEqual([]);
    expect(requests.filter((u) => !u.startsWith('file:') && !u.startsWith('data:'))).toEqual([]);
    mkdirSync(resolve('test/.generated'), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    expect(pngjs.PNG.sync.read(readFileSync(SCREENSHOT)).height).toBeGreaterThan(3000);
    process.stdout.write(`screenshot of the report: ${SCREENSHOT}\n`);
  });
});
