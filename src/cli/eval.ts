/** `netc eval <run folder or checkpoint>`: test loss, accuracy and the confusion matrix. */
import { DEFAULT_THREADS_HELP } from '../runtime/backend.js';
import { evaluate } from '../runtime/api/fit.js';
import { numberOption, parse, UsageError } from './args.js';
import { classNamesOf, loadSpecData } from '../driver/data.js';
import { restore } from '../driver/from-checkpoint.js';
import { num, style } from './output.js';
import { printDiagnostics } from './print-diagnostics.js';
import { percent } from '../driver/format.js';

export const evalUsage = `usage: netc eval <run folder or checkpoint> [--json] [--limit N] [--threads N]

Evaluates a trained model on its data set's test images: loss, accuracy, and the confusion
matrix (rows: the true class; columns: the predicted one).

  --json       print one JSON document {checkpoint, images, loss, accuracy, confusion}
  --limit N    evaluate on the first N test images only
  --threads N  threads for the kernels (${DEFAULT_THREADS_HELP})`;

export async function runEval(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, {
    json: { type: 'boolean' },
    limit: { type: 'string' },
    threads: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    process.stdout.write(evalUsage + '\n');
    return 0;
  }
  if (positionals.length !== 1) throw new UsageError('name one run folder or checkpoint');
  const limit = numberOption(values, 'limit', { integer: true, min: 1 });
  const threads = numberOption(values, 'threads', { integer: true, min: 1, max: 256 });
  const r = await restore(positionals[0]!, threads ? { threads } : {});
  if (Array.isArray(r)) {
    printDiagnostics(r);
    return 1;
  }
  const classes = r.model.info.classes;
  const data = loadSpecData(r.loaded, classes, { limit: 0, ...(limit ? { testLimit: limit } : {}) });
  if ('code' in data) {
    printDiagnostics([data]);
    return 1;
  }
  // what a program's evaluate(model, data.test) gives, with the confusion matrix
  const e = evaluate(r.model, data.test, { confusion: true });
  const confusion = e.confusion!;
  if (values.json) {
    process.stdout.write(JSON.stringify({ checkpoint: r.checkpointPath, images: data.test.count, loss: e.loss, accuracy: e.accuracy, confusion }, null, 2) + '\n');
    return 0;
  }
  const s = style();
  const p = r.checkpoint.header.progress;
  const names = classNamesOf(r.loaded.spec.train?.dataset, classes, r.checkpoint.header.classNames, data.classNames);
  process.stdout.write(
    `${r.checkpointPath}: ${r.loaded.spec.name} after ${p.epoch} epoch${p.epoch === 1 ? '' : 's'}${p.batch ? ` and ${p.batch} steps` : ''} (${num(p.step)} optimizer steps)\n` +
      `test loss ${e.loss.toFixed(4)}, test accuracy ${s.bold(percent(e.accuracy))} on ${num(data.test.count)} images\n\n` +
      confusionText(confusion, names) +
      '\n',
  );
  return 0;
}

/** The confusion matrix as a table, the diagonal (correct) in bold; class names below when known. */
export function confusionText(m: number[][], names?: readonly string[]): string {
  const s = style();
  const w = Math.max(4, ...m.flat().map((x) => String(x).length)) + 1;
  const head = 'true\\pred'.padEnd(10) + m.map((_, c) => String(c).padStart(w)).join('') + '   total  recall';
  const rows = m.map((row, t) => {
    const total = row.reduce((a, b) => a + b, 0);
    const cells = row.map((x, c) => (c === t ? s.bold(String(x).padStart(w)) : x === 0 ? s.dim(String(x).padStart(w)) : String(x).padStart(w)));
    return String(t).padEnd(10) + cells.join('') + String(total).padStart(8) + `  ${total ? percent(row[t]! / total) : '-'}`.padStart(8);
  });
  const legend = names && names.some((n, i) => n !== String(i)) ? ['', ...names.map((n, i) => `${i}: ${n}`)] : [];
  return [head, ...rows, ...legend].join('\n');
}
