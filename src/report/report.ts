/**
 * A training run's report, as one HTML page: the curves per epoch, the confusion matrix, the
 * tutorial's chart of correct and incorrect predictions, the misread digits themselves, the
 * network drawn and summarized, the timings, the spec and the machine. Everything is computed
 * here from metrics.json, the run's spec and the test set's predictions; nothing is fetched.
 */
import { basename } from 'node:path';
import type { Analysis } from '../driver/analyze.js';
import { datasetName } from '../driver/data.js';
import { clock, percent } from '../driver/format.js';
import type { Metrics } from '../driver/run-folder.js';
import type { Dataset } from '../runtime/data/dataset.js';
import { confusionMatrix } from '../runtime/metrics.js';
import { chartSvg, confusionChart, curveChart, predictionsChart, throughputChart } from './charts.js';
import { imageDataUrl, pixelRange } from './digits.js';
import { dims } from './dot.js';
import { figure, page, stat, table, type Section } from './html.js';
import { layerGraph } from './layer-graph.js';
import { esc } from './markup.js';
import { dotToSvg } from './render.js';

/** The most mistakes the grid shows (the most confident first). */
export const MAX_MISTAKES = 100;

export interface ReportInput {
  /** the run folder, named in the title */
  readonly dir: string;
  readonly metrics: Metrics;
  /** the run's resolved spec, analysed (without errors) */
  readonly analysis: Analysis;
  readonly specText: string;
  readonly data: Dataset;
  /** the trained model on the test split */
  readonly evaluation: { readonly loss: number; readonly accuracy: number; readonly predicted: Uint8Array; readonly probs: Float32Array };
  readonly classNames: readonly string[];
  readonly now?: Date;
}

const n = (x: number) => x.toLocaleString('en-US');
const row = (...parts: string[]) => `<div class="row">${parts.join('')}</div>`;

/** What each figure shows, under it. */
const CAPTIONS = {
  confusion: 'Rows are the true class, columns the predicted one; the diagonal counts the correct predictions. The colour scale is logarithmic, so single mistakes show.',
  predictions: 'Every test image in test-set order, at the class the network predicted: green when right, red when wrong.',
  network: 'The network as its spec describes it: each layer’s op, attributes, output shape and parameters.',
  throughput: 'Training images per second in each epoch (evaluation excluded).',
};

/** Where each epoch was validated: the held-out training images, or the test set as the tutorial does. */
const validatedOn = (m: Metrics) =>
  m.validation ? `the ${n(m.validation.images)} training images held out by validation_split ${m.validation.split}` : 'the test set, as the tutorial validates';
const lossCaption = (m: Metrics) => `Training loss is the mean over each epoch’s batches; validation loss is measured after the epoch on ${validatedOn(m)}.`;
const accuracyCaption = (m: Metrics) => `Accuracy on the training batches during each epoch, and after it on ${validatedOn(m)}.`;

/** What early stopping decided, under the curves. */
function earlyStoppingNote(m: Metrics): string {
  const e = m.early_stopping;
  if (!e) return '';
  const watched = `${esc(e.monitor)} (patience ${e.patience}, min_delta ${e.min_delta})`;
  const stopped = e.stopped_after ? `stopped training after epoch ${e.stopped_after}` : 'did not stop training';
  const best = e.best_epoch === null ? '' : `; the best epoch was ${e.best_epoch} (${esc(e.monitor)} ${Number(e.best).toFixed(4)}), kept as best.netc`;
  return `<p class="note" id="early-stopping">Early stopping watched ${watched} and ${stopped}${best}.</p>`;
}

const NO_EPOCH = `<p class="note">No epoch of this run has finished yet, so there are no figures per epoch.</p>`;

