/**
 * The emitter: one TypeScript module per spec, written through ts-morph. It produces
 *
 *   // header: which spec, which netc, do not edit
 *   import { Act, CompiledModel, type ModelInfo, type ModelOptions } from '<runtime>';
 *   export const info: ModelInfo = { ... };            // shapes, parameters, io offsets
 *   const P = { c1_w: 0, ... } as const;                // parameter offsets
 *   const T = { input: 1371552, ... } as const;         // the training step's buffers
 *   const I = { ... } as const;                         // the inference pass's buffers
 *   const S = { c1_w_m: ..., ... } as const;            // optimizer state
 *   export class Lenet5 extends CompiledModel {
 *     protected override trainSchedule(n: number): void {
 *       const k = this.kernels;
 *       // c1: conv2d {...}: N×28×28×1, 5×5×1×6, 6 → N×24×24×6
 *       k.conv2d(T.input, P.c1_w, P.c1_b, T.c1, n, 28, 28, 1, 24, 24, 6, 5, 5, 1, 1, 0, 0, Act.tanh);
 *       ...
 *     }
 *     protected override inferSchedule(n: number): void { ... }
 *     protected override updateSchedule(lr: number, step: number): void { k.adam(...); ... }
 *   }
 *   export function createModel(options: ModelOptions = {}): Lenet5 { ... }
 *
 * Every kernel call comes from the op registry's kernel description, the one the interpreter
 * runs, so generated code and interpreter agree argument for argument.
 */
import { IndentationText, Project, QuoteKind, Scope, VariableDeclarationKind, type CodeBlockWriter } from 'ts-morph';
import { getOp } from '../ir/ops/index.js';
import type { ResolvedOptimizer } from '../ir/optimizers/index.js';
import type { KernelArg } from '../ir/registry.js';
import { initFromAttrs } from '../ir/init.js';
import { formatAttrs } from '../ir/print.js';
import { formatShape, type Graph, type Node } from '../ir/types.js';
import type { Init } from '../runtime/model.js';
import type { Spec, TrainSpec } from '../spec/types.js';
import { optimizerLiteral, writeUpdateSchedule } from './emit-update.js';
import type { ParamSlot } from './layout.js';
import { className, commentText, Names, stringLiteral } from './names.js';
import { scheduledNodes, scheduledUpdates } from './schedule.js';

export interface EmitInput {
  readonly spec: Spec;
  /** the spec's path as the header shows it */
  readonly source: string;
  readonly netcVersion: string;
  /** the command that writes the module again, for its header: `npm run generate`, `npx netc compile spec.yaml --emit js` */
  readonly regenerate: string;
  /** the module specifier of the runtime, e.g. '../src/runtime/index.js' */
  readonly runtimeImport: string;
  readonly params: readonly ParamSlot[];
  /** the spec's optimizer, defaults filled in (the default optimizer when the spec has no train section) */
  readonly optimizer: ResolvedOptimizer;
  /** the planned training graph (absent for a spec without `train`) */
  readonly train?: Graph;
  readonly infer: Graph;
  readonly arenaFloats: number;
  readonly batchSize: number;
  readonly classes: number;
}

const num = (n: number) => n.toLocaleString('en-US');

const str = stringLiteral;

