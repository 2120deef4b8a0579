/**
 * `netc compile <spec>`: run the passes and write the generated training module,
 * generated/<name>.ts by default. Prints the IR after each pass on request, times the passes,
 * or lists them.
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { compileSpec, DEFAULT_INFER_BATCH, generatedFile } from '../driver/compile.js';
import { printGraph } from '../ir/print.js';
import { INFERENCE_PIPELINE, PASSES, TRAINING_PIPELINE, checkPassList, type PassRun } from '../passes/manager.js';
import { Messages } from '../diagnostics/messages.js';
import { packageFile } from '../runtime/package-root.js';
import { numberOption, parse, UsageError } from './args.js';
import { num, table } from './output.js';
import { printDiagnostics } from './print-diagnostics.js';
import { makeDirs } from '../runtime/make-dirs.js';

export const compileUsage = `usage: netc compile <spec.yaml> [-o DIR] [options]

Compiles a spec to a standalone TypeScript training module, DIR/<name>.ts (default DIR:
netc's generated/ folder).

  -o, --out DIR              the folder to write the module to
  --stdout                   print the module instead of writing it
  --print-ir-after-all       print the IR after lowering and after every pass
  --print-ir-after-change    the same, but only after passes that changed the graph
  --passes a,b,c             the pipeline's passes, in order; each graph runs those that declare it (see --list-passes)
  --list-passes              list the passes and the default pipelines
  --time-passes              print how long each pass took
  --infer-batch N            the largest batch of one inference pass (default ${DEFAULT_INFER_BATCH})
  --runtime-import SPEC      how the module imports netc's runtime (default: a relative path
                             inside netc's folder, otherwise 'netc/runtime')`;

export function runCompile(argv: string[]): number {
  const { values, positionals } = parse(argv, {
    out: { type: 'string', short: 'o' },
    stdout: { type: 'boolean' },
    'print-ir-after-all': { type: 'boolean' },
    'print-ir-after-change': { type: 'boolean' },
    passes: { type: 'string' },
    'list-passes': { type: 'boolean' },
    'time-passes': { type: 'boolean' },
    'infer-batch': { type: 'string' },
    'runtime-import': { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    process.stdout.write(compileUsage + '\n');
    return 0;
  }
  if (values['list-passes']) {
    process.stdout.write(listPasses());
    return 0;
  }
  if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? 'name the spec to compile' : 'compile takes one spec at a time');
  const passes = typeof values.passes === 'string' ? values.passes.split(',').map((p) => p.trim()).filter(Boolean) : undefined;
  if (passes) {
    const problem = checkPassList(passes);
    if (problem) throw new UsageError(problem);
  }
  const inferBatch = numberOption(values, 'infer-batch', { integer: true, min: 1, max: 1_000_000 });
  const outDir = resolve(typeof values.out === 'string' ? values.out : packageFile('generated'));
  const printAll = Boolean(values['print-ir-after-all']);
  const printChanged = Boolean(values['print-ir-after-change']);
  const file = positionals[0]!;
  const c = compileSpec(file, {
    ...(passes ? { passes } : {}),
    ...(inferBatch ? { inferBatch } : {}),
    printIr: printAll || printChanged,
    outDir,
    ...(typeof values['runtime-import'] === 'string' ? { runtimeImport: values['runtime-import'] } : {}),
  });
  printDiagnostics(c.diagnostics, c.analysis.sources);
  const log = values.stdout ? process.stderr : process.stdout;

  if ((printAll || printChanged) && c.analysis.graph) {
    const show = (title: string, start: string, runs: PassRun[]) => {
      log.write(`// ----- ${title}: IR after lowering -----\n${start}`);
      for (const r of runs) if (printAll || r.changed) log.write(`// ----- ${title}: IR after ${r.pass} -----\n${r.ir}`);
    };
    if (c.analysis.graph.outputs.loss) show('training step', printGraph(c.analysis.graph), c.trainRuns);
    if (c.inferLowered) show('inference', printGraph(c.inferLowered), c.inferRuns);
  }
  if (values['time-passes']) log.write(passTimes(c.trainRuns, c.inferRuns));
  if (!c.source) {
    if (c.stoppedBecause) log.write(`no module written: ${c.stoppedBecause}\n`);
    return c.analysis.ok && c.diagnostics.every((d) => d.severity !== 'error') ? 0 : 1;
  }
  if (values.stdout) {
    process.stdout.write(c.source);
    return 0;
  }
  const target = generatedFile(outDir, c.analysis.loaded!.spec.name);
  try {
    makeDirs(outDir);
    writeFileSync(target, c.source);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (typeof err.code !== 'string') throw e;
    printDiagnostics([Messages.CannotWrite.at(undefined, target, err.code)]);
    return 1;
  }
  const plan = c.train?.plan;
  const memory = plan
    ? `; training step at batch ${plan.batch}: ${num(plan.plannedFloats * 4)} bytes planned for ${num(plan.naiveFloats * 4)} in buffers (${Math.round((100 * plan.plannedFloats) / plan.naiveFloats)}%)`
    : '';
  log.write(`wrote ${target}: arena ${(c.arenaFloats! * 4 / 1048576).toFixed(1)} MiB${memory}\n`);
  return 0;
}

function listPasses(): string {
  const rows = PASSES.map((p) => [p.name, String(p.phase), p.runsOn.join(', ') + (p.required ? ' (always)' : ''), p.summary]);
  return [
    ...table(['Pass', 'Phase', 'Runs on', 'What it does'], rows, [false, true, false, false]),
    '',
    `training pipeline:  ${TRAINING_PIPELINE.join(',')}`,
    `inference pipeline: ${INFERENCE_PIPELINE.join(',')}`,
    'Phases: 1 rewrites, 2 clean-up, 3 autodiff, 4 memory planning; a --passes list keeps them in order.',
    '',
  ].join('\n');
}

function passTimes(train: PassRun[], infer: PassRun[]): string {
  const rows = [...train.map((r) => ['training', r]), ...infer.map((r) => ['inference', r])].map(([g, r]) => {
    const run = r as PassRun;
    return [g as string, run.pass, run.changed ? 'yes' : 'no', run.ms.toFixed(2)];
  });
  return [...table(['Graph', 'Pass', 'Changed', 'ms'], rows, [false, false, false, true]), ''].join('\n');
}