export async function buildReport(r: ReportInput): Promise<string> {
  const { metrics: m, evaluation: e } = r;
  const spec = r.analysis.loaded!.spec;
  const summary = r.analysis.summary!;
  const names = r.classNames;
  const truth = r.data.test.classes;
  const epochs = m.epochs;
  const confusion = confusionMatrix(e.predicted, truth, names.length);
  // A run stopped in its first epoch has no figures per epoch to chart.
  const perEpoch = (draw: () => Promise<string>) => (epochs.length > 0 ? draw() : Promise.resolve(''));
  const [loss, accuracy, confusionSvg, predictions, throughput, network] = await Promise.all([
    perEpoch(() => chartSvg(curveChart(epochs, 'loss', (spec.train?.loss ?? 'categorical_crossentropy').replace(/_/g, ' ')))),
    perEpoch(() => chartSvg(curveChart(epochs, 'accuracy', 'accuracy'))),
    chartSvg(confusionChart(confusion, names)),
    chartSvg(predictionsChart(truth, e.predicted, names)),
    perEpoch(() => chartSvg(throughputChart(epochs))),
    dotToSvg(layerGraph(r.analysis)),
  ]);

  const sections: Section[] = [
    {
      id: 'curves',
      title: 'Training',
      body: loss ? row(figure('loss', loss, lossCaption(m)), figure('accuracy', accuracy, accuracyCaption(m))) + earlyStoppingNote(m) : NO_EPOCH,
    },
    {
      id: 'test',
      title: 'Test set',
      body: row(figure('confusion', confusionSvg, CAPTIONS.confusion), classTable(confusion, names)) + row(figure('predictions', predictions, CAPTIONS.predictions)),
    },
    { id: 'mistakes', title: `Misclassified ${r.data.classNames ? 'images' : 'digits'}`, body: mistakes(r, names) },
    // inline, the drawing is the <svg> element alone, without Graphviz's XML prologue
    { id: 'network', title: 'Network', body: row(figure('network', network.slice(network.indexOf('<svg')), CAPTIONS.network), layerTable(summary)) },
    { id: 'timings', title: 'Timings', body: throughput ? row(figure('throughput', throughput, CAPTIONS.throughput), epochTable(m)) : NO_EPOCH },
    {
      id: 'spec',
      title: 'Spec, machine and settings',
      body:
        `<p class="note">The spec as this run trained it (extends resolved, command-line overrides written in), and where it ran.</p>` +
        row(`<pre>${esc(r.specText)}</pre>`, machineTable(m)),
    },
  ];
  const when = (r.now ?? new Date()).toISOString().replace('T', ' ').slice(0, 16);
  const footer = `Made by netc ${esc(m.netc)} on ${when} UTC from metrics.json and the run’s checkpoint. Rebuild it with <code>netc report ${esc(r.dir)}</code>.`;
  return page(`${spec.name} — netc training report`, header(r, confusion), sections, footer);
}

/** The run's name and its headline figures. */
function header(r: ReportInput, confusion: readonly (readonly number[])[]): string {
  const spec = r.analysis.loaded!.spec;
  const e = r.evaluation;
  const images = r.data.test.count;
  const wrong = images - confusion.reduce((a, row, t) => a + row[t]!, 0);
  const seconds = r.metrics.epochs.reduce((t, x) => t + x.seconds, 0);
  const trained = r.metrics.epochs.reduce((t, x) => t + x.images_per_s * x.seconds, 0);
  const dataset = spec.train ? datasetName(spec.train.dataset) : 'no data set';
  return (
    `<h1>${esc(spec.name)}</h1>` +
    `<div class="sub">training report of ${esc(basename(r.dir))} · ${esc(dataset)} · netc ${esc(r.metrics.netc)}</div>` +
    `<div class="stats">` +
    stat('test accuracy', percent(e.accuracy), 'test-accuracy') +
    stat('test loss', e.loss.toFixed(4), 'test-loss') +
    stat('misclassified test images', `${n(wrong)} of ${n(images)}`, 'test-mistakes') +
    stat('epochs', String(r.metrics.epochs.length)) +
    stat('training time', clock(seconds)) +
    stat('images per second', seconds > 0 ? n(Math.round(trained / seconds)) : '–') +
    stat('parameters', n(r.analysis.summary!.params)) +
    `</div>`
  );
}

