/**
 * What can still be checked in a spec that breaks the schema. One misspelt key in one layer
 * should not hide a duplicate name, an unknown reference, a cycle or a shape mistake elsewhere:
 * the salvage leaves out what failed, as little as it can, so that the later checks run on the
 * rest, and says what it left out so that they skip what depends on it.
 *
 *   an attribute of a layer that fails (`activaton`, `kernel: [5, x]`)  left out; the layer is
 *       still lowered, and what follows from it is marked as a possible consequence
 *   an unknown op with a suggestion (`Dense`, `AveragePooling2D`)        read as the suggested op;
 *       what follows from it is marked as a possible consequence
 *   a layer's name, op or inputs that fail, or the layer itself          the layer is kept for
 *       the name, reference and cycle checks, and not lowered (nor what reads it)
 *   the train section                                                     left out (no loss checks)
 *   input or preprocess                                                   no layer is lowered
 *   layers itself, or anything else at the top                            nothing more is checked
 */
import type { SourceLoc } from '../diagnostics/diagnostics.js';
import type { SourceMap } from './source.js';
import type { LoadedSpec, Spec } from './types.js';
import { layerOps, schemaErrorPaths, type Schema } from './validate.js';
import { suggest } from '../diagnostics/suggest.js';

export interface Salvage {
  /** a spec the later checks can read; the layers in `unusable` are stubs with their names and inputs */
  readonly loaded: LoadedSpec;
  /** layer index → where its error is: checked for names and references, not lowered */
  readonly unusable: ReadonlyMap<number, SourceLoc>;
  /** layer index → where the error of an attribute it was lowered without is */
  readonly repaired: ReadonlyMap<number, SourceLoc>;
  /** false when input or preprocess failed: no layer can be given a shape */
  readonly shapes: boolean;
}

type Doc = Record<string, unknown>;
const isMapping = (v: unknown): v is Doc => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Keys of a layer that the name, reference and cycle checks read. */
const STRUCTURAL = new Set(['name', 'op', 'inputs']);

/** Top-level keys whose failure leaves nothing to check, and the ones a harmless value replaces. */
const PLACEHOLDERS: Readonly<Record<string, unknown>> = { netc: 1, name: 'spec' };

/**
 * Rounds of leaving out and validating again: an op read as the one suggested can show an
 * unknown key, and leaving that out can make a required key missing.
 */
const ROUNDS = 4;

/**
 * The salvage of `doc` (merged, not valid), or undefined when too little is left to check.
 * `map` locates each failure for the consequence notes.
 */
export function salvage(file: string, doc: Doc, map: SourceMap, sources: ReadonlyMap<string, string>, schema?: Schema): Salvage | undefined {
  const work = structuredClone(doc);
  if (!Array.isArray(work.layers)) return undefined;
  const layers = work.layers as unknown[];
  const unusable = new Map<number, SourceLoc>();
  const repaired = new Map<number, SourceLoc>();
  let shapes = true;
  const ops = layerOps(schema);
  for (let round = 0; round < ROUNDS; round++) {
    const paths = schemaErrorPaths(work, schema).filter((p) => !(p[0] === 'layers' && unusable.has(p[1] as number)));
    if (paths.length === 0) return { loaded: { file, spec: work as unknown as Spec, map, sources }, unusable, repaired, shapes };
    for (const path of paths) {
      const [top, i, attr] = path;
      if (top === 'layers' && typeof i === 'number') {
        const loc = map.locate(path, 'key');
        const meant = unusable.has(i) ? undefined : meantOp(layers[i], ops);
        if (meant !== undefined && isMapping(layers[i])) {
          layers[i].op = meant;
          repaired.set(i, map.locate([top, i, 'op']));
        } else if (typeof attr === 'string' && !STRUCTURAL.has(attr) && isMapping(layers[i]) && Object.hasOwn(layers[i], attr)) {
          delete layers[i][attr];
          if (!repaired.has(i)) repaired.set(i, loc);
        } else if (!unusable.has(i)) {
          unusable.set(i, loc);
          layers[i] = stub(layers[i], i);
        }
      } else if (top === 'train') delete work.train;
      else if (top === 'output') delete work.output;
      else if (top === 'input' || top === 'preprocess') {
        shapes = false;
        work.input = { shape: [1, 1, 1] };
        delete work.preprocess;
      } else if (typeof top === 'string' && Object.hasOwn(PLACEHOLDERS, top)) work[top] = PLACEHOLDERS[top];
      else if (typeof top === 'string' && top !== 'layers') delete work[top];
      else return undefined;
    }
  }
  return undefined;
}

/** The op a layer's unknown op stands for, when one is suggested ('Dense' → dense, 'AveragePooling2D' → avgpool2d). */
function meantOp(layer: unknown, ops: readonly string[]): string | undefined {
  if (!isMapping(layer) || typeof layer.op !== 'string' || ops.includes(layer.op)) return undefined;
  return suggest(layer.op, ops);
}

/** A layer that only names itself and what it reads, for the checks of names and references. */
function stub(layer: unknown, i: number): Doc {
  const l = isMapping(layer) ? layer : {};
  const name = typeof l.name === 'string' ? l.name : `#${i + 1}`;
  const inputs = Array.isArray(l.inputs) && l.inputs.every((x) => typeof x === 'string') ? l.inputs : l.inputs === undefined ? undefined : [];
  return { name, op: 'flatten', ...(inputs ? { inputs } : {}) };
}
