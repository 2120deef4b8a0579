/**
 * Walking the spec's JSON Schema (the one the op registry builds) along a path of a document:
 * which keys a mapping there may have, which values a key takes, what a key means. A layer's
 * schema is chosen by its `op:` (an optimizer's by its `name:`), as the schema's discriminators
 * say; where the document does not decide yet (a half-typed op), every alternative counts.
 */
import type { JsonSchema } from '../ir/registry.js';
import type { PathSegment } from '../spec/source.js';
import { valueAt } from './yaml-point.js';

export interface Choice {
  readonly label: string;
  readonly description?: string;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function deref(root: JsonSchema, s: JsonSchema): JsonSchema {
  for (let i = 0; i < 8 && typeof s.$ref === 'string' && s.$ref.startsWith('#/'); i++) {
    const target = s.$ref
      .slice(2)
      .split('/')
      .reduce<unknown>((o, k) => (isObject(o) ? o[k] : undefined), root);
    if (!isObject(target)) return {};
    s = target;
  }
  return s;
}

/** The alternatives of a schema, those its discriminator picks for `value` when it picks any. */
function alternatives(root: JsonSchema, s: JsonSchema, value: unknown): JsonSchema[] {
  s = deref(root, s);
  const list = (Array.isArray(s.oneOf) ? s.oneOf : Array.isArray(s.anyOf) ? s.anyOf : undefined) as JsonSchema[] | undefined;
  if (!list) return [s];
  const all = list.flatMap((alt) => alternatives(root, alt, value));
  const by = isObject(s.discriminator) ? String(s.discriminator.propertyName) : undefined;
  if (by === undefined || !isObject(value)) return all;
  const picked = all.filter((alt) => isObject(alt.properties) && isObject(alt.properties[by]) && alt.properties[by].const === value[by]);
  return picked.length > 0 ? picked : all;
}

/** The schemas that may describe the value at `path` of `data`. */
export function schemasAt(root: JsonSchema, data: unknown, path: readonly PathSegment[]): JsonSchema[] {
  let here = alternatives(root, root, data);
  for (let i = 0; i < path.length; i++) {
    const seg = path[i]!;
    const value = valueAt(data, path.slice(0, i + 1));
    here = here.flatMap((s): JsonSchema[] => {
      const next = typeof seg === 'number' ? itemSchema(s, seg) : propertySchema(s, seg);
      return next ? alternatives(root, next, value) : [];
    });
  }
  return here;
}

function itemSchema(s: JsonSchema, i: number): JsonSchema | undefined {
  if (Array.isArray(s.items)) return s.items[i] as JsonSchema | undefined;
  return isObject(s.items) ? s.items : undefined;
}

function propertySchema(s: JsonSchema, key: string): JsonSchema | undefined {
  if (isObject(s.properties) && isObject(s.properties[key])) return s.properties[key];
  return isObject(s.additionalProperties) ? s.additionalProperties : undefined;
}

/** The keys a mapping at `path` may have, each with its description, in the schema's order. */
export function keysAt(root: JsonSchema, data: unknown, path: readonly PathSegment[]): Choice[] {
  const seen = new Map<string, Choice>();
  for (const s of schemasAt(root, data, path)) {
    if (!isObject(s.properties)) continue;
    for (const [key, p] of Object.entries(s.properties)) {
      const description = isObject(p) ? describe(root, p) : undefined;
      if (!seen.has(key)) seen.set(key, { label: key, ...(description ? { description } : {}) });
    }
  }
  return [...seen.values()];
}

/** The values a key at `path` takes from a fixed set (an op, an activation, a loss), with the schema's note. */
export function valuesAt(root: JsonSchema, data: unknown, path: readonly PathSegment[]): Choice[] {
  const seen = new Map<string, Choice>();
  const add = (v: unknown, description?: string) => {
    if (typeof v !== 'string' || seen.has(v)) return;
    seen.set(v, { label: v, ...(description ? { description } : {}) });
  };
  // The alternatives of the mapping that holds the key, so that each op names its layer's
  // summary; the value being written does not pick among them (every op is offered at `op:`).
  const parents = path.length > 0 ? schemasAt(root, withoutValue(data, path), path.slice(0, -1)) : [];
  const key = path[path.length - 1];
  for (const parent of parents) {
    const p = typeof key === 'string' ? propertySchema(parent, key) : typeof key === 'number' ? itemSchema(parent, key) : undefined;
    if (!p) continue;
    for (const alt of alternatives(root, p, undefined)) {
      if (alt.const !== undefined) add(alt.const, typeof parent.description === 'string' ? parent.description : undefined);
      if (Array.isArray(alt.enum)) for (const v of alt.enum) add(v);
    }
  }
  return [...seen.values()];
}

/** The data with the value at `path` left out (the spine copied, the rest shared). */
function withoutValue(data: unknown, path: readonly PathSegment[]): unknown {
  if (path.length === 0 || typeof data !== 'object' || data === null) return path.length === 0 ? undefined : data;
  const [seg, ...rest] = path;
  const copy = (Array.isArray(data) ? [...(data as unknown[])] : { ...data }) as Record<string | number, unknown>;
  if (!Object.hasOwn(copy, seg!)) return data;
  if (rest.length === 0) delete copy[seg!];
  else copy[seg!] = withoutValue(copy[seg!], rest);
  return copy;
}

/** What the key at `path` means, from the schema. */
export function describeAt(root: JsonSchema, data: unknown, path: readonly PathSegment[]): string | undefined {
  for (const s of schemasAt(root, data, path)) {
    const d = describe(root, s);
    if (d) return d;
  }
  return undefined;
}

function describe(root: JsonSchema, s: JsonSchema): string | undefined {
  const d = deref(root, s);
  return typeof d.description === 'string' ? d.description : undefined;
}
