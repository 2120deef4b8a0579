/**
 * `netc check <files or globs...>`: validate and shape-check specs. For each valid spec, a
 * summary in the spirit of Keras's model.summary(); for each invalid one, every diagnostic.
 * `--json` prints one JSON document; `--format github` prints GitHub Actions annotations;
 * `--format sarif` a SARIF 2.1.0 log. `--watch` checks again on every save.
 */
import { analyze, type Analysis } from '../driver/analyze.js';
import { UsageError, parse } from './args.js';
import { expandFiles } from './files.js';
import { num, style, table } from './output.js';
import { diagnosticText } from './print-diagnostics.js';
import { sarifLog } from './sarif.js';
import type { Summary } from '../ir/summary.js';

export const checkUsage = `usage: netc check [--json | --format text|json|github|sarif] [--quiet] [--watch] <files or globs...>

Validates each spec (YAML, schema, names, shapes, and the fit to its data set) and prints a
summary of its layers, or every error with the line to fix.

  --json             print one JSON document (the same as --format json)
  --format FORMAT    text (default), json, github (GitHub Actions annotations), or
                     sarif (SARIF 2.1.0, for GitHub code scanning)
  --quiet            print only diagnostics, no summaries
  --watch            check again whenever a spec or a spec it extends is saved, clearing the
                     screen each time; Ctrl-C stops (exit status 0)
Exit status: 0 no errors, 1 errors in a spec, 2 a wrong command line.`;

const FORMATS = ['text', 'json', 'github', 'sarif'];

export async function runCheck(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, {
    json: { type: 'boolean' },
    format: { type: 'string' },
    quiet: { type: 'boolean', short: 'q' },
    watch: { type: 'boolean', short: 'w' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    process.stdout.write(checkUsage + '\n');
    return 0;
  }
  const format = values.json ? 'json' : ((values.format as string | undefined) ?? 'text');
  if (!FORMATS.includes(format)) throw new UsageError(`--format must be text, json, github or sarif, not '${format}'`);
  if (values.json && values.format && values.format !== 'json') throw new UsageError('--json and --format disagree; use one');
  if (positionals.length === 0) throw new UsageError('name at least one spec file');
  const files = await expandFiles(positionals);
  const quiet = Boolean(values.quiet);
  if (values.watch) {
    const { watchChecks } = await import('./watch.js');
    return watchChecks(
      () => {
        const results = files.map((f) => analyze(f));
        return { output: report(results, format, quiet), files: [...files, ...results.flatMap((r) => [...r.sources.keys()])] };
      },
      { debounceMs: 150, out: process.stdout, status: format === 'text' ? process.stdout : process.stderr },
    );
  }
  const results = files.map((f) => analyze(f));
  process.stdout.write(report(results, format, quiet));
  return results.every((r) => r.ok) ? 0 : 1;
}

function report(results: readonly Analysis[], format: string, quiet: boolean): string {
  if (format === 'json') return JSON.stringify(checkJson(results), null, 2) + '\n';
  if (format === 'sarif') return JSON.stringify(sarifLog(results), null, 2) + '\n';
  if (format === 'github') return githubAnnotations(results);
  return checkText(results, quiet);
}

export function checkJson(results: readonly Analysis[]) {
  return {
    files: results.map((r) => ({
      file: r.file,
      ok: r.ok,
      diagnostics: r.diagnostics.map((d) => ({
        severity: d.severity,
        code: d.code,
        message: d.message,
        file: d.loc?.file ?? r.file,
        line: d.loc?.line ?? 1,
        column: d.loc?.column ?? 1,
      })),
      summary: r.ok && r.summary ? r.summary : null,
    })),
  };
}

/** GitHub's workflow-command escaping: data escapes %, CR, LF; properties also ':' and ','. */
const ghData = (s: string) => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
const ghProp = (s: string) => ghData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');

export function githubAnnotations(results: readonly Analysis[]): string {
  const lines: string[] = [];
  for (const r of results) {
    for (const d of r.diagnostics) {
      const kind = d.severity === 'error' ? 'error' : 'warning';
      const file = d.loc?.file ?? r.file;
      const line = d.loc?.line ?? 1;
      const col = d.loc?.column ?? 1;
      lines.push(`::${kind} file=${ghProp(file)},line=${line},col=${col},title=${ghProp(d.code)}::${ghData(d.message)}`);
    }
  }
  lines.push(totals(results));
  return lines.join('\n') + '\n';
}

function checkText(results: readonly Analysis[], quiet: boolean): string {
  const s = style();
  const out: string[] = [];
  for (const r of results) {
    for (const d of r.diagnostics) out.push(diagnosticText(d, r.sources, { style: s }));
    if (r.ok && r.summary && !quiet) {
      out.push(`${s.bold(r.file)}: ${r.loaded!.spec.name} ${s.green('ok')}`, ...summaryTable(r.summary).map((l) => '  ' + l), '');
    } else if (r.diagnostics.length > 0) out.push('');
  }
  out.push(totals(results));
  return out.join('\n') + '\n';
}

/**
 * The summary as a table. Fixed parameters and the 1998 paper's connections get their columns
 * when the network has fixed weights or connection tables (as the paper's LeNet-5 does). A
 * network whose only untrained values are states (batch normalization's moving statistics) is
 * shown as Keras shows it: a layer's Params count all its values, and lines under the table
 * split the total into trainable and non-trainable.
 */
export function summaryTable(sum: Summary, paperColumns = sum.fixed_params > sum.state_params): string[] {
  const keras = !paperColumns && sum.state_params > 0;
  const params = (l: { readonly params: number; readonly fixed_params: number }) => num(keras ? l.params + l.fixed_params : l.params);
  const rows = sum.layers.map((l) => [
    l.name,
    l.activation ? `${l.op} (${l.activation})` : l.op,
    l.shape.join('×'),
    params(l),
    ...(paperColumns ? [num(l.fixed_params), num(l.connections)] : []),
    num(l.macs),
  ]);
  rows.push(['Total', '', '', params(sum), ...(paperColumns ? [num(sum.fixed_params), num(sum.connections)] : []), num(sum.macs)]);
  const head = ['Layer', 'Op', 'Output shape', 'Params', ...(paperColumns ? ['Fixed', 'Connections'] : []), 'MACs'];
  const lines = table(head, rows, head.map((_, i) => i >= 3));
  lines.splice(lines.length - 1, 0, lines[1]!);
  if (keras) lines.push(`Trainable params: ${num(sum.params)}`, `Non-trainable params: ${num(sum.fixed_params)}`);
  return lines;
}

function totals(results: readonly Analysis[]): string {
  const errors = results.reduce((n, r) => n + r.diagnostics.filter((d) => d.severity === 'error').length, 0);
  const warnings = results.reduce((n, r) => n + r.diagnostics.filter((d) => d.severity === 'warning').length, 0);
  const bad = results.filter((r) => !r.ok).length;
  const plural = (n: number, w: string) => `${n} ${w}${n === 1 ? '' : 's'}`;
  return `${plural(results.length, 'spec')} checked: ${results.length - bad} ok, ${bad} with errors (${plural(errors, 'error')}, ${plural(warnings, 'warning')})`;
}