/** The grid of misread test images, the most confident mistakes first. */
function mistakes(r: ReportInput, names: readonly string[]): string {
  const { predicted, probs } = r.evaluation;
  const truth = r.data.test.classes;
  const k = names.length;
  const wrong: { i: number; p: number }[] = [];
  for (let i = 0; i < truth.length; i++) if (predicted[i] !== truth[i]) wrong.push({ i, p: probs[i * k + predicted[i]!]! });
  if (wrong.length === 0) return `<p class="note">The network classified every one of the ${n(truth.length)} test images correctly.</p>`;
  wrong.sort((a, b) => b.p - a.p || a.i - b.i);
  const shown = wrong.slice(0, MAX_MISTAKES);
  const range = pixelRange(r.data.test);
  const cells = shown.map(({ i, p }) => {
    const t = names[truth[i]!]!;
    const q = names[predicted[i]!]!;
    const alt = `test image ${i}: true ${t}, predicted ${q} with probability ${(100 * p).toFixed(1)}%`;
    return (
      `<figure class="digit" data-index="${i}"><img alt="${esc(alt)}" title="${esc(alt)}" src="${imageDataUrl(r.data.test, i, r.data.imageShape, range)}">` +
      `<figcaption><span class="true">${esc(t)}</span> → <span class="pred">${esc(q)}</span> <span class="p">${(100 * p).toFixed(1)}%</span><br><span class="p">#${i}</span></figcaption></figure>`
    );
  });
  const note =
    shown.length < wrong.length
      ? `The ${n(shown.length)} most confident of the ${n(wrong.length)} mistakes`
      : `All ${n(wrong.length)} mistakes, the most confident first`;
  return (
    `<p class="note">${note}: the true class in green, the predicted one in red, the probability the network gave it, and the image’s index in the test set.</p>` +
    `<div class="digits">${cells.join('\n')}</div>`
  );
}

function layerTable(s: NonNullable<Analysis['summary']>): string {
  const rows = s.layers.map((l) => [esc(l.name), esc(l.activation ? `${l.op} (${l.activation})` : l.op), esc(dims(l.shape)), n(l.params), n(l.macs)]);
  const html = table(['Layer', 'Op', 'Output shape', 'Params', 'MACs'], [...rows, ['Total', '', '', n(s.params), n(s.macs)]], [false, false, false, true, true]);
  return html.replace(/<tr>(<td>Total<\/td>)/, '<tr class="total">$1');
}

/**
 * Per class: its test images, how many were right (recall), how often a prediction of it was
 * right (precision), and the class it was most often taken for.
 */
function classTable(confusion: readonly (readonly number[])[], names: readonly string[]): string {
  const rows = confusion.map((row, t) => {
    const total = row.reduce((a, b) => a + b, 0);
    const predictedAs = confusion.reduce((a, r) => a + r[t]!, 0);
    let worst = -1;
    row.forEach((x, p) => {
      if (p !== t && x > 0 && (worst < 0 || x > row[worst]!)) worst = p;
    });
    return [
      esc(names[t]!),
      n(total),
      n(row[t]!),
      total ? percent(row[t]! / total) : '–',
      predictedAs ? percent(row[t]! / predictedAs) : '–',
      worst < 0 ? '–' : `${esc(names[worst]!)} (${n(row[worst]!)})`,
    ];
  });
  return table(['Class', 'Images', 'Correct', 'Recall', 'Precision', 'Most taken for'], rows, [false, true, true, true, true, false]);
}

function epochTable(m: Metrics): string {
  const best = m.early_stopping?.best_epoch;
  const rows = m.epochs.map((e) => [
    e.epoch === best ? `${e.epoch} (best)` : String(e.epoch),
    e.train_loss.toFixed(4),
    percent(e.train_accuracy),
    e.val_loss.toFixed(4),
    percent(e.val_accuracy),
    e.seconds.toFixed(2),
    n(Math.round(e.images_per_s)),
  ]);
  return table(['Epoch', 'Loss', 'Accuracy', 'Val loss', 'Val accuracy', 'Seconds', 'Images/s'], rows, [true, true, true, true, true, true, true]);
}

function machineTable(m: Metrics): string {
  const rows: [string, string][] = [
    ['processor', m.machine.cpu],
    ['cores', String(m.machine.cores)],
    ['Node.js', m.machine.node],
    ['platform', m.machine.platform],
    ['backend', m.backend],
    ['threads', String(m.threads)],
    ['seed', String(m.seed)],
    ['batch size', String(m.batch_size)],
    ['learning rate', String(m.learning_rate)],
    ['training images', m.limit === null ? 'all' : `the first ${n(m.limit)}`],
    ...(m.validation ? ([['validation images', `the last ${n(m.validation.images)} (validation_split ${m.validation.split})`]] as [string, string][]) : []),
    ['netc', m.netc],
  ];
  return table([], rows.map(([k, v]) => [esc(k), esc(v)]));
}
