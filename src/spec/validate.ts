/**
 * Schema validation: ajv checks a spec document against the schema the op registry builds (the
 * compiler's driver passes it in; this floor does not import the registry), or else against the
 * committed `specs/netc.schema.json`, which is that schema for the shipped ops. Each of ajv's
 * errors becomes one diagnostic at the key or value it is about, with a message that says what
 * to write instead. All errors are reported, not only the first.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { ErrorObject, Options, ValidateFunction } from 'ajv';
import type { Diagnostic } from '../diagnostics/diagnostics.js';
import { Messages } from '../diagnostics/messages.js';
import { packageFile } from '../runtime/package-root.js';
import { parsePointer, pointer, type PathSegment, type SourceMap } from './source.js';
import { suggest } from '../diagnostics/suggest.js';
import { LAYER_NAME, SPEC_NAME } from './names.js';

export type Schema = { readonly [key: string]: unknown };

const require = createRequire(import.meta.url);

/** ajv's options: the same for a validator compiled at run time and one compiled by the build. */
const AJV_OPTIONS: Options = { allErrors: true, verbose: true, discriminator: true, strict: false };

let committed: Schema | undefined;
const compiled = new WeakMap<Schema, ValidateFunction>();

export function schemaPath(): string {
  return packageFile('specs', 'netc.schema.json');
}

const schemaOf = (given?: Schema): Schema => given ?? (committed ??= JSON.parse(readFileSync(schemaPath(), 'utf8')) as Schema);

/** The ops a layer may name in `schema` (default: the committed one). */
export function layerOps(given?: Schema): string[] {
  const layer = ((schemaOf(given).definitions ?? {}) as Schema).layer as Schema | undefined;
  return ((layer?.oneOf ?? []) as Schema[]).map((b) => String(((b.properties as Schema).op as Schema).const));
}

function validator(given?: Schema): ValidateFunction {
  const schema = schemaOf(given);
  let v = compiled.get(schema);
  if (!v) {
    v = precompiled(schema) ?? (new (require('ajv') as typeof import('ajv')).Ajv(AJV_OPTIONS)).compile(schema);
    compiled.set(schema, v);
  }
  return v;
}

/** Where `npm run build` leaves the validator of the registry's schema, compiled ahead. */
export function precompiledPath(): string {
  return packageFile('dist', 'spec-validator.cjs');
}

/**
 * The validator the build compiled, when it was compiled from this very schema (a layer
 * registered at run time changes the schema, and then it is compiled here): ajv takes about half
 * a second to compile the schema of every op, several times the rest of `netc check`.
 */
function precompiled(schema: Schema): ValidateFunction | undefined {
  const file = precompiledPath();
  if (!existsSync(file)) return undefined;
  const v = require(file) as ValidateFunction & { schemaJson?: string };
  return v.schemaJson === JSON.stringify(schema) ? v : undefined;
}

/** ajv's standalone module of the validator of `schema`, with the schema it was compiled from. */
export function validatorModule(schema: Schema): string {
  const { Ajv } = require('ajv') as typeof import('ajv');
  const standalone = (require('ajv/dist/standalone') as typeof import('ajv/dist/standalone/index.js')).default;
  const ajv = new Ajv({ ...AJV_OPTIONS, code: { source: true } });
  return `${standalone(ajv, ajv.compile(schema))}\nmodule.exports.schemaJson = ${JSON.stringify(JSON.stringify(schema))};\n`;
}

/**
 * Validate a whole document against `schema` (default: the committed one); the diagnostics
 * point into whichever file each part came from.
 */
export function validateSpec(doc: unknown, map: SourceMap, schema?: Schema): Diagnostic[] {
  const validate = validator(schema);
  // YAML can write .nan and .inf, which JSON Schema cannot describe (ajv would report NaN as
  // "null"), and which would reach generated code as NaN or Infinity.
  const nonFinite = nonFiniteNumbers(doc);
  const out = nonFinite.map(([path, v]) =>
    Messages.NotFinite.at(map.locate(path), describePath(path, doc), Number.isNaN(v) ? '.nan' : v > 0 ? '.inf' : '-.inf'),
  );
  if (validate(doc)) return [...out, ...float32Problems(doc, map, validate)];
  // The schema's errors at a non-finite value repeat its diagnostic; they still take part in the
  // grouping, so that a oneOf around the value is explained by them rather than reported.
  const skip = new Set(nonFinite.map(([path]) => pointer(path)));
  const errors = validate.errors ?? [];
  return [...out, ...mapErrors(errors, doc, map, skip), ...behindUnknownTags(errors, doc, map, validate, skip)];
}

