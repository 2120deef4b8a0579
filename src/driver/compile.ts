/**
 * The compiler driver: a spec file in, a generated module's source out. It lowers the spec twice
 * — the training graph (with labels and loss) and the inference graph — runs each through its
 * pass pipeline, lays out the arena and emits the module.
 */
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { analyze, type Analysis } from './analyze.js';
import { lower } from '../ir/lower.js';
import { exampleShape, type Graph } from '../ir/types.js';
import { checkPassList, DEFAULT_PIPELINE, pipelineFor, runPipeline, type PassRun } from '../passes/manager.js';
import { hasErrors, type Diagnostic } from '../diagnostics/diagnostics.js';
import { Messages } from '../diagnostics/messages.js';
import { packageFile, packageRoot, packageVersion } from '../runtime/package-root.js';
import { emitModule } from '../codegen/emit.js';
import { javascriptOf } from '../codegen/emit-js.js';
import { withRuntimeImport } from '../codegen/runtime-import.js';
import { layoutOptimizerState, layoutParameters, type ParamSlot } from '../codegen/layout.js';
import { resolveOptimizer, type ResolvedOptimizer } from '../ir/optimizers/index.js';
import { checkArena, DEFAULT_INFER_BATCH } from './memory-limit.js';

export interface CompileOptions {
  /** the largest batch of one inference pass (default 1000) */
  readonly inferBatch?: number;
  /** the training step's batch size, instead of the spec's */
  readonly batchSize?: number;
  /** the pipeline's passes, in order (default: DEFAULT_PIPELINE); each graph runs those that declare it */
  readonly passes?: readonly string[];
  /** keep the IR text after each pass */
  readonly printIr?: boolean;
  /** how the module imports the runtime (default: see runtimeImportFor) */
  readonly runtimeImport?: string;
  /** the folder the module will be written to, for the relative runtime import */
  readonly outDir?: string;
  /** texts standing for files by absolute path (an editor's unsaved buffer), as analyze takes them */
  readonly texts?: ReadonlyMap<string, string>;
  /** which files to make: the TypeScript module, the JavaScript one with its declarations, or both (default ts) */
  readonly emit?: EmitKind;
  /** the command that writes the module again, for its header (default: see regenerateCommand) */
  readonly regenerate?: string;
}

export type EmitKind = 'ts' | 'js' | 'both';
export const EMIT_KINDS: readonly EmitKind[] = ['ts', 'js', 'both'];

/** One file of a compiled module: its name in the output folder and its text. */
export interface ModuleFile {
  readonly name: string;
  readonly text: string;
}

export interface Compiled {
  readonly analysis: Analysis;
  readonly diagnostics: Diagnostic[];
  readonly trainRuns: PassRun[];
  readonly inferRuns: PassRun[];
  /** the inference graph as lowered, before its passes */
  readonly inferLowered?: Graph;
  /** the training and inference graphs after their pipelines */
  readonly train?: Graph;
  readonly infer?: Graph;
  /** the module's source; absent on errors or when the passes stop short of code generation */
  readonly source?: string;
  /** the files to write, as `emit` asks: <name>.ts, and/or <name>.js with <name>.d.ts */
  readonly files?: readonly ModuleFile[];
  /** why no module was emitted though there were no errors */
  readonly stoppedBecause?: string;
  readonly arenaFloats?: number;
  /** the parameters' slots and the optimizer, as the module's update schedule uses them */
  readonly params?: readonly ParamSlot[];
  readonly optimizer?: ResolvedOptimizer;
}

export { DEFAULT_INFER_BATCH };

/** Whether `dir` lies in netc's own folder. */
function insideNetc(dir: string): boolean {
  const rel = relative(packageRoot(), resolve(dir));
  return !(rel.startsWith('..') || isAbsolute(rel));
}

/**
 * Whether `dir` lies in a checkout of netc being worked on, where modules belong in generated/
 * and `npm run generate` rewrites them: netc's folder, unless that is an installed copy.
 */
export function insideNetcCheckout(dir: string): boolean {
  return insideNetc(dir) && !packageRoot().split(sep).includes('node_modules');
}

/**
 * The runtime as the module should import it: relative to the module when both live in this
 * netc's folder (the committed generated/ modules; JavaScript imports the compiled runtime in
 * dist/), otherwise the package export `netc/runtime`.
 */
export function runtimeImportFor(outDir: string, language: 'ts' | 'js' = 'ts'): string {
  if (!insideNetc(outDir)) return 'netc/runtime';
  const runtime = language === 'ts' ? packageFile('src', 'runtime', 'index.js') : packageFile('dist', 'src', 'runtime', 'index.js');
  const spec = relative(outDir, runtime).split('\\').join('/');
  return spec.startsWith('.') ? spec : `./${spec}`;
}

/**
 * The command a module's header tells a person to run after changing the spec (the CLI names its
 * own options). For netc's generated/ it is `npm run generate`, installed or not: the CLI never
 * writes there outside a checkout, and `netc train` reuses a committed module only when the
 * compiler's output equals it byte for byte.
 */
export function regenerateCommand(file: string, outDir: string): string {
  return resolve(outDir) === packageFile('generated') ? 'npm run generate' : `npx netc compile ${shellWord(displayPath(file))}`;
}

