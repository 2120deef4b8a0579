/**
 * `netc compile <spec>`: run the passes and write the generated training module — TypeScript,
 * or JavaScript with its declarations, or both — into netc's generated/ in a checkout of netc,
 * else into the current folder. Prints the IR after each pass on request, times the passes,
 * or lists them.
 */
import { join, resolve, sep } from 'node:path';
import { compileSpec, DEFAULT_INFER_BATCH, EMIT_KINDS, insideNetcCheckout, shellWord, type EmitKind } from '../driver/compile.js';
import { esModuleProblem } from '../driver/module-type.js';
import { writeFileAtomic } from '../runtime/atomic.js';
import { printGraph } from '../ir/print.js';
import { INFERENCE_PIPELINE, PASSES, TRAINING_PIPELINE, checkPassList, type PassRun } from '../passes/manager.js';
import { Messages } from '../diagnostics/messages.js';
import { packageFile } from '../runtime/package-root.js';
import { numberOption, parse, UsageError } from './args.js';
import { num, table } from './output.js';
import { printDiagnostics } from './print-diagnostics.js';
import { makeDirs } from '../runtime/make-dirs.js';

export const compileUsage = `usage: netc compile <spec.yaml> [-o DIR] [--emit ts|js|both] [options]

Compiles a spec to a standalone training module: DIR/<name>.ts, or DIR/<name>.js (an ES module
that plain node runs) with its declarations DIR/<name>.d.ts. DIR is the current folder (in a
checkout of netc itself: its generated/ folder); never a folder inside node_modules.

  -o, --out DIR              the folder to write the module to
  --emit ts|js|both          TypeScript (default), JavaScript with its .d.ts, or both
  --stdout                   print the module instead of writing it (with --emit ts or js)
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
    emit: { type: 'string' },
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
  const emit = emitOption(values.emit);
  if (values.stdout && emit === 'both') throw new UsageError('--stdout prints one module: choose --emit ts or --emit js');
  const outDir = outputFolder(values.out);
  const printAll = Boolean(values['print-ir-after-all']);
  const printChanged = Boolean(values['print-ir-after-change']);
  const file = positionals[0]!;
  const c = compileSpec(file, {
    ...(passes ? { passes } : {}),
    ...(inferBatch ? { inferBatch } : {}),
    printIr: printAll || printChanged,
    outDir,
    emit,
    regenerate: regenerateCommand(values, file),
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
  if (!c.source || !c.files) {
    if (c.stoppedBecause) log.write(`no module written: ${c.stoppedBecause}\n`);
    return c.analysis.ok && c.diagnostics.every((d) => d.severity !== 'error') ? 0 : 1;
  }
  if (values.stdout) {
    process.stdout.write(c.files[0]!.text);
    return 0;
  }
  const targets = c.files.map((f) => join(outDir, f.name));
  let target = targets[0]!;
  try {
    makeDirs(outDir);
    c.files.forEach((f, i) => writeFileAtomic((target = targets[i]!), f.text));
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
  log.write(`wrote ${targets.join(', ')}: arena ${(c.arenaFloats! * 4 / 1048576).toFixed(1)} MiB${memory}\n`);
  const problem = emit !== 'ts' ? esModuleProblem(outDir) : undefined;
  if (problem) log.write(`note: ${problem}\n`);
  return 0;
}

function emitOption(raw: string | boolean | undefined): EmitKind {
  if (raw === undefined) return 'ts';
  const kind = EMIT_KINDS.find((k) => k === raw);
  if (!kind) throw new UsageError(`--emit must be ts, js or both, not '${String(raw)}'`);
  return kind;
}

/**
 * Where the module goes: -o, else netc's generated/ in a checkout of netc, else the current
 * folder. Never inside node_modules, where the next install would wipe it.
 */
function outputFolder(out: string | boolean | undefined): string {
  const dir = resolve(typeof out === 'string' ? out : insideNetcCheckout(process.cwd()) ? packageFile('generated') : '.');
  if (dir.split(sep).includes('node_modules')) {
    const how = typeof out === 'string' ? 'choose another -o' : "run netc compile from your project's folder, or name one with -o";
    throw new UsageError(`the module would go into node_modules (${dir}), where the next npm install deletes it; ${how}`);
  }
  return dir;
}

/** The command line that made the module, for its header: the spec and the options that shape the output. */
function regenerateCommand(values: Record<string, string | boolean | undefined>, file: string): string {
  const words = ['npx netc compile', shellWord(file)];
  for (const [name, flag] of [['out', '-o'], ['emit', '--emit'], ['passes', '--passes'], ['infer-batch', '--infer-batch'], ['runtime-import', '--runtime-import']] as const) {
    const v = values[name];
    if (typeof v === 'string') words.push(flag, shellWord(v));
  }
  return words.join(' ');
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