/**
 * An unknown op or optimizer name stops the schema from checking the rest of its mapping, so
 * `{ name: Adam, lr: 0.01 }` would hide the `lr` until `Adam` is fixed. Where the name has a
 * suggestion, the mapping is checked again as if it were written, and what that finds is reported
 * too (everything but the name, which has its own diagnostic).
 */
function behindUnknownTags(errors: readonly ErrorObject[], doc: unknown, map: SourceMap, validate: ValidateFunction, skip: ReadonlySet<string>): Diagnostic[] {
  const fixed = structuredClone(doc);
  const under: string[] = [];
  for (const e of errors) {
    if (e.keyword !== 'discriminator' || e.params.error !== 'mapping' || typeof e.params.tagValue !== 'string') continue;
    const options = discriminatorOptions(e);
    const meant = suggest(e.params.tagValue, options);
    const target = parsePointer(e.instancePath).reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], fixed);
    if (meant === undefined || typeof target !== 'object' || target === null) continue;
    (target as Record<string, unknown>)[String(e.params.tag)] = meant;
    under.push(e.instancePath);
  }
  if (under.length === 0 || validate(fixed)) return [];
  const inside = (validate.errors ?? []).filter((x) => under.some((p) => x.instancePath === p || x.instancePath.startsWith(p + '/')));
  return mapErrors(inside, doc, map, skip);
}

/** The values a discriminator's tag may take: the const of each branch. */
function discriminatorOptions(e: ErrorObject): string[] {
  const tag = String(e.params.tag);
  return (((e.parentSchema ?? {}) as Schema).oneOf as Schema[] | undefined ?? []).map((s) => String(((s.properties as Schema)[tag] as Schema).const));
}

/**
 * Where the document breaks the schema, as paths: the value at fault, or for an unknown or a
 * missing key the key itself. What the salvage of a broken spec leaves out to check the rest.
 */
export function schemaErrorPaths(doc: unknown, schema?: Schema): PathSegment[][] {
  const validate = validator(schema);
  const paths = nonFiniteNumbers(doc).map(([path]) => path);
  if (validate(doc)) return paths;
  for (const e of validate.errors ?? []) {
    if (e.keyword === 'if' || e.keyword === 'not') continue;
    const path: PathSegment[] = parsePointer(e.instancePath).map((s) => (/^\d+$/.test(s) ? Number(s) : s));
    const key = e.keyword === 'additionalProperties' ? e.params.additionalProperty : e.keyword === 'required' ? e.params.missingProperty : undefined;
    paths.push(key === undefined ? path : [...path, String(key)]);
  }
  return paths;
}

/**
 * Numbers that are valid as written but not once rounded to float32, as every computation of a
 * generated module is: Adam's beta2 of 0.9999999999999999 becomes 1 (and its bias correction a
 * division by zero), an epsilon of 1e-50 becomes 0. The schema is checked again on the rounded
 * document; what fails now and did not before is reported at the value.
 */
function float32Problems(doc: unknown, map: SourceMap, validate: ValidateFunction): Diagnostic[] {
  const round = (v: unknown): unknown =>
    typeof v === 'number' && !Number.isInteger(v) ? Math.fround(v)
    : Array.isArray(v) ? v.map(round)
    : typeof v === 'object' && v !== null ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, round(x)]))
    : v;
  if (validate(round(doc))) return [];
  const sign: Record<string, string> = { minimum: '≥', maximum: '≤', exclusiveMinimum: '>', exclusiveMaximum: '<' };
  return (validate.errors ?? [])
    .filter((e) => Object.hasOwn(sign, e.keyword))
    .map((e) => {
      const path: PathSegment[] = parsePointer(e.instancePath).map((s) => (/^\d+$/.test(s) ? Number(s) : s));
      const written = path.reduce<unknown>((o, k) => (o as Record<string | number, unknown>)[k], doc);
      return Messages.Float32Rounding.at(map.locate(path), describePath(path, doc), String(written), String(e.data), `${sign[e.keyword]} ${String(e.params.limit)}`);
    });
}

