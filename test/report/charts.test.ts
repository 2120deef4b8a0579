/**
 * The report's charts, rendered by Vega in Node: each draws one mark per datum (read back from
 * the SVG), with the numbers it was given, and neither Vega-Lite nor Vega has a warning about
 * it, for ordinary data and for the edge cases a run can give (one epoch, no mistakes).
 */
import { describe, expect, it } from 'vitest';
import { chartSvg, confusionChart, curveChart, predictionsChart, throughputChart, type EpochFigures } from '../../src/report/charts.js';

/** The elements of each mark group of a kind, e.g. marks(svg, 'rect') → [[<path...>, ...], ...]. */
function marks(svg: string, kind: string, role = 'mark'): string[][] {
  return svg
    .split(`class="mark-${kind} role-${role}`)
    .slice(1)
    .map((g) => (g.slice(0, g.indexOf('>')).endsWith('/') ? '' : g.slice(0, g.indexOf('</g>'))))
    .map((g) => g.match(/<(path|text|line)\b[^>]*>([^<]*<\/text>)?/g) ?? []);
}

async function render(spec: Parameters<typeof chartSvg>[0]): Promise<string> {
  const warnings: string[] = [];
  const svg = await chartSvg(spec, (w) => warnings.push(w));
  expect(warnings).toEqual([]);
  expect(svg).toMatch(/^<svg [^>]*width="\d+" height="\d+"/);
  return svg;
}

const epochs = (n: number): EpochFigures[] =>
  Array.from({ length: n }, (_, i) => ({
    epoch: i + 1,
    train_loss: 1 / (i + 1),
    train_accuracy: 0.8 + i / 100,
    val_loss: 1.2 / (i + 1),
    val_accuracy: 0.79 + i / 100,
    seconds: 2 + i,
    images_per_s: 30000 + 1000 * i,
  }));

describe('report charts', () => {
  it.each([1, 3, 12])('draws training and validation curves over %i epochs', async (n) => {
    for (const figure of ['loss', 'accuracy'] as const) {
      const svg = await render(curveChart(epochs(n), figure, figure));
      const lines = marks(svg, 'line').flat();
      expect(lines).toHaveLength(2);
      if (n > 1) for (const l of lines) expect(l.match(/[ML]/g)).toHaveLength(n);
      expect(svg).toContain('>training</text>');
      expect(svg).toContain('>validation</text>');
    }
  });

  it('draws the confusion matrix as one cell per pair of classes, with its count', async () => {
    const names = ['0', '1', '2'];
    const counts = [
      [980, 0, 3],
      [1, 1130, 4],
      [7, 12, 1001],
    ];
    const svg = await render(confusionChart(counts, names));
    expect(marks(svg, 'rect').flat()).toHaveLength(9);
    const texts = marks(svg, 'text').flat().map((t) => t.replace(/<[^>]+>/g, ''));
    expect(texts.map(Number).sort((a, b) => a - b)).toEqual(counts.flat().sort((a, b) => a - b));
    expect(svg).toContain('>predicted class</text>');
    expect(svg).toContain('>true class</text>');
  });

  it('draws every test image in the predictions chart: a green square if right, a red dot if wrong', async () => {
    const truth = Uint8Array.from({ length: 2000 }, (_, i) => i % 10);
    const predicted = truth.map((t, i) => (i % 97 === 0 ? (t + 1) % 10 : t));
    const wrong = truth.filter((t, i) => predicted[i] !== t).length;
    const svg = await render(predictionsChart(truth, predicted, [...'0123456789']));
    const right = marks(svg, 'rect').flat();
    const red = marks(svg, 'symbol').flat();
    expect(right).toHaveLength(2000 - wrong);
    expect(red).toHaveLength(wrong);
    expect(right.every((p) => p.includes('fill="#2e9e44"'))).toBe(true);
    expect(red.every((p) => p.includes('fill="#d62728"'))).toBe(true);
    expect(red[0]).toContain('aria-label="test image 0: true 0, predicted 1"');
    expect(svg).toContain(`2,000 test images: ${(2000 - wrong).toLocaleString('en-US')} correct, ${wrong} incorrect`);
    // coordinates are cut to two decimals, so ten thousand marks stay small
    expect(svg).not.toMatch(/ d="[^"]*\.\d{3}/);
  });

  it('draws the predictions chart of a network without a mistake', async () => {
    const truth = Uint8Array.from({ length: 100 }, (_, i) => i % 10);
    const svg = await render(predictionsChart(truth, truth, [...'0123456789']));
    expect(marks(svg, 'rect').flat()).toHaveLength(100);
    expect(marks(svg, 'symbol').flat()).toHaveLength(0);
  });

  it('draws a bar per epoch of training speed, labelled with its images per second', async () => {
    const svg = await render(throughputChart(epochs(4)));
    expect(marks(svg, 'rect').flat()).toHaveLength(4);
    expect(marks(svg, 'text').flat().map((t) => t.replace(/<[^>]+>/g, ''))).toEqual(['30,000', '31,000', '32,000', '33,000']);
  });
});
