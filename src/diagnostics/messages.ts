/**
 * The catalogue of every diagnostic netc can give: one stable code each, grouped by stage.
 * Codes are never reused or renumbered; tests list the codes that no fixture exercises.
 *
 *   1xxx  reading the file: YAML syntax, size and nesting limits
 *   2xxx  the schema: unknown keys and ops, types, ranges, names
 *   3xxx  the graph: layer names, references, cycles, arity
 *   4xxx  shapes
 *   5xxx  training setup: loss, data set and the network's input and output
 *   6xxx  extends and patch; 61xx sweep files
 *   7xxx  data files and checkpoints
 *   8xxx  TensorFlow.js: export, import and the tfjs backend
 *   9xxx  internal errors (a bug in netc, not in the spec)
 */
import type { Diagnostic, Related, Severity, SourceLoc } from './diagnostics.js';

export interface MessageDef<A extends unknown[]> {
  readonly code: string;
  readonly severity: Severity;
  readonly format: (...args: A) => string;
  /** A diagnostic of this kind at `loc` (undefined when the place is unknown). */
  at(loc: SourceLoc | undefined, ...args: A): Diagnostic;
  /** The same with notes pointing at related places. */
  withRelated(loc: SourceLoc | undefined, related: Related[], ...args: A): Diagnostic;
}

/**
 * A message of the catalogue. `fix`, where one mistake has one likely repair (a misspelling and
 * the name it is closest to), gives the text to write in place of the diagnostic's place.
 */
function def<A extends unknown[]>(code: number, severity: Severity, format: (...args: A) => string, fix?: (...args: A) => string | undefined): MessageDef<A> {
  const c = `NETC${code}`;
  const fixOf = (args: A) => {
    const text = fix?.(...args);
    return text === undefined ? {} : { fix: text };
  };
  return {
    code: c,
    severity,
    format,
    at: (loc, ...args) => ({ code: c, severity, message: format(...args), ...(loc ? { loc } : {}), ...fixOf(args) }),
    withRelated: (loc, related, ...args) => ({
      code: c,
      severity,
      message: format(...args),
      ...(loc ? { loc } : {}),
      related,
      ...fixOf(args),
    }),
  };
}

const q = (s: unknown) => `'${String(s)}'`;
const didYouMean = (s: string | undefined) => (s ? `; did you mean ${q(s)}?` : '');

