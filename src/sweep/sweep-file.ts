/**
 * Reading a sweep file: YAML with positions (src/spec/source.ts), the sweep schema through the
 * spec validator (so a schema error reads like one in a spec), then what a schema cannot say:
 * each axis names a layer's attribute or a training key, no axis is both grid and random, and a
 * range's ends are in order. Whether a value fits the network is checked per trial later
 * (src/sweep/check.ts), against the base spec.
 */
import { basename, dirname, isAbsolute, join } from 'node:path';
import { hasErrors, type Diagnostic, type SourceLoc } from '../diagnostics/diagnostics.js';
import { Messages } from '../diagnostics/messages.js';
import { readSpecFile } from '../spec/load.js';
import { LAYER_NAME } from '../spec/names.js';
import { parseSource, SourceMap, type PathSegment } from '../spec/source.js';
import { validateSpec } from '../spec/validate.js';
import { SWEEP_SCHEMA } from './schema.js';

export type Range =
  | { readonly log_uniform: readonly [number, number] }
  | { readonly uniform: readonly [number, number] }
  | { readonly int: readonly [number, number] }
  | { readonly choice: readonly unknown[] };

export interface Axis {
  /** as written: 'c1.filters', 'train.optimizer.learning_rate' */
  readonly name: string;
  /** a layer's attribute (patched by layer name) or a key under the spec's train: */
  readonly kind: 'layer' | 'train';
  /** the name split at its dots */
  readonly path: readonly string[];
  /** where it sits in the sweep document: sweep.grid.<name> or sweep.random.axes.<name> */
  readonly at: readonly PathSegment[];
  readonly values?: readonly unknown[];
  readonly range?: Range;
}

export interface Sweep {
  readonly file: string;
  readonly name: string;
  /** the base spec's path, as the sweep file's folder resolves it */
  readonly base: string;
  readonly axes: readonly Axis[];
  readonly samples?: number;
  readonly randomSeed: number;
  /** undefined: the base's own train.seed */
  readonly seeds?: readonly number[];
  readonly epochs?: number;
  readonly limit?: number;
  readonly map: SourceMap;
  readonly text: string;
}

export interface SweepLoad {
  readonly sweep?: Sweep;
  readonly diagnostics: Diagnostic[];
  readonly sources: Map<string, string>;
}

interface SweepDoc {
  name?: string;
  sweep: {
    base: string;
    grid?: Record<string, unknown[]>;
    random?: { samples: number; seed?: number; axes: Record<string, Range> };
    seeds?: number[];
    epochs?: number;
    limit?: number;
  };
}

const LAYER = new RegExp(LAYER_NAME.pattern.slice(0, -1).replace(/^\^/, ''));
const AXIS = new RegExp(`^(${LAYER.source})\\.(${LAYER.source})$`);
const TRAIN_AXIS = new RegExp(`^train(\\.${LAYER.source})+$`);

export function loadSweep(file: string): SweepLoad {
  const sources = new Map<string, string>();
  const read = readSpecFile(file);
  if (!('text' in read)) {
    const why = 'missing' in read ? 'no such file' : 'notAFile' in read ? `it is ${read.notAFile}` : 'tooLarge' in read ? 'it is too large' : read.error;
    return { diagnostics: [Messages.CannotRead.at(undefined, file, why)], sources };
  }
  sources.set(file, read.text);
  const parsed = parseSource(file, read.text);
  if (parsed.diagnostics.length > 0) return { diagnostics: parsed.diagnostics, sources };
  const diagnostics = validateSpec(parsed.value, parsed.map, SWEEP_SCHEMA);
  if (hasErrors(diagnostics)) return { diagnostics, sources };
  const doc = parsed.value as SweepDoc;
  const map = parsed.map;
  const axes = [...axesOf(doc, map, diagnostics)];
  const seeds = doc.sweep.seeds ?? [];
  seeds.forEach((seed, k) => {
    if (seeds.indexOf(seed) < k) diagnostics.push(Messages.SweepSetting.at(map.locate(['sweep', 'seeds', k]), 'sweep.seeds', `lists ${seed} twice; a seed gives the same trial every time`));
  });
  if (hasErrors(diagnostics)) return { diagnostics, sources };
  const s = doc.sweep;
  const sweep: Sweep = {
    file,
    name: doc.name ?? nameOfFile(file),
    base: isAbsolute(s.base) ? s.base : join(dirname(file), s.base),
    axes,
    ...(s.random ? { samples: s.random.samples } : {}),
    randomSeed: s.random?.seed ?? 0,
    ...(s.seeds ? { seeds: s.seeds } : {}),
    ...(s.epochs !== undefined ? { epochs: s.epochs } : {}),
    ...(s.limit !== undefined ? { limit: s.limit } : {}),
    map,
    text: read.text,
  };
  return { sweep, diagnostics, sources };
}

function* axesOf(doc: SweepDoc, map: SourceMap, out: Diagnostic[]): Generator<Axis> {
  const keyAt = (at: PathSegment[]): SourceLoc => map.locate(at, 'key');
  const named = (name: string, at: PathSegment[]): Pick<Axis, 'name' | 'kind' | 'path' | 'at'> | undefined => {
    if (!AXIS.test(name) && !TRAIN_AXIS.test(name)) {
      out.push(Messages.SweepAxisName.at(keyAt(at), name));
      return undefined;
    }
    const path = name.split('.');
    return { name, kind: path[0] === 'train' ? 'train' : 'layer', path, at };
  };
  const grid = doc.sweep.grid ?? {};
  for (const [name, values] of Object.entries(grid)) {
    const axis = named(name, ['sweep', 'grid', name]);
    if (axis) yield { ...axis, values };
  }
  for (const [name, range] of Object.entries(doc.sweep.random?.axes ?? {})) {
    const at = ['sweep', 'random', 'axes', name];
    if (Object.hasOwn(grid, name)) {
      out.push(Messages.SweepAxisTwice.at(keyAt(at), name));
      continue;
    }
    const axis = named(name, at);
    const bad = rangeProblem(range);
    if (bad) out.push(Messages.SweepRange.at(map.locate(at), name, bad));
    else if (axis) yield { ...axis, range };
  }
}

function rangeProblem(r: Range): string | undefined {
  const ends = 'log_uniform' in r ? r.log_uniform : 'uniform' in r ? r.uniform : 'int' in r ? r.int : undefined;
  if (ends && !(ends[0] <= ends[1])) return `goes from ${ends[0]} down to ${ends[1]}; write the low end first`;
  return undefined;
}

/** A sweep without a name is called after its file, made a valid name ("sweep" if nothing is left). */
function nameOfFile(file: string): string {
  const name = basename(file).replace(/\.ya?ml$/, '').replace(/[^A-Za-z0-9_-]/g, '-').replace(/^[^A-Za-z]+/, '');
  return name === '' ? 'sweep' : name.slice(0, 64);
}