/** Every number in the document that is NaN or infinite, with its path. */
function nonFiniteNumbers(v: unknown, path: PathSegment[] = [], out: [PathSegment[], number][] = []): [PathSegment[], number][] {
  if (typeof v === 'number' && !Number.isFinite(v)) out.push([path, v]);
  else if (Array.isArray(v)) v.forEach((x, i) => nonFiniteNumbers(x, [...path, i], out));
  else if (typeof v === 'object' && v !== null) for (const [k, x] of Object.entries(v)) nonFiniteNumbers(x, [...path, k], out);
  return out;
}

function mapErrors(errors: readonly ErrorObject[], doc: unknown, map: SourceMap, skip: ReadonlySet<string>): Diagnostic[] {
  // A failed oneOf reports every branch's errors too. When exactly one branch is of the value's
  // kind (the list form of `kernel` for a list), its errors say the most; otherwise the oneOf's
  // own summary ("must be an integer or a list of 2 integers") does.
  const drop = new Set<ErrorObject>();
  for (const e of errors) {
    if (e.keyword !== 'oneOf') continue;
    const branches = ((e.parentSchema as Schema | undefined)?.oneOf ?? []) as Schema[];
    let fitting = branches.map((b, k) => (kindFits(b, e.data) ? k : -1)).filter((k) => k >= 0);
    if (fitting.length > 1) fitting = fitting.filter((k) => hasRequired(branches[k]!, e.data));
    const prefix = e.schemaPath + '/';
    const keep = fitting.length === 1 ? `${prefix}${fitting[0]}/` : undefined;
    const inner = errors.filter((x) => x.schemaPath.startsWith(prefix));
    const kept = keep ? inner.filter((x) => x.schemaPath.startsWith(keep)) : [];
    for (const x of inner) if (!kept.includes(x)) drop.add(x);
    if (kept.length > 0) drop.add(e);
  }
  // A misspelt key also makes a required key missing; the "did you mean" on the misspelling says it all.
  for (const e of errors) {
    if (e.keyword !== 'additionalProperties') continue;
    const allowed = Object.keys(((e.parentSchema as Schema | undefined)?.properties ?? {}) as Schema);
    const meant = suggest(String(e.params.additionalProperty), allowed);
    for (const m of errors) {
      if (m.keyword === 'required' && m.instancePath === e.instancePath && m.params.missingProperty === meant) drop.add(m);
    }
  }
  // A missing tag ('op', an optimizer's 'name') is also a missing required key; the discriminator's
  // message lists the choices.
  for (const e of errors) {
    if (e.keyword !== 'discriminator') continue;
    for (const m of errors) {
      if (m.keyword === 'required' && m.instancePath === e.instancePath && m.params.missingProperty === e.params.tag) drop.add(m);
    }
  }
  const out: Diagnostic[] = [];
  for (const e of errors) {
    if (e.keyword === 'if' || e.keyword === 'not') continue; // the if/then on `extends` is for editors
    if (drop.has(e) || skip.has(e.instancePath)) continue;
    const d = mapError(e, doc, map);
    if (d) out.push(d);
  }
  return out;
}

/** Whether a oneOf branch is about values of this kind (a list, a mapping, a string, ...). */
function kindFits(branch: Schema, data: unknown): boolean {
  const kind = Array.isArray(data) ? 'array' : data === null ? 'null' : typeof data;
  const type = branch.type ?? (Array.isArray(branch.enum) ? typeof (branch.enum as unknown[])[0] : undefined);
  if (type === 'integer') return kind === 'number';
  return type === kind;
}

/** Of several mapping branches ({idx} or {images}), whether the value has this one's required keys. */
function hasRequired(branch: Schema, data: unknown): boolean {
  return !Array.isArray(branch.required) || (branch.required as string[]).every((k) => k in (data as object));
}

