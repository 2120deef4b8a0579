/**
 * The report's charts as Vega-Lite specs, rendered to static SVG in Node by Vega itself, so the
 * report needs no script and no network to show them. Each function returns a spec; `chartSvg`
 * draws one. Vega and Vega-Lite are imported on first use (other commands never need them).
 */
import type { TopLevelSpec } from 'vega-lite';
import type { EpochMetrics } from '../runtime/training/loop.js';

/** One epoch's figures, as metrics.json holds them. */
export type EpochFigures = EpochMetrics;

/** The page's and the charts' text: the system's UI font, else DejaVu Sans or Verdana. */
export const PAGE_FONT = 'system-ui, -apple-system, "Segoe UI", "DejaVu Sans", Verdana, sans-serif';
export const GREEN = '#2e9e44';
export const RED = '#d62728';
const TRAIN = '#1f77b4';
const VALIDATION = '#ff7f0e';

/** Every chart's look: the page's font, light grid lines, legends below. */
export const config = {
  font: PAGE_FONT,
  view: { stroke: '#e5e7eb' },
  axis: { labelFontSize: 11, titleFontSize: 12, gridColor: '#eef0f3' },
  legend: { labelFontSize: 11, titleFontSize: 12, orient: 'bottom' as const },
  title: { fontSize: 14, anchor: 'start' as const, offset: 10 },
};

/**
 * SVG markup for a Vega-Lite spec. Vega-Lite's and Vega's warnings go to `onWarning` (tests
 * insist there are none) rather than to the terminal. Coordinates are cut to two decimals:
 * Vega writes doubles in full, which would make a chart of many marks megabytes.
 */
export async function chartSvg(spec: TopLevelSpec, onWarning: (message: string) => void = () => {}): Promise<string> {
  const [vega, vl] = await Promise.all([import('vega'), import('vega-lite')]);
  const logger = vega.logger(vega.Warn, undefined, (_method, level, args) => onWarning(`${level} ${args.map(String).join(' ')}`));
  const view = new vega.View(vega.parse(vl.compile(spec, { logger }).spec), { renderer: 'none', logger });
  try {
    const svg = await view.toSVG();
    return svg.replace(/ (d|transform|points)="([^"]*)"/g, (_, k: string, v: string) => ` ${k}="${v.replace(/(\.\d\d)\d+/g, '$1')}"`);
  } finally {
    view.finalize();
  }
}

/** Training and validation curves of one figure (loss or accuracy) over the epochs. */
export function curveChart(epochs: readonly EpochFigures[], figure: 'loss' | 'accuracy', yTitle: string): TopLevelSpec {
  const values = epochs.flatMap((e) => [
    { epoch: e.epoch, set: 'training', value: figure === 'loss' ? e.train_loss : e.train_accuracy },
    { epoch: e.epoch, set: 'validation', value: figure === 'loss' ? e.val_loss : e.val_accuracy },
  ]);
  const last = epochs.length === 0 ? 1 : epochs[epochs.length - 1]!.epoch;
  return {
    config,
    title: figure === 'loss' ? 'Loss per epoch' : 'Accuracy per epoch',
    width: 380,
    height: 220,
    data: { values },
    mark: { type: 'line', point: { filled: true, size: 45 }, strokeWidth: 2 },
    encoding: {
      x: {
        field: 'epoch',
        type: 'quantitative',
        title: 'epoch',
        scale: { domain: [Math.min(1, last), Math.max(last, 2)], nice: false },
        axis: { tickMinStep: 1, format: 'd' },
      },
      y: {
        field: 'value',
        type: 'quantitative',
        title: yTitle,
        scale: { zero: false },
        axis: figure === 'accuracy' ? { format: '.1%' } : { format: '.3~f' },
      },
      color: { field: 'set', type: 'nominal', title: null, scale: { range: [TRAIN, VALIDATION] } },
    },
  };
}

