/**
 * Writing a run folder's report.html: the trained model is evaluated on the test set (the
 * predictions and probabilities behind the confusion matrix and the mistakes), the run's own
 * resolved spec is analysed for the summary and the drawing, and the page is written atomically.
 * `netc train` calls this after its last epoch; `netc report` after restoring the checkpoint.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyze } from '../driver/analyze.js';
import { classNamesOf } from '../driver/data.js';
import type { Metrics } from '../driver/run-folder.js';
import { writeFileAtomic } from '../runtime/atomic.js';
import type { Dataset } from '../runtime/data/dataset.js';
import type { CompiledModel } from '../runtime/model.js';
import { evaluate } from '../runtime/training/loop.js';
import { buildReport } from './report.js';

export const REPORT = 'report.html';

export interface RunReport {
  /** the run folder */
  readonly dir: string;
  readonly metrics: Metrics;
  /** the run's resolved spec file (its spec.yaml) */
  readonly specFile: string;
  readonly model: CompiledModel;
  /** the data set; only its test split is used */
  readonly data: Dataset;
  /** where to write (default: report.html in the run folder) */
  readonly out?: string;
}

/** Evaluate, build and write the report; returns its path. */
export async function writeRunReport(o: RunReport): Promise<string> {
  const analysis = analyze(o.specFile);
  if (!analysis.ok || !analysis.loaded || !analysis.summary) {
    throw new Error(`the run's own spec ${o.specFile} no longer analyses: ${analysis.diagnostics.map((d) => d.message).join('; ')}`);
  }
  const train = analysis.loaded.spec.train;
  const evaluation = evaluate(o.model, o.data.test, train?.loss ?? 'categorical_crossentropy');
  const html = await buildReport({
    dir: o.dir,
    metrics: o.metrics,
    analysis,
    specText: readFileSync(o.specFile, 'utf8'),
    data: o.data,
    evaluation,
    classNames: classNamesOf(train?.dataset, o.model.info.classes, o.data.classNames),
  });
  const path = o.out ?? join(o.dir, REPORT);
  writeFileAtomic(path, html);
  return path;
}

/**
 * After `netc train`: write the report and say where, or, should that fail, say why on stderr
 * without failing the run, whose checkpoint and metrics are already safe (`netc report`
 * can rebuild the report once the cause is fixed).
 */
export async function reportAfterTraining(o: RunReport): Promise<void> {
  try {
    process.stdout.write(`report: ${await writeRunReport(o)}\n`);
  } catch (e) {
    const detail = process.env.NETC_DEBUG ? String((e as Error).stack) : String((e as Error).message ?? e);
    process.stderr.write(`netc: warning: no report was written: ${detail}\nThe run is complete; 'netc report ${o.dir}' writes the report.\n`);
  }
}
