/**
 * A sweep's report.html, in the run report's frame and charts (src/report): the combinations in
 * a table sortable by any column (a few lines of script; without it the table stays sorted by
 * accuracy), test accuracy against parameters and against training time with the Pareto front
 * drawn and marked, and the validation curves of the best combinations.
 */
import type { TopLevelSpec } from 'vega-lite';
import { chartSvg, config } from '../report/charts.js';
import { figure, page, stat, table, type Section } from '../report/html.js';
import { esc } from '../report/markup.js';
import { describeValues } from './expand.js';
import type { CombinationResult, Results } from './results.js';

const pct = (x: number | undefined) => (x === undefined ? '' : `${(100 * x).toFixed(2)}%`);
const int = (n: number) => n.toLocaleString('en-US');

export async function sweepReportHtml(r: Results): Promise<string> {
  const measured = [...r.combinations].filter((c) => c.test_accuracy).sort((a, b) => b.test_accuracy!.mean - a.test_accuracy!.mean);
  const best = measured[0];
  const done = r.trials.filter((t) => t.state === 'done').length;
  const failed = r.trials.filter((t) => t.state === 'failed');
  const header =
    `<h1>Sweep ${esc(r.sweep)}</h1><div class="sub">${esc(r.file)}: ${r.combinations.length} combinations of ${esc(r.axes.join(', ') || 'no axis')}, ${r.trials.length} trials</div>` +
    `<div class="stats">${stat('trials done', `${done} of ${r.trials.length}`)}${stat('failed', String(failed.length))}` +
    (best ? stat('best mean test accuracy', pct(best.test_accuracy!.mean)) + stat('best combination', describeValues(best.values)) : '') +
    '</div>';
  const sections: Section[] = [
    { id: 'table', title: 'Combinations', body: combinationTable(r) },
    {
      id: 'pareto',
      title: 'Accuracy for size and time',
      body:
        '<p class="note">Each point is a combination (the mean over its seeds); the line joins the Pareto front, the combinations that no other beats on both accuracy and cost.</p><div class="row">' +
        figure('accuracy-params', await chartSvg(tradeoffChart(measured, 'params', 'parameters')), 'Test accuracy against trainable parameters') +
        figure('accuracy-seconds', await chartSvg(tradeoffChart(measured, 'seconds', 'training seconds')), 'Test accuracy against training time') +
        '</div>',
    },
    { id: 'curves', title: 'The best combinations, epoch by epoch', body: figure('curves', await chartSvg(curvesChart(r, measured.slice(0, 5))), 'Validation accuracy per epoch, the mean over seeds') },
  ];
  if (failed.length > 0) {
    sections.push({ id: 'failed', title: 'Failed trials', body: table(['trial', 'values', 'error'], failed.map((t) => [esc(t.id), esc(describeValues(t.values)), `<pre>${esc(t.error ?? '')}</pre>`])) });
  }
  return page(`Sweep ${r.sweep}`, header, sections, `netc sweep report of ${esc(r.file)}`).replace('</body>', `<script>${SORT}</script>\n</body>`);
}

function combinationTable(r: Results): string {
  const head = [...r.axes, 'params', 'MACs', 'seeds done', 'test accuracy', '± std', 'seconds', 'images/s', 'Pareto'];
  const numeric = [...r.axes.map(() => false), true, true, true, true, true, true, true, false];
  const rows = [...r.combinations]
    .sort((a, b) => (b.test_accuracy?.mean ?? -1) - (a.test_accuracy?.mean ?? -1))
    .map((c) => [
      ...r.axes.map((a) => esc(typeof c.values[a] === 'string' ? String(c.values[a]) : JSON.stringify(c.values[a]))),
      int(c.params),
      int(c.macs),
      `${c.done}/${c.trials}`,
      pct(c.test_accuracy?.mean),
      pct(c.test_accuracy?.std),
      c.seconds ? c.seconds.mean.toFixed(1) : '',
      c.images_per_s ? int(Math.round(c.images_per_s.mean)) : '',
      [c.pareto_params ? 'size' : '', c.pareto_seconds ? 'time' : ''].filter(Boolean).join(', '),
    ]);
  return '<p class="note">Click a column\'s heading to sort by it.</p>' + table(head, rows, numeric).replace('<table>', '<table class="sortable">');
}