export const Messages = {
  // 1xxx: reading the file
  YamlSyntax: def(1001, 'error', (detail: string) => `YAML syntax error: ${detail}`),
  CannotRead: def(1002, 'error', (path: string, reason: string) => `cannot read ${q(path)}: ${reason}`),
  NotAMapping: def(
    1003,
    'error',
    (got: string) => `a spec must be a YAML mapping with the keys netc, name, input and layers, but this file holds ${got}`,
  ),
  AliasBomb: def(
    1004,
    'error',
    (limit: number) =>
      `YAML aliases expand to more than ${limit} nodes; a spec never needs this many: write the values out or use 'extends'`,
  ),
  FileTooLarge: def(
    1005,
    'error',
    (bytes: number, limit: number) =>
      `the file is ${bytes.toLocaleString('en-US')} bytes; specs are limited to ${limit.toLocaleString('en-US')} bytes`,
  ),
  TooDeep: def(
    1006,
    'error',
    (limit: number) => `the document nests deeper than ${limit} levels; a spec needs at most a few`,
  ),
  MultipleDocuments: def(
    1007,
    'error',
    () => `a spec file holds one YAML document; remove the '---' separator and what follows it, or split the file`,
  ),
  TooManyValues: def(
    1009,
    'error',
    (limit: number) => `the document holds more than ${limit.toLocaleString('en-US')} values; a spec needs a few hundred`,
  ),
  NotAFile: def(
    1008,
    'error',
    (path: string, what: string) => `${q(path)} is ${what}, not a spec file; name a YAML file`,
  ),
  Indentation: def(1011, 'error', (fix: string) => `YAML indentation: ${fix}`),
  TabIndentation: def(1012, 'error', (fix: string) => `YAML indentation: ${fix}`),
  FlowSyntax: def(1013, 'error', (fix: string) => `YAML: ${fix}`),
  NoSpaceAfterColon: def(
    1014,
    'error',
    (written: string, key: string, value: string) => `YAML reads ${q(written)} as one key with no value: write ${q(`${key}: ${value}`)}, with a space after the colon`,
  ),
  DuplicateKey: def(
    1010,
    'error',
    (key: string) => `the key ${q(key)} is written twice in one mapping, and only one of the two could count; remove or rename one`,
  ),

  // 2xxx: the schema
  UnknownKey: def(
    2001,
    'error',
    (key: string, where: string, suggestion: string | undefined, allowed: string[]) =>
      key === ''
        ? `a value with no key in ${where} (a ':' with nothing before it): write the key's name before the colon; allowed keys: ${allowed.join(', ')}`
        : `unknown key ${q(key)} in ${where}${didYouMean(suggestion)}${suggestion ? '' : `; allowed keys: ${allowed.join(', ')}`}`,
    (key, _where, suggestion) => (key === '' ? undefined : suggestion),
  ),
  MissingKey: def(2002, 'error', (key: string, where: string, hint: string) => `${where} needs the key ${q(key)}${hint}`),
  WrongType: def(
    2003,
    'error',
    (what: string, expected: string, got: string) => `${what} must be ${expected}, not ${got}`,
  ),
  NotAllowedValue: def(
    2004,
    'error',
    (what: string, value: string, allowed: string[], suggestion: string | undefined) =>
      `${what} cannot be ${q(value)}; ${suggestion ? `did you mean ${q(suggestion)}? ` : ''}use one of: ${allowed.join(', ')}`,
    (_what, _value, _allowed, suggestion) => suggestion,
  ),
  UnknownOp: def(
    2005,
    'error',
    (op: string, suggestion: string | undefined, ops: string[]) =>
      `unknown op ${q(op)}; ${suggestion ? `did you mean ${q(suggestion)}? ` : ''}the ops are: ${ops.join(', ')}`,
    (_op, suggestion) => suggestion,
  ),
  OutOfRange: def(2006, 'error', (what: string, bound: string) => `${what} must be ${bound}`),
  BadName: def(
    2007,
    'error',
    (what: string, value: string, rule: string) => `${what} ${q(value)} is not a valid name: ${rule}`,
  ),
  WrongLength: def(2008, 'error', (what: string, rule: string) => `${what} must have ${rule}`),
  UnsupportedVersion: def(
    2009,
    'error',
    (got: string) => `this netc reads spec version 1; the file says netc: ${got}. Write 'netc: 1'`,
  ),
  SchemaViolation: def(2010, 'error', (what: string, detail: string) => `${what}: ${detail}`),
  Float32Rounding: def(
    2021,
    'error',
    (what: string, value: string, rounded: string, bound: string) =>
      `${what} is ${value}, which float32 (what netc computes in) rounds to ${rounded}; it must be ${bound}: write a value further from the bound`,
  ),
  NotFinite: def(
    2020,
    'error',
    (what: string, value: string) => `${what} is ${value}; a spec holds finite numbers only: write a number such as 0.001`,
  ),
  AlphaWithoutParameter: def(
    2030,
    'error',
    (layer: string, fn: string, takers: string[]) =>
      `layer ${q(layer)}: 'alpha' is the parameter of ${takers.join(' and ')}, and ${fn} has none; remove 'alpha' or choose one of those functions`,
  ),

  // 3xxx: the graph
  DuplicateLayer: def(
    3001,
    'error',
    (name: string) => `a layer named ${q(name)} already exists; layer names must be unique: rename this one`,
  ),
  UnknownLayer: def(
    3002,
    'error',
    (name: string, suggestion: string | undefined) =>
      `no layer is named ${q(name)}${didYouMean(suggestion)}${suggestion ? '' : "; name an earlier layer, or 'input' for the network's input"}`,
    (_name, suggestion) => suggestion,
  ),
  Cycle: def(
    3003,
    'error',
    (path: string[]) =>
      `the layers form a cycle (${path.join(' → ')}); a network is a DAG: make one of these read an earlier layer`,
  ),
  UnknownOutput: def(
    3005,
    'error',
    (name: string, suggestion: string | undefined) => `the output names ${q(name)}, which is not a layer${didYouMean(suggestion)}`,
    (_name, suggestion) => suggestion,
  ),
  ReservedName: def(
    3006,
    'error',
    (name: string, use: string) => `${q(name)} is reserved for ${use}; choose another layer name`,
  ),
  UnusedLayer: def(
    3007,
    'warning',
    (name: string, output: string) =>
      `layer ${q(name)} does not contribute to the output ${q(output)}; remove it or read it from a later layer`,
  ),

  // 4xxx: shapes
  WindowTooLarge: def(
    4001,
    'error',
    (layer: string, what: string, window: string, input: string) =>
      `layer ${q(layer)}: the ${what} ${window} is larger than its padded input ${input}; use a smaller ${what}, add padding, or remove a pooling layer before it`,
  ),
  AddMismatch: def(
    4002,
    'error',
    (layer: string, shapes: string) =>
      `layer ${q(layer)} (add) needs inputs of one shape, but they are ${shapes}; make the shapes equal (a 1×1 conv2d can change the channels)`,
  ),
  ConcatMismatch: def(
    4003,
    'error',
    (layer: string, shapes: string) =>
      `layer ${q(layer)} (concat) joins along channels, so its inputs need equal height and width, but they are ${shapes}`,
  ),
  NeedsFlatInput: def(
    4004,
    'error',
    (layer: string, op: string, shape: string, from: string) =>
      `layer ${q(layer)} (${op}) needs a flat input, but ${q(from)} gives ${shape}; add '- { name: flat, op: flatten }' before ${q(layer)}`,
  ),
  PrototypesMismatch: def(
    4010,
    'error',
    (layer: string, file: string, layerHas: string) =>
      `layer ${q(layer)}: its prototypes file holds ${file}, but the layer has ${layerHas}; make them agree`,
  ),
  ConnectionsTable: def(
    4011,
    'error',
    (layer: string, problem: string) => `layer ${q(layer)}: ${problem}`,
  ),
  NeedsImageInput: def(
    4005,
    'error',
    (layer: string, op: string, shape: string, from: string) =>
      `layer ${q(layer)} (${op}) needs an image input (height, width, channels), but ${q(from)} gives ${shape}; move it before the flatten layer`,
  ),
  ArenaTooLarge: def(
    4020,
    'error',
    (needs: string, limit: string, detail: string, fix: string) =>
      `the network needs ${needs} of memory (${detail}), more than netc's limit of ${limit}; ${fix}`,
  ),
  // 5xxx: training setup
  OutputMismatch: def(
    5001,
    'error',
    (output: string, shape: string, dataset: string, classes: number) =>
      `the output ${q(output)} has shape ${shape}, but ${dataset} has ${classes} classes, so the loss needs [${classes}]; make the last dense layer 'units: ${classes}'`,
  ),
  InputMismatch: def(
    5002,
    'error',
    (shape: string, dataset: string, images: string) =>
      `input.shape is ${shape}, but ${dataset} images are ${images}; write 'shape: ${images}'`,
  ),
  ImageChannels: def(
    5020,
    'error',
    (shape: readonly number[]) =>
      `input.shape has ${shape[2]} channels, but an images folder's images are made gray (1 channel) or RGB (3 channels); write 'shape: [${shape[0]}, ${shape[1]}, 1]' or 'shape: [${shape[0]}, ${shape[1]}, 3]'`,
  ),
  NoTrainSection: def(
    5004,
    'error',
    (consequence = 'there is nothing to train it on') =>
      `this spec has no 'train' section, so ${consequence}; add one, e.g. 'train: { dataset: mnist }'`,
  ),
  LossNeedsSoftmax: def(
    5003,
    'error',
    (output: string, activation: string) =>
      `categorical_crossentropy compares probabilities, but the output ${q(output)} ends in ${activation}; give it 'activation: softmax'`,
  ),
  LabelSmoothingNeedsCrossEntropy: def(
    5008,
    'error',
    (loss: string) =>
      `label_smoothing softens the one-hot targets of categorical_crossentropy, but the loss is ${loss}; remove 'label_smoothing' or use 'loss: categorical_crossentropy'`,
  ),
  EarlyStoppingOnTestSet: def(
    5010,
    'warning',
    (monitor: string) =>
      `early_stopping watches ${monitor}, which without validation_split is measured on the test set: the test accuracy reported then flatters the network; add 'validation_split: 0.1' to hold out training images instead`,
  ),

  // 6xxx: extends and patch
  ExtendsMissing: def(
    6001,
    'error',
    (path: string) => `'extends' names ${q(path)}, which does not exist; the path is relative to this file`,
  ),
  ExtendsCycle: def(
    6002,
    'error',
    (chain: string[]) => `'extends' is circular: ${chain.join(' → ')}; a spec cannot extend itself`,
  ),
  PatchUnknownLayer: def(
    6003,
    'error',
    (key: string, name: string, base: string, suggestion: string | undefined) =>
      `${key} names layer ${q(name)}, but ${base} has no such layer${didYouMean(suggestion)}`,
    (_key, _name, _base, suggestion) => suggestion,
  ),
  ExtendsTooDeep: def(
    6004,
    'error',
    (limit: number) => `'extends' chains more than ${limit} files deep; flatten the chain`,
  ),
  PatchWithoutExtends: def(
    6005,
    'error',
    (key: string) => `'${key}' changes the layers of a base spec, so it needs 'extends: <base file>' beside it`,
  ),
  BaseHasErrors: def(6006, 'error', (path: string) => `the base spec ${q(path)} has errors; fix them first`),
  PatchName: def(
    6007,
    'error',
    (layer: string) => `patch cannot rename layer ${q(layer)}; other layers refer to it by name. Remove 'name' from the patch`,
  ),
  ExtendsNotAFile: def(
    6008,
    'error',
    (path: string, what: string) => `'extends' names ${q(path)}, which is ${what}, not a spec file`,
  ),

  // 61xx: sweep files (a sweep's trials are its base spec with a patch each)
  SweepAxisName: def(
    6101,
    'error',
    (axis: string) =>
      `sweep axis ${q(axis)} is neither '<layer>.<attribute>' nor 'train.<key>[.<key>...]'; write e.g. 'c1.filters' or 'train.optimizer.learning_rate'`,
  ),
  SweepAxisTwice: def(6102, 'error', (axis: string) => `sweep axis ${q(axis)} is given twice (in grid and in random); keep one`),
  SweepRange: def(6103, 'error', (axis: string, problem: string) => `the range of sweep axis ${q(axis)} ${problem}`),
  SweepTrialInvalid: def(
    6104,
    'error',
    (values: string, problem: string) => `the trial ${values} is not a valid spec: ${problem}; change or remove this value`,
  ),
  SweepTooManyTrials: def(6105, 'error', (count: number, limit: number) => `the sweep has ${count} trials, more than the limit of ${limit}; sweep fewer values or seeds`),
  SweepFolder: def(6106, 'error', (path: string, problem: string) => `sweep folder ${path}: ${problem}`),
  SweepSetting: def(6107, 'error', (key: string, problem: string) => `${q(key)} ${problem}`),

  // 7xxx: data files and checkpoints (used by train, eval, predict)
  DataFile: def(7001, 'error', (path: string, problem: string) => `${path}: ${problem}`),
  Checkpoint: def(7002, 'error', (path: string, problem: string) => `checkpoint ${path}: ${problem}`),
  NonFiniteLoss: def(
    7003,
    'error',
    (epoch: number, step: number, value: string, lr: number) =>
      `the loss became ${value} at epoch ${epoch}, step ${step}, so training stopped (the last good checkpoint is kept); try a lower learning rate than ${lr}, e.g. --learning-rate ${Number((lr / 10).toPrecision(3))}`,
  ),
  RunFolder: def(7004, 'error', (path: string, problem: string) => `run folder ${path}: ${problem}`),
  ValidationSplitEmpty: def(
    7010,
    'error',
    (split: number, images: number) => `validation_split ${split} of ${images} training images leaves none to train on; lower it, or train on more images`,
  ),
  CannotWrite: def(7005, 'error', (path: string, reason: string) => `cannot write ${q(path)}: ${reason}; choose another file or folder`),
  // an images folder (dataset: { images: DIR, test })
  ImageFolderMissing: def(
    7020,
    'error',
    (key: string, path: string, what: string) => `the ${key} folder ${q(path)} ${what}; name a folder holding one subfolder of images per class (the path is relative to the spec)`,
  ),
  ImageFolderClasses: def(
    7021,
    'error',
    (path: string, classes: readonly string[], max: number) =>
      classes.length > max
        ? `the images folder ${q(path)} holds ${classes.length} class folders, more than netc's ${max}`
        : `the images folder ${q(path)} holds ${classes.length === 0 ? 'no class folder' : `one class folder only (${q(classes[0])})`}; a classifier needs at least 2 classes, one subfolder of images for each (e.g. ${path}/cat/1.png, ${path}/dog/1.png)`,
  ),
  ImageClassTooSmall: def(
    7022,
    'error',
    (folder: string, others: readonly string[], fraction: number | undefined) =>
      fraction === undefined
        ? `the class folder ${q(folder)} holds no PNG or JPEG image${others.length > 0 ? ` (only ${others.slice(0, 3).map(q).join(', ')}${others.length > 3 ? ', ...' : ''})` : ''}; add images to it, or move it out if it is not a class`
        : `the class folder ${q(folder)} holds one image, but 'test: ${fraction}' keeps part of each class for testing, so each class needs at least 2; add images, or name a test folder ('test: DIR')`,
  ),
  ImageUnreadable: def(7023, 'error', (path: string, reason: string) => `cannot read the image ${q(path)}: ${reason}; replace or remove the file`),
  ImageClassesDiffer: def(
    7024,
    'error',
    (test: string, train: string, missing: readonly string[], extra: readonly string[]) =>
      `the test folder ${q(test)} has other classes than the images folder ${q(train)} (${[
        ...(missing.length > 0 ? [`it lacks ${missing.map(q).join(', ')}`] : []),
        ...(extra.length > 0 ? [`it adds ${extra.map(q).join(', ')}`] : []),
      ].join('; ')}); give both folders the same class subfolders`,
  ),

  // 8xxx: TensorFlow.js (netc export, netc import-tfjs, --backend tfjs)
  TfjsNoLayersEquivalent: def(
    8001,
    'error',
    (what: string, why: string) => `${what} has no TensorFlow.js Layers equivalent (${why}), so the model cannot be exported as a Layers model`,
  ),
  TfjsModelFile: def(8002, 'error', (path: string, problem: string) => `${path}: ${problem}`),
  TfjsNoNetcEquivalent: def(
    8003,
    'error',
    (layer: string, className: string, why: string) => `layer ${q(layer)} (${className}) has no netc equivalent: ${why}`,
  ),
  TfjsUnavailable: def(8004, 'error', (problem: string) => problem),
  OnnxNoEquivalent: def(
    8101,
    'error',
    (what: string, op: string) => `${what} (${op}) has no ONNX form that netc writes, so the model cannot be exported as ONNX`,
  ),
  OnnxModelFile: def(8102, 'error', (path: string, problem: string) => `${path}: ${problem}`),
  OnnxNoNetcEquivalent: def(
    8103,
    'error',
    (node: string, opType: string, why: string) => `ONNX node ${q(node)} (${opType}) has no netc equivalent: ${why}`,
  ),

  PytorchNoEquivalent: def(
    8201,
    'error',
    (what: string, op: string, why: string) => `${what} (${op}) has no PyTorch form that netc writes (${why}), so the network cannot be exported as a PyTorch program`,
  ),
  PytorchCannotTrain: def(
    8202,
    'error',
    (what: string, why: string) => `${what} cannot be written in the exported PyTorch program: ${why}`,
  ),

  // 9xxx: internal
  PassBrokeGraph: def(
    9001,
    'error',
    (pass: string, detail: string) => `internal error: pass '${pass}' produced an invalid graph (${detail}); this is a bug in netc`,
  ),
  Internal: def(9002, 'error', (detail: string) => `internal error: ${detail}; this is a bug in netc`),
} as const;

export type MessageName = keyof typeof Messages;

/** Every code in the catalogue, for the test that lists codes no fixture exercises. */
export function allCodes(): string[] {
  return Object.values(Messages).map((m) => m.code);
}