export function emitModule(input: EmitInput): string {
  const project = new Project({
    useInMemoryFileSystem: true,
    manipulationSettings: { indentationText: IndentationText.TwoSpaces, quoteKind: QuoteKind.Single },
  });
  const file = project.createSourceFile('module.ts', '');
  const cls = className(input.spec.name);
  const P = new Names();
  const T = new Names();
  const I = new Names();
  const S = new Names();
  // Register every name before emitting anything, so each id prints the same everywhere.
  for (const p of input.params) P.of(p.node.id);
  for (const n of input.train?.nodes ?? []) if (n.op !== 'param') T.of(n.id);
  for (const n of input.infer.nodes) if (n.op !== 'param') I.of(n.id);

  file.addStatements((w) => header(w, input));
  const runtime = file.addImportDeclaration({
    moduleSpecifier: 'runtime',
    namedImports: ['Act', 'CompiledModel', { name: 'ModelInfo', isTypeOnly: true }, { name: 'ModelOptions', isTypeOnly: true }],
  });
  // ts-morph escapes quotes in a specifier but not every line break ('\r', U+2028): our literal.
  runtime.getModuleSpecifier().replaceWithText(str(input.runtimeImport));

  const stateNames = new Map<ParamSlot, string[]>();
  const opt = input.optimizer.def.name;
  const suffixes = input.optimizer.state;
  for (const p of input.params) stateNames.set(p, p.state.map((_, i) => S.of(`${p.node.id}.${suffixes[i]}`)));

  addOffsets(file, 'P', 'Parameter offsets in the arena (float32 elements); parameters persist between steps.', input.params.map((p) => [P.of(p.node.id), p.offset, `${p.node.id}: ${formatShape(p.node.type.shape)}`]));
  if (input.train) {
    addOffsets(file, 'T', `The training step's buffers at batch ${input.batchSize}; buffers whose lives do not overlap share memory.`, planned(input.train, T));
  }
  addOffsets(file, 'I', `The inference pass's buffers at batch ${input.infer.plan!.batch}.`, planned(input.infer, I));
  const state = input.params.flatMap((p) => p.state.map((o, i) => [stateNames.get(p)![i]!, o, `${p.node.id}: ${suffixes[i]}`] as const));
  if (state.length > 0) addOffsets(file, 'S', `The optimizer's state (${opt}), after every planned region.`, state);
  for (const p of input.params) if (p.node.attrs.init === 'values') addValues(file, valuesName(P, p.node.id), p.node);
  file.addStatements((w) => {
    w.writeLine('/** What this module was compiled from and for: shapes, parameters, and where the schedules read and write. */');
    w.write('export const info: ModelInfo = ');
    infoLiteral(w, input, P, T, I, stateNames);
    w.write(';').newLine();
  });

  file.addClass({
    name: cls,
    isExported: true,
    extends: 'CompiledModel',
    docs: [`${commentText(input.spec.description ?? input.spec.name)}\n\nCreate it with \`createModel({ seed })\`; see CompiledModel for trainStep, predict and the parameters.`],
    ctors: [{ parameters: [{ name: 'options', type: 'ModelOptions', initializer: '{}' }], statements: 'super(info, options);' }],
    methods: [
      {
        name: 'trainSchedule',
        scope: Scope.Protected,
        hasOverrideKeyword: true,
        docs: [input.train ? `Forward, loss and backward for n ≤ ${input.batchSize} examples: ${input.train.nodes.filter((x) => getOp(x.op)?.kernel).length} steps.` : 'This spec has no train section: there is nothing to train.'],
        parameters: [{ name: 'n', type: 'number' }],
        returnType: 'void',
        statements: (w) => (input.train ? schedule(w, input.train, P, T, 'T') : w.writeLine('void n;')),
      },
      {
        name: 'inferSchedule',
        scope: Scope.Protected,
        hasOverrideKeyword: true,
        docs: [`The prediction for n ≤ ${input.infer.plan!.batch} examples.`],
        parameters: [{ name: 'n', type: 'number' }],
        returnType: 'void',
        statements: (w) => schedule(w, input.infer, P, I, 'I'),
      },
      {
        name: 'updateSchedule',
        scope: Scope.Protected,
        hasOverrideKeyword: true,
        docs: [`One ${opt} step on every trainable parameter.`],
        parameters: [
          { name: 'lr', type: 'number' },
          { name: 'step', type: 'number' },
        ],
        returnType: 'void',
        statements: (w) => update(w, input, P, T, stateNames),
      },
    ],
  });
  file.addFunction({
    name: 'createModel',
    isExported: true,
    docs: [`A new ${cls}, its parameters initialized from \`options.seed\`.`],
    parameters: [{ name: 'options', type: 'ModelOptions', initializer: '{}' }],
    returnType: cls,
    statements: `return new ${cls}(options);`,
  });
  return file.getFullText();
}

function header(w: CodeBlockWriter, input: EmitInput): void {
  w.writeLine('/**');
  w.writeLine(` * ${commentText(input.spec.name)}${input.spec.description ? `: ${commentText(input.spec.description)}` : ''}`);
  w.writeLine(' *');
  w.writeLine(` * Generated by netc ${commentText(input.netcVersion)} from ${commentText(input.source)}. Do not edit by hand:`);
  w.writeLine(` * change the spec and run \`${commentText(input.regenerate)}\` instead.`);
  w.writeLine(' *');
  w.writeLine(` * Arena: ${num(input.arenaFloats)} floats (${(input.arenaFloats * 4 / 1048576).toFixed(1)} MiB).`);
  const trainPlan = input.train?.plan;
  if (trainPlan) {
    w.writeLine(` * Training step at batch ${trainPlan.batch}: ${num(trainPlan.plannedFloats)} floats planned for ${num(trainPlan.naiveFloats)} in buffers.`);
  }
  w.writeLine(' */');
}

