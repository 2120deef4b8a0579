/**
 * `netc report <run folder>`: rebuild the run's report.html from its metrics.json and its
 * checkpoint (the trained parameters, evaluated again on the test set), e.g. after a run that
 * was stopped, or with a newer netc.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Diagnostic } from '../diagnostics/diagnostics.js';
import { Messages } from '../diagnostics/messages.js';
import { writeRunReport } from '../report/run-report.js';
import { numberOption, parse, UsageError } from './args.js';
import { printDiagnostics } from './print-diagnostics.js';
import { loadSpecData } from '../driver/data.js';
import { restore } from '../driver/from-checkpoint.js';
import { METRICS, type Metrics } from '../driver/run-folder.js';

export const reportUsage = `usage: netc report <run folder> [-o FILE] [--threads N]

Rebuilds a training run's report.html from its metrics.json and checkpoint: loss and accuracy
per epoch, the test set's confusion matrix, its correct and incorrect predictions, the
misclassified digits, the network, the timings, the spec and the machine. One self-contained
HTML file that opens from disk.

  -o, --out FILE     where to write it (default: report.html in the run folder)
  --threads N        threads for evaluating the test set
Exit status: 0 written, 1 a folder that is not a usable run, 2 a wrong command line.`;

export async function runReport(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, {
    out: { type: 'string', short: 'o' },
    threads: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    process.stdout.write(reportUsage + '\n');
    return 0;
  }
  if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? 'name the run folder' : 'report takes one run folder');
  const threads = numberOption(values, 'threads', { integer: true, min: 1, max: 256 });
  const dir = resolve(positionals[0]!);
  const metrics = readMetrics(dir);
  if ('code' in metrics) return fail([metrics]);
  const r = await restore(dir, threads ? { threads } : {});
  if (Array.isArray(r)) return fail(r);
  try {
    const data = loadSpecData(r.loaded, r.model.info.classes, { limit: 0 });
    if ('code' in data) return fail([data]);
    const path = await writeRunReport({
      dir,
      metrics,
      specFile: r.loaded.file,
      model: r.model,
      data,
      ...(typeof values.out === 'string' ? { out: resolve(values.out) } : {}),
    });
    process.stdout.write(`wrote ${path}\n`);
    return 0;
  } finally {
    r.model.close();
  }
}

function readMetrics(dir: string): Metrics | Diagnostic {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    return Messages.RunFolder.at(undefined, dir, 'is not a folder; name the folder that netc train wrote');
  }
  const path = join(dir, METRICS);
  if (!existsSync(path)) {
    return Messages.RunFolder.at(undefined, dir, `has no ${METRICS}: netc train did not write it, or its run stopped before the first epoch ended`);
  }
  try {
    const m = JSON.parse(readFileSync(path, 'utf8')) as Metrics;
    if (!Array.isArray(m.epochs) || typeof m.machine !== 'object') throw new Error('it lacks the epochs or the machine');
    return m;
  } catch (e) {
    return Messages.RunFolder.at(undefined, dir, `${METRICS} cannot be read (${(e as Error).message}); train again or restore it`);
  }
}

function fail(ds: readonly Diagnostic[]): number {
  printDiagnostics(ds);
  return 1;
}