function mapError(e: ErrorObject, doc: unknown, map: SourceMap): Diagnostic | undefined {
  const path: PathSegment[] = parsePointer(e.instancePath).map((s) => (/^\d+$/.test(s) ? Number(s) : s));
  const parent = (e.parentSchema ?? {}) as Schema;
  const at = () => map.locate(path);
  const what = describePath(path, doc);
  switch (e.keyword) {
    case 'additionalProperties': {
      const key = String(e.params.additionalProperty);
      const allowed = Object.keys((parent.properties ?? {}) as Schema);
      // `{ filters:16 }`: without a space after it, the colon belongs to the key
      const glued = /^([A-Za-z_][\w]*):(\S.*)$/.exec(key);
      if (glued && allowed.includes(glued[1]!)) return Messages.NoSpaceAfterColon.at(map.locate([...path, key], 'key'), key, glued[1]!, glued[2]!);
      return Messages.UnknownKey.at(map.locate([...path, key], 'key'), key, describeObject(path, doc), suggest(key, allowed), allowed);
    }
    case 'required': {
      const key = String(e.params.missingProperty);
      const prop = ((parent.properties ?? {}) as Schema)[key] as Schema | undefined;
      const hint = prop?.description ? ` (${String(prop.description)})` : '';
      return Messages.MissingKey.at(at(), key, describeObject(path, doc), hint);
    }
    case 'discriminator': {
      const tag = String(e.params.tag);
      const value = e.params.tagValue;
      const options = discriminatorOptions(e);
      if (e.params.error === 'mapping' && typeof value === 'string') {
        const loc = map.locate([...path, tag]);
        if (tag === 'op') return Messages.UnknownOp.at(loc, value, suggest(value, options), options);
        return Messages.NotAllowedValue.at(loc, describePath([...path, tag], doc), value, options, suggest(value, options));
      }
      if (value === undefined) return Messages.MissingKey.at(at(), tag, describeObject(path, doc), ` (one of: ${options.join(', ')})`);
      return Messages.WrongType.at(map.locate([...path, tag]), describePath([...path, tag], doc), 'a name', describeValue(value));
    }
    case 'enum': {
      const allowed = (e.params.allowedValues as unknown[]).map(String);
      const value = e.data;
      if (typeof value !== 'string') return Messages.WrongType.at(at(), what, expectation(parent), describeValue(value));
      return Messages.NotAllowedValue.at(at(), what, value, allowed, suggest(value, allowed));
    }
    case 'const':
      if (path.length === 1 && path[0] === 'netc') return Messages.UnsupportedVersion.at(at(), JSON.stringify(e.data));
      return Messages.WrongType.at(at(), what, JSON.stringify(e.params.allowedValue), describeValue(e.data));
    case 'type':
    case 'oneOf':
      return Messages.WrongType.at(at(), what, exampleOf(path) ?? expectation(parent), describeValue(e.data));
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum': {
      const sign = { minimum: '≥', maximum: '≤', exclusiveMinimum: '>', exclusiveMaximum: '<' }[e.keyword];
      return Messages.OutOfRange.at(at(), what, `${sign} ${String(e.params.limit)} (it is ${JSON.stringify(e.data)})`);
    }
    case 'pattern':
    case 'maxLength':
    case 'minLength': {
      if (e.keyword === 'minLength') return Messages.WrongLength.at(at(), what, 'at least one character');
      const rule =
        parent.pattern === SPEC_NAME.pattern
          ? `start with a letter, then use only letters, digits, _ and -, at most ${SPEC_NAME.maxLength} characters`
          : `start with a letter or _, then use only letters, digits and _, at most ${LAYER_NAME.maxLength} characters`;
      const last = path[path.length - 1];
      const kind = last === 'name' ? (path[0] === 'layers' ? 'the layer name' : "the spec's name") : what;
      return Messages.BadName.at(at(), kind, String(e.data), rule);
    }
    case 'minItems':
    case 'maxItems': {
      const n = Number(e.params.limit);
      const exact = parent.minItems !== undefined && parent.minItems === parent.maxItems;
      const items = `${n} item${n === 1 ? '' : 's'} (it has ${(e.data as unknown[]).length})`;
      const rule = exact ? `exactly ${items}` : `${e.keyword === 'minItems' ? 'at least' : 'at most'} ${items}`;
      return Messages.WrongLength.at(at(), what, rule);
    }
    case 'propertyNames':
      return undefined; // reported by the 'pattern' error on the name itself
    default:
      return Messages.SchemaViolation.at(at(), what, e.message ?? e.keyword);
  }
}

const LAYER_EXAMPLE = 'a mapping like `{ name: c1, op: conv2d, filters: 6, kernel: 5 }`';

/**
 * What to write at the places where a wrong kind of YAML is a common mistake (a layer written as
 * a list, a number for the optimizer), as an example rather than the schema's alternatives.
 */
const EXAMPLES: readonly (readonly [RegExp, string])[] = [
  [/^\/layers\/\d+$/, LAYER_EXAMPLE],
  [/^\/insert_after\/[^/]+\/\d+$/, LAYER_EXAMPLE],
  [/^\/layers$/, `a list of layers, each ${LAYER_EXAMPLE}`],
  [/^\/input$/, 'a mapping like `{ shape: [28, 28, 1] }`'],
  [/^\/train$/, 'a mapping like `{ dataset: mnist, epochs: 10 }`'],
  [/^\/train\/optimizer$/, "an optimizer's name such as 'adam', or a mapping like `{ name: adam, learning_rate: 0.001 }`"],
  [/^\/train\/dataset$/, "a data set's name such as 'mnist', or a mapping like `{ images: ./photos }`"],
];