function infoLiteral(w: CodeBlockWriter, input: EmitInput, P: Names, T: Names, I: Names, stateNames: Map<ParamSlot, string[]>): void {
  const optimizer = input.train ? optimizerLiteral(input.optimizer) : undefined;
  const grads = input.train?.outputs.gradients ?? {};
  w.inlineBlock(() => {
    w.writeLine(`name: ${str(input.spec.name)},`);
    w.writeLine(`source: ${str(input.source)},`);
    w.writeLine(`netcVersion: ${str(input.netcVersion)},`);
    w.writeLine(`inputShape: [${input.spec.input.shape.join(', ')}],`);
    w.writeLine(`classes: ${input.classes},`);
    w.writeLine(`batchSize: ${input.batchSize},`);
    w.writeLine(`inferBatch: ${input.infer.plan!.batch},`);
    w.writeLine(`arenaFloats: ${input.arenaFloats},`);
    w.write('parameters: [').newLine();
    w.indent(() => {
      for (const p of input.params) {
        const a = p.node.attrs;
        const init = initLiteral(initFromAttrs(a), valuesName(P, p.node.id));
        const g = grads[p.node.id];
        const parts = [
          `name: ${str(p.node.id)}`,
          `shape: [${(p.node.type.shape as number[]).join(', ')}]`,
          `offset: P.${P.of(p.node.id)}`,
          `init: ${init}`,
          `trainable: ${a.trainable !== false}`,
          ...(typeof a.mask === 'string' ? [`mask: ${str(a.mask)}`] : []),
          ...(typeof a.l2 === 'number' ? [`l2: ${a.l2}`] : []),
          ...(g ? [`gradient: T.${T.of(g)}`] : []),
          `state: [${stateNames.get(p)!.map((s) => `S.${s}`).join(', ')}]`,
        ];
        w.writeLine(`{ ${parts.join(', ')} },`);
      }
    });
    w.writeLine('],');
    if (optimizer) w.writeLine(`optimizer: ${optimizer},`);
    if (input.train) w.writeLine(`loss: ${str(input.spec.train?.loss ?? 'categorical_crossentropy')},`);
    if (input.train && input.spec.train?.label_smoothing) w.writeLine(`labelSmoothing: ${input.spec.train.label_smoothing},`);
    if (input.train && input.spec.train) w.writeLine(`training: ${trainingLiteral(input.spec.train)},`);
    const io = input.train?.outputs;
    const inputs = input.train?.nodes.filter((n) => n.op === 'input') ?? [];
    const images = inputs.find((n) => n.attrs.role === undefined);
    const labels = inputs.find((n) => n.attrs.role === 'labels');
    w.write('io: ').inlineBlock(() => {
      if (images && labels && io?.loss && io.scores) {
        w.writeLine(`trainImages: T.${T.of(images.id)},`);
        w.writeLine(`trainLabels: T.${T.of(labels.id)},`);
        w.writeLine(`loss: T.${T.of(io.loss)},`);
        w.writeLine(`scores: T.${T.of(io.scores)},`);
      }
      const inferInput = input.infer.nodes.find((n) => n.op === 'input')!;
      w.writeLine(`inferImages: I.${I.of(inferInput.id)},`);
      w.writeLine(`prediction: I.${I.of(input.infer.outputs.prediction!)},`);
    });
    w.write(',').newLine();
  });
}

/** The spec's training setup as ModelInfo's `training` (TrainingSetup): what `fit` follows by default. */
function trainingLiteral(train: TrainSpec): string {
  const schedule = train.optimizer?.schedule;
  const fields = [
    `epochs: ${train.epochs ?? 1}`,
    ...(schedule !== undefined ? [`schedule: ${literal(schedule)}`] : []),
    ...(train.augment ? [`augment: ${literal(train.augment)}`] : []),
    ...(train.early_stopping ? [`earlyStopping: ${literal(train.early_stopping)}`] : []),
  ];
  return `{ ${fields.join(', ')} }`;
}

/** Plain data (numbers, strings, booleans, lists, mappings) as a TypeScript literal on one line. */
function literal(v: unknown): string {
  if (typeof v === 'string') return str(v);
  if (Array.isArray(v)) return `[${v.map(literal).join(', ')}]`;
  if (v !== null && typeof v === 'object') {
    const fields = Object.entries(v).filter(([, x]) => x !== undefined);
    return fields.length === 0 ? '{}' : `{ ${fields.map(([k, x]) => `${/^[A-Za-z_$][\w$]*$/.test(k) ? k : str(k)}: ${literal(x)}`).join(', ')} }`;
  }
  return String(v);
}