/** counts[true][predicted] as a heat map with the count in each cell. */
export function confusionChart(counts: readonly (readonly number[])[], names: readonly string[]): TopLevelSpec {
  const values = counts.flatMap((row, t) => row.map((n, p) => ({ truth: names[t]!, predicted: names[p]!, n, diagonal: t === p })));
  const max = Math.max(1, ...values.map((v) => v.n));
  const size = Math.max(240, Math.min(440, names.length * 40));
  const order = [...names];
  return {
    config,
    title: 'Confusion matrix of the test set',
    width: size,
    height: size,
    data: { values },
    encoding: {
      x: { field: 'predicted', type: 'ordinal', sort: order, title: 'predicted class', axis: { orient: 'top', labelAngle: 0 } },
      y: { field: 'truth', type: 'ordinal', sort: order, title: 'true class' },
    },
    layer: [
      {
        mark: { type: 'rect', stroke: 'white', strokeWidth: 1 },
        encoding: {
          // symlog, so the few mistakes off the diagonal are visible next to a thousand on it
          color: { field: 'n', type: 'quantitative', title: 'images', scale: { type: 'symlog', scheme: 'blues', domain: [0, max] }, legend: null },
        },
      },
      {
        mark: { type: 'text', fontSize: names.length > 12 ? 8 : 11 },
        encoding: {
          text: { field: 'n', type: 'quantitative', format: 'd' },
          color: { condition: { test: `datum.n > ${Math.sqrt(max)}`, value: 'white' }, value: '#1f2937' },
        },
      },
    ],
  };
}

/**
 * The tutorial's picture: every test image, in test-set order along x, at the class the network
 * predicted (spread a little within its row so density shows); green when right, red when wrong,
 * the mistakes drawn last and larger so none hides under the correct ones. The correct ones are
 * tiny squares without accessibility labels: ten thousand marks must stay a small SVG (~0.6 MB).
 */
export function predictionsChart(truth: Uint8Array, predicted: Uint8Array, names: readonly string[]): TopLevelSpec {
  const points = Array.from(predicted, (p, i) => ({ i, y: p + jitter(i), ok: p === truth[i] }));
  const right = points.filter((v) => v.ok).map(({ i, y }) => ({ i, y: Math.round(y * 1000) / 1000 }));
  const wrong = points.filter((v) => !v.ok).map(({ i, y }) => ({ i, y, label: `test image ${i}: true ${names[truth[i]!]}, predicted ${names[predicted[i]!]}` }));
  const labels = JSON.stringify(names);
  const colour = { scale: { domain: ['correct', 'incorrect'], range: [GREEN, RED] }, title: null };
  const n = (x: number) => x.toLocaleString('en-US');
  return {
    config,
    title: `Predictions on the ${n(truth.length)} test images: ${n(right.length)} correct, ${n(wrong.length)} incorrect`,
    width: 860,
    height: Math.max(200, names.length * 24),
    encoding: {
      x: { field: 'i', type: 'quantitative', title: 'test image', scale: { domain: [0, truth.length], nice: false }, axis: { format: 'd' } },
      y: {
        field: 'y',
        type: 'quantitative',
        title: 'predicted class',
        scale: { domain: [-0.5, names.length - 0.5], nice: false, zero: false },
        axis: { values: names.map((_, c) => c), labelExpr: `${labels}[datum.value]`, grid: false },
      },
    },
    layer: [
      {
        data: { values: right },
        mark: { type: 'rect', width: 1.6, height: 1.6, opacity: 0.6, aria: false },
        encoding: { color: { datum: 'correct', ...colour } },
      },
      {
        data: { values: wrong },
        mark: { type: 'circle', size: 26, opacity: 0.9, stroke: 'white', strokeWidth: 0.5 },
        encoding: { color: { datum: 'incorrect', ...colour }, description: { field: 'label' } },
      },
    ],
  };
}

/** A deterministic offset in [-0.3, 0.3) for sample i. */
function jitter(i: number): number {
  const h = Math.imul(i + 1, 2654435761) >>> 0;
  return ((h % 1000) / 1000 - 0.5) * 0.6;
}

/** Training speed per epoch. */
export function throughputChart(epochs: readonly EpochFigures[]): TopLevelSpec {
  const values = epochs.map((e) => ({ epoch: String(e.epoch), rate: Math.round(e.images_per_s) }));
  return {
    config,
    title: 'Training speed per epoch',
    width: Math.max(160, Math.min(600, epochs.length * 48)),
    height: 180,
    data: { values },
    encoding: {
      x: { field: 'epoch', type: 'ordinal', title: 'epoch', axis: { labelAngle: 0 }, sort: null },
      y: { field: 'rate', type: 'quantitative', title: 'images/s' },
    },
    layer: [
      { mark: { type: 'bar', color: TRAIN, width: { band: 0.7 } } },
      { mark: { type: 'text', dy: -6, fontSize: 10 }, encoding: { text: { field: 'rate', type: 'quantitative', format: ',d' } } },
    ],
  };
}