function exampleOf(path: readonly PathSegment[]): string | undefined {
  const p = pointer(path);
  return EXAMPLES.find(([re]) => re.test(p))?.[1];
}

/** A short phrase for what a schema accepts: "an integer ≥ 1 or a list of 2 integers ≥ 1". */
export function expectation(s: Schema): string {
  // a typed schema whose oneOf tells its kinds apart (an optimizer's mapping) is that type
  // each alternative once: two branches may read alike
  if (Array.isArray(s.oneOf) && s.type === undefined) return [...new Set((s.oneOf as Schema[]).map(expectation))].join(' or ');
  if (Array.isArray(s.enum)) return `one of ${(s.enum as unknown[]).map((v) => `'${String(v)}'`).join(', ')}`;
  if (s.const !== undefined) return JSON.stringify(s.const);
  const bound =
    s.minimum !== undefined
      ? ` ≥ ${String(s.minimum)}`
      : s.exclusiveMinimum !== undefined
        ? ` > ${String(s.exclusiveMinimum)}`
        : '';
  switch (s.type) {
    case 'integer':
      return `an integer${bound}`;
    case 'number':
      return `a number${bound}`;
    case 'string':
      return 'a string';
    case 'boolean':
      return 'true or false';
    case 'object':
      return Array.isArray(s.required) && s.required.length > 0 ? `a mapping with ${(s.required as string[]).map((k) => `'${k}'`).join(', ')}` : 'a mapping (key: value)';
    case 'array': {
      const n = s.minItems !== undefined && s.minItems === s.maxItems ? `${String(s.minItems)} ` : '';
      const items = s.items as Schema | undefined;
      // items named by a definition are called by its name: "a list of layers"
      const item = !items ? 'values' : typeof items.$ref === 'string' ? `${items.$ref.split('/').pop()}s` : plural(expectation(items));
      return `a list of ${n}${item}`;
    }
    default:
      return 'a different value';
  }
}

const plural = (e: string) =>
  e.replace(/^an integer/, 'integers').replace(/^a number/, 'numbers').replace(/^a string/, 'strings');

function describeValue(v: unknown): string {
  if (v === null || v === undefined) return 'empty';
  if (typeof v === 'string') return `the text '${v}'`;
  if (typeof v === 'number') return `the number ${v}`;
  if (typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return 'a list';
  return 'a mapping';
}

function layerLabel(doc: unknown, i: number): string {
  const layers = (doc as { layers?: unknown[] } | undefined)?.layers;
  const layer = layers?.[i] as { name?: unknown; op?: unknown } | undefined;
  if (layer && typeof layer.name === 'string') return `layer '${layer.name}'`;
  return `layer #${i + 1}`;
}

/** "layer 'c1'", "train.optimizer", "the spec" — the object at `path`, for messages. */
function describeObject(path: readonly PathSegment[], doc: unknown): string {
  if (path.length === 0) return 'the spec';
  if (path[0] === 'layers' && typeof path[1] === 'number' && path.length === 2) return layerLabel(doc, path[1]);
  return `'${describeTail(path, doc)}'`;
}

/** "'kernel' of layer 'c1'", "'train.batch_size'", "'input.shape[0]'" — the value at `path`. */
function describePath(path: readonly PathSegment[], doc: unknown): string {
  if (path.length === 0) return 'the spec';
  if (path[0] === 'layers' && typeof path[1] === 'number') {
    if (path.length === 2) return layerLabel(doc, path[1]);
    return `'${joinPath(path.slice(2))}' of ${layerLabel(doc, path[1])}`;
  }
  return `'${describeTail(path, doc)}'`;
}

function describeTail(path: readonly PathSegment[], doc: unknown): string {
  if (path[0] === 'layers' && typeof path[1] === 'number') return `${layerLabel(doc, path[1])}.${joinPath(path.slice(2))}`;
  return joinPath(path);
}

function joinPath(path: readonly PathSegment[]): string {
  return path.reduce<string>((s, p) => (typeof p === 'number' ? `${s}[${p}]` : s ? `${s}.${p}` : p), '');
}