/** The planned buffers of a graph as [name, offset, comment], aliases noted. */
function planned(g: Graph, names: Names): [string, number, string][] {
  return g.nodes
    .filter((n) => n.op !== 'param')
    .map((n) => {
      const def = getOp(n.op)!;
      const alias = def.alias ? `, a view of ${n.inputs[0]}` : def.assigns ? `, the new value of the state ${n.inputs[0]}` : '';
      return [names.of(n.id), g.plan!.offsets[n.id]!, `${n.id}: ${formatShape(n.type.shape)}${alias}`];
    });
}

function addOffsets(file: ReturnType<Project['createSourceFile']>, name: string, doc: string, entries: readonly (readonly [string, number, string])[]): void {
  file.addStatements((w) => {
    w.writeLine(`/** ${doc} */`);
    w.write(`const ${name} = `).inlineBlock(() => {
      for (const [key, offset, comment] of entries) w.writeLine(`${key}: ${offset}, // ${commentText(comment)}`);
    });
    w.write(' as const;').newLine();
  });
}

const valuesName = (P: Names, id: string) => `VALUES_${P.of(id)}`;

/** `{ kind: 'glorot_uniform', fanIn: 25, fanOut: 6 }`; fixed values by the name of their constant. */
function initLiteral(init: Init, values: string): string {
  const fields = Object.entries(init).map(([key, v]) => {
    const text = key === 'values' ? values : typeof v === 'string' ? str(v) : JSON.stringify(v).replace(/,/g, ', ');
    return `${key}: ${text}`;
  });
  return `{ ${fields.join(', ')} }`;
}

/** A parameter's fixed values (RBF prototypes), one row of the tensor per line. */
function addValues(file: ReturnType<Project['createSourceFile']>, name: string, node: Node): void {
  const values = node.attrs.values as number[];
  const row = node.type.shape.length > 1 ? (node.type.shape[node.type.shape.length - 1] as number) : values.length;
  file.addStatements((w) => {
    w.writeLine(`/** The fixed values of ${commentText(node.id)}: ${formatShape(node.type.shape)}, one row per line. */`);
    w.write(`const ${name}: readonly number[] = [`).newLine();
    w.indent(() => {
      for (let i = 0; i < values.length; i += row) w.writeLine(values.slice(i, i + row).join(', ') + ',');
    });
    w.writeLine('];');
  });
}

/** The schedule of a planned graph: a comment and the kernel calls for each node, in order. */
function schedule(w: CodeBlockWriter, g: Graph, P: Names, X: Names, x: 'T' | 'I'): void {
  const byId = new Map(g.nodes.map((n) => [n.id, n]));
  const bufRef = (id: string) => (byId.get(id)!.op === 'param' ? `P.${P.of(id)}` : `${x}.${X.of(id)}`);
  w.writeLine('const k = this.kernels;');
  for (const { node, calls } of scheduledNodes(g)) {
    w.writeLine(`// ${describe(node, byId)}`);
    for (const call of calls) w.writeLine(`k.${call.kernel}(${call.args.map((a) => argText(a, bufRef)).join(', ')});`);
  }
}

function argText(a: KernelArg, bufRef: (id: string) => string): string {
  if (typeof a === 'number') return String(a);
  if ('buf' in a) return bufRef(a.buf);
  if ('batch' in a) return a.batch === 1 ? 'n' : `n * ${a.batch}`;
  if ('act' in a) return `Act.${a.act}`;
  return 'this.stepSeed';
}

/** `c1: conv2d {kernel=[5,5], ...}: N×28×28×1, 5×5×1×6, 6 → N×24×24×6` */
function describe(node: Node, byId: ReadonlyMap<string, Node>): string {
  const attrs = formatAttrs(node.attrs);
  const who = node.layer && node.layer !== node.id ? `${node.id} (${node.layer})` : node.id;
  const ins = node.inputs.map((i) => formatShape(byId.get(i)!.type.shape)).join(', ');
  const alias = getOp(node.op)!.alias ? ` (a view of ${node.inputs[0]}: no kernel)` : '';
  return commentText(`${who}: ${node.op}${attrs}: ${ins} → ${formatShape(node.type.shape)}${alias}`);
}

/** The optimizer's step on each trained parameter, its buffers named as the module names them. */
function update(w: CodeBlockWriter, input: EmitInput, P: Names, T: Names, stateNames: Map<ParamSlot, string[]>): void {
  const grads = input.train?.outputs.gradients ?? {};
  const targets = scheduledUpdates(input.optimizer, input.params, grads).map(({ slot, calls }) => ({
    comment: `${commentText(slot.node.id)}: ${formatShape(slot.node.type.shape)}`,
    calls,
    param: `P.${P.of(slot.node.id)}`,
    gradient: `T.${T.of(grads[slot.node.id]!)}`,
    state: stateNames.get(slot)!.map((x) => `S.${x}`),
  }));
  writeUpdateSchedule(w, targets);
}