const SORT = `for (const t of document.querySelectorAll('table.sortable')) t.querySelectorAll('th').forEach((th, c) => {
  th.style.cursor = 'pointer';
  th.onclick = () => {
    const body = t.tBodies[0], rows = [...body.rows], up = th.dataset.up !== '1';
    const key = (r) => { const s = r.cells[c].textContent.replace(/[,%±]/g, ''); const n = parseFloat(s); return isNaN(n) ? s : n; };
    rows.sort((a, b) => { const x = key(a), y = key(b); return (x < y ? -1 : x > y ? 1 : 0) * (up ? 1 : -1); });
    th.dataset.up = up ? '1' : '0';
    rows.forEach((r) => body.appendChild(r));
  };
});`;

function tradeoffChart(combos: readonly CombinationResult[], cost: 'params' | 'seconds', title: string): TopLevelSpec {
  const flag = cost === 'params' ? 'pareto_params' : 'pareto_seconds';
  const values = combos.map((c) => ({
    cost: cost === 'params' ? c.params : c.seconds!.mean,
    accuracy: c.test_accuracy!.mean,
    label: describeValues(c.values),
    front: c[flag] ? 'on the Pareto front' : 'dominated',
  }));
  const x = { field: 'cost', type: 'quantitative' as const, title, scale: { zero: false, padding: 24 } };
  const y = { field: 'accuracy', type: 'quantitative' as const, title: 'test accuracy', scale: { zero: false }, axis: { format: '.1%' } };
  return {
    config,
    title: `Test accuracy against ${title}`,
    width: 380,
    height: 260,
    data: { values },
    layer: [
      { transform: [{ filter: "datum.front == 'on the Pareto front'" }], mark: { type: 'line', color: '#2e9e44', strokeDash: [4, 3] }, encoding: { x, y, order: { field: 'cost' } } },
      {
        mark: { type: 'point', filled: true, size: 70 },
        encoding: { x, y, color: { field: 'front', type: 'nominal', title: null, scale: { domain: ['on the Pareto front', 'dominated'], range: ['#2e9e44', '#9ca3af'] }, legend: { orient: 'bottom' } }, tooltip: { field: 'label' } },
      },
      { mark: { type: 'text', dy: -9, fontSize: 9 }, encoding: { x, y, text: { field: 'label' } } },
    ],
  };
}

function curvesChart(r: Results, best: readonly CombinationResult[]): TopLevelSpec {
  const values = best.flatMap((c) => {
    const runs = r.trials.filter((t) => t.combination === c.index && t.epochs);
    const epochs = Math.min(...runs.map((t) => t.epochs!.length));
    return Array.from({ length: epochs }, (_, k) => ({
      epoch: k + 1,
      accuracy: runs.reduce((s, t) => s + t.epochs![k]!.val_accuracy, 0) / runs.length,
      combination: describeValues(c.values),
    }));
  });
  return {
    config,
    title: 'Validation accuracy of the best combinations',
    width: 560,
    height: 260,
    data: { values },
    mark: { type: 'line', point: true },
    encoding: {
      x: { field: 'epoch', type: 'quantitative', axis: { tickMinStep: 1, format: 'd' } },
      y: { field: 'accuracy', type: 'quantitative', title: 'validation accuracy', scale: { zero: false }, axis: { format: '.1%' } },
      color: { field: 'combination', type: 'nominal', title: null, legend: { orient: 'bottom', columns: 1, labelLimit: 600 } },
    },
  };
}
