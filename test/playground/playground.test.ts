/**
 * `netc playground` in headless Chromium (issue 18 item 5), as a person uses it: the page opens
 * LeNet-5 cross-origin isolated; a shape error typed into the spec shows up as netc's diagnostic
 * at its line (in the list and as a mark in the editor) and disables Train; fixed, the layers
 * and the drawing come back; Train runs one epoch on 20,000 MNIST images in the page's worker to
 * more than 90% test accuracy, with curves, the confusion matrix and misread digits; the spec and
 * the generated module download; nothing reaches the console. A screenshot is left in
 * test/.generated/ for a person to look at.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildBrowserRuntime } from '../../scripts/build/browser.mjs';
import { startPlayground, type Playground } from '../../src/playground/server.js';
import { CHROMIUM, CHROMIUM_FLAGS, chromiumAvailable, chromiumMissing } from '../helpers/chromium.js';

if (!chromiumAvailable) process.stderr.write(`test/playground/playground.test.ts: SKIPPED: ${chromiumMissing}\n`);

const SPEC = resolve('specs/lenet5.yaml');
const SCREENSHOT = resolve('test/.generated/playground-screenshot.png');
/** The page's globals the checks read (the project compiles without the DOM library). */
declare const crossOriginIsolated: boolean;

describe.skipIf(!chromiumAvailable)(chromiumAvailable ? 'netc playground in headless Chromium' : `netc playground: SKIPPED because ${chromiumMissing}`, () => {
  let browser: Browser;
  let playground: Playground;

  beforeAll(async () => {
    await buildBrowserRuntime(); // the page's bundles, from the current sources
    playground = await startPlayground({ spec: SPEC, display: 'specs/lenet5.yaml', port: 0 });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS });
  });
  afterAll(async () => {
    await browser?.close();
    await playground?.close();
  });

  /** Replace the editor's whole text, as one paste (typing would auto-indent). */
  async function setSpec(page: Page, text: string): Promise<void> {
    await page.locator('.cm-content').click();
    await page.keyboard.press('Control+a');
    await page.keyboard.insertText(text);
  }

  it('shows diagnostics at their lines, trains LeNet-5 past 90% in the page, and offers the spec and module', async () => {
    const page = await browser.newPage({ viewport: { width: 1500, height: 1100 }, acceptDownloads: true });
    const problems: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    await page.goto(playground.url);
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
    await expect.poll(() => page.locator('#check-state').textContent(), { timeout: 30_000 }).toBe('no errors');
    expect(await page.locator('#summary tbody tr').count()).toBe(8);
    expect(await page.locator('#graph svg g.node').count()).toBe(9);

    // c3's kernel larger than its 12×12 input: a shape error on line 12
    const original = readFileSync(SPEC, 'utf8');
    const broken = original.replace('{ name: c3, op: conv2d, filters: 16, kernel: 5,', '{ name: c3, op: conv2d, filters: 16, kernel: 13,');
    expect(broken).not.toBe(original);
    await setSpec(page, broken);
    await expect.poll(() => page.locator('#diagnostics li.error').count(), { timeout: 30_000 }).toBeGreaterThan(0);
    const diagnostic = page.locator('#diagnostics li.error').first();
    expect(await diagnostic.getAttribute('data-line')).toBe('12');
    expect(await diagnostic.textContent()).toMatch(/^12:\d+ error NETC\d{4}: .*c3/);
    await expect.poll(() => page.locator('.cm-lintRange-error').count()).toBeGreaterThan(0);
    expect(await page.locator('#train').isDisabled()).toBe(true);

    await setSpec(page, original);
    await expect.poll(() => page.locator('#check-state').textContent(), { timeout: 30_000 }).toBe('no errors');
    expect(await page.locator('#diagnostics li').count()).toBe(0);

    await page.locator('#limit').fill('20000');
    await expect.poll(() => page.locator('#train').isEnabled()).toBe(true);
    await page.locator('#train').click();
    await expect.poll(() => page.locator('#result').getAttribute('data-accuracy'), { timeout: 240_000, interval: 1000 }).not.toBeNull();
    const accuracy = Number(await page.locator('#result').getAttribute('data-accuracy'));
    const imagesPerSecond = Number(await page.locator('#result').getAttribute('data-images-per-second'));
    process.stdout.write(`playground: one epoch of 20,000 images, test accuracy ${(100 * accuracy).toFixed(2)}%, ${Math.round(imagesPerSecond)} images/s (${await page.locator('#setup').textContent()})\n`);
    expect(accuracy).toBeGreaterThan(0.9);
    expect(await page.locator('#setup').textContent()).toMatch(/20,000 training images, fast backend on \d+ threads? \(cross-origin isolated\)/);
    expect(await page.locator('#loss-chart polyline').count()).toBe(1);
    expect(await page.locator('#accuracy-chart polyline').count()).toBe(2);
    const cells = await page.locator('#confusion tbody td').allTextContents();
    expect(cells).toHaveLength(100);
    const misreadCount = cells.reduce((sum, c, i) => sum + (i % 11 === 0 ? 0 : Number(c)), 0);
    expect(cells.reduce((sum, c) => sum + Number(c), 0)).toBe(10000);
    expect(misreadCount).toBe(Math.round((1 - accuracy) * 10000));
    expect(await page.locator('#misread figure.digit').count()).toBe(Math.min(40, misreadCount));

    const [spec] = await Promise.all([page.waitForEvent('download'), page.locator('#download-spec').click()]);
    expect(spec.suggestedFilename()).toBe('lenet5.yaml');
    expect(readFileSync(await spec.path(), 'utf8')).toBe(original);
    const [module] = await Promise.all([page.waitForEvent('download'), page.locator('#download-module').click()]);
    expect(module.suggestedFilename()).toBe('lenet5.ts');
    expect(readFileSync(await module.path(), 'utf8')).toMatch(/from 'netc\/runtime';[\s\S]*export function createModel/);

    expect(problems).toEqual([]);
    mkdirSync(resolve('test/.generated'), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    process.stdout.write(`screenshot of the playground: ${SCREENSHOT}\n`);
  });
});
