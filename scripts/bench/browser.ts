/**
 * `npm run bench:browser`: LeNet-5's training speed in the playground page (headless Chromium,
 * the fast backend in a Web Worker, cross-origin isolated) against `netc train` in Node on the
 * same backend, threads and images: one epoch of the first 20,000 MNIST images, batch 128. Both
 * figures are the training loop's own (images over training time, evaluation left out). The
 * two sides alternate over several rounds (the machine's speed drifts); medians are printed,
 * with the load average before and after.
 *
 *   npm run bench:browser                    # 3 rounds, 2 threads
 *   npm run bench:browser -- --rounds 5 --threads 1
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';
import { startPlayground } from '../../src/playground/server.js';

const CHROMIUM = '/usr/bin/chromium';
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const LIMIT = 20000;
const SPEC = resolve('specs/lenet5.yaml');

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '3' }, threads: { type: 'string', default: '2' } } });
const rounds = Number(values.rounds);
const threads = Number(values.threads);

function inNode(): number {
  const out = join(mkdtempSync(join(tmpdir(), 'netc-bench-browser-')), 'run');
  const args = ['bin/netc.js', 'train', SPEC, '--limit', String(LIMIT), '--epochs', '1', '--backend', 'fast', '--threads', String(threads), '--no-progress', '--out', out];
  const r = spawnSync(process.execPath, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`netc train failed: ${r.stderr}`);
  return (JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8')) as { epochs: { images_per_s: number }[] }).epochs[0]!.images_per_s;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const load = () => loadavg().map((l) => l.toFixed(2)).join(' ');
const before = load();
const playground = await startPlayground({ spec: SPEC, display: 'specs/lenet5.yaml', port: 0 });
const browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
try {
  async function inPage(): Promise<number> {
    const page = await browser.newPage();
    try {
      await page.goto(playground.url);
      await page.locator('#limit').fill(String(LIMIT));
      await page.locator('#threads').fill(String(threads));
      await page.locator('#train:not([disabled])').waitFor({ timeout: 60_000 });
      await page.locator('#train').click();
      await page.locator('#result[data-images-per-second]').waitFor({ timeout: 600_000 });
      return Number(await page.locator('#result').getAttribute('data-images-per-second'));
    } finally {
      await page.close();
    }
  }
  const node: number[] = [];
  const web: number[] = [];
  for (let r = 0; r < rounds; r++) {
    // alternate which goes first
    if (r % 2 === 0) node.push(inNode()), web.push(await inPage());
    else web.push(await inPage()), node.push(inNode());
    process.stdout.write(`round ${r + 1}: Node ${Math.round(node[r]!)} images/s, page ${Math.round(web[r]!)} images/s\n`);
  }
  process.stdout.write(`LeNet-5, fast backend, ${threads} thread(s), one epoch of ${LIMIT} images, median of ${rounds}: Node ${Math.round(median(node))} images/s, Chromium page ${Math.round(median(web))} images/s (${(median(web) / median(node)).toFixed(2)}x); load average ${before} before, ${load()} after\n`);
} finally {
  await browser.close();
  await playground.close();
}