/** `s` as one word of a POSIX shell command: quoted when it holds anything but plain characters. */
export function shellWord(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

export function compileSpec(file: string, options: CompileOptions = {}): Compiled {
  const analysis = analyze(file, { training: true }, {
    ...(options.batchSize ? { train: options.batchSize } : {}),
    infer: options.inferBatch ?? DEFAULT_INFER_BATCH,
  }, options.texts);
  const trainRuns: PassRun[] = [];
  const inferRuns: PassRun[] = [];
  const fail = (diagnostics: Diagnostic[]): Compiled => ({ analysis, diagnostics, trainRuns, inferRuns });
  if (!analysis.ok || !analysis.graph || !analysis.loaded) return fail(analysis.diagnostics);
  const spec = analysis.loaded.spec;

  const inferLowered = lower(analysis.loaded, { training: false });
  if (!inferLowered.graph) return fail([...analysis.diagnostics, ...inferLowered.diagnostics]);

  const trainGraph = analysis.graph.outputs.loss ? analysis.graph : undefined;
  const chosen = options.passes ?? DEFAULT_PIPELINE;
  const problem = checkPassList(chosen);
  if (problem) throw new Error(problem); // the CLI checks first; this is a programming error
  const trainPasses = pipelineFor(chosen, 'training');
  const inferPasses = pipelineFor(chosen, 'inference');

  // Parameters from offset 0, then their gradients in the same layout (a training step's result,
  // which an inference pass must not overwrite), then the planned regions.
  const { params, end: paramsEnd } = layoutParameters(trainGraph ?? inferLowered.graph);
  // Null prototypes: looking up a node id such as 'toString' must not find Object.prototype's.
  const byId = (entries: [string, number][]) => Object.assign(Object.create(null) as Record<string, number>, Object.fromEntries(entries));
  const fixedOffsets = byId(params.map((p) => [p.node.id, p.offset]));
  // A parameter or state that only inference declares would have no slot that persists.
  const orphan = inferLowered.graph.nodes.find((n) => n.op === 'param' && fixedOffsets[n.id] === undefined);
  if (orphan) return fail([...analysis.diagnostics, Messages.Internal.at(orphan.loc, `'${orphan.id}' is declared in the inference graph only; a layer declares its parameters and states in both`)]);
  const gradientOffsets = byId(params.map((p) => [p.node.id, paramsEnd + p.offset]));
  const plannedBase = trainGraph ? 2 * paramsEnd : paramsEnd;
  const batchSize = options.batchSize ?? spec.train?.batch_size ?? 32;
  const inferBatch = options.inferBatch ?? DEFAULT_INFER_BATCH;
  const print = { print: options.printIr ?? false };

  const diagnostics = [...analysis.diagnostics];
  let train: Graph | undefined;
  if (trainGraph) {
    const r = runPipeline(trainGraph, trainPasses, { batch: batchSize, arenaBase: plannedBase, fixedOffsets, gradientOffsets }, print);
    trainRuns.push(...r.runs);
    diagnostics.push(...r.diagnostics);
    train = r.graph;
  }
  const ri = runPipeline(inferLowered.graph, inferPasses, { batch: inferBatch, arenaBase: plannedBase, fixedOffsets }, print);
  inferRuns.push(...ri.runs);
  diagnostics.push(...ri.diagnostics);
  const infer = ri.graph;
  const base = { analysis, diagnostics, trainRuns, inferRuns, inferLowered: inferLowered.graph, ...(train ? { train } : {}), ...(infer ? { infer } : {}) };
  if (hasErrors(diagnostics) || !infer) return base;

  if (!infer.plan || (train && (!train.plan || !train.outputs.gradients))) {
    return { ...base, stoppedBecause: 'code generation needs the autodiff and plan-memory passes' };
  }
  const trained = new Set(Object.keys(train?.outputs.gradients ?? {}));
  const stateStart = Math.max(infer.plan.end, train?.plan?.end ?? 0);
  const optimizer = resolveOptimizer(spec.train?.optimizer);
  const arenaFloats = layoutOptimizerState(params, trained, optimizer, stateStart);
  const tooLarge = checkArena(arenaFloats, analysis.graph, { ...(trainGraph ? { train: batchSize } : {}), infer: inferBatch });
  if (tooLarge) return { ...base, diagnostics: [...diagnostics, tooLarge] };
  const prediction = infer.nodes.find((n) => n.id === infer.outputs.prediction)!;
  const outDir = options.outDir ?? packageFile('generated');
  const runtimeImport = options.runtimeImport ?? runtimeImportFor(outDir);
  const source = emitModule({
    spec,
    source: displayPath(file),
    netcVersion: packageVersion(),
    regenerate: options.regenerate ?? regenerateCommand(file, outDir),
    runtimeImport,
    params,
    optimizer,
    ...(train ? { train } : {}),
    infer,
    arenaFloats,
    batchSize,
    classes: exampleShape(prediction.type.shape).reduce((a, d) => a * d, 1),
  });
  const files = moduleFiles(spec.name, source, options.emit ?? 'ts', options.runtimeImport ?? runtimeImportFor(outDir, 'js'), runtimeImport);
  return { ...base, source, files, arenaFloats, params, optimizer };
}

/** The files `emit` asks for; the JavaScript imports the runtime as `jsRuntime`. */
function moduleFiles(name: string, source: string, emit: EmitKind, jsRuntime: string, tsRuntime: string): ModuleFile[] {
  const files: ModuleFile[] = [];
  if (emit !== 'js') files.push({ name: `${name}.ts`, text: source });
  if (emit !== 'ts') {
    const { js, dts } = javascriptOf(withRuntimeImport(source, tsRuntime, jsRuntime));
    files.push({ name: `${name}.js`, text: js }, { name: `${name}.d.ts`, text: dts });
  }
  return files;
}

/** The spec's path relative to netc's folder when inside it (stable in committed modules). */
export function displayPath(file: string): string {
  const rel = relative(packageRoot(), resolve(file));
  return rel.startsWith('..') ? file : rel.split('\\').join('/');
}

export const generatedFile = (outDir: string, specName: string) => join(outDir, `${specName}.ts`);
