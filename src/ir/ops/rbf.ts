/**
 * rbf: the 1998 paper's output layer of Euclidean radial basis function units,
 * y[u] = Σ_k (x[k] − w[u, k])², with fixed prototypes w [U, K] read from a file shipped with the
 * spec (the paper's stylized 7×12 bitmaps of the digits, entries −1 and +1). A unit's output is a
 * penalty: small when the input is close to its prototype. The prototypes are not trained.
 * IR inputs: x [N, K], w [U, K].
 */
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import { Messages } from '../../diagnostics/messages.js';
import type { LayerDef, OpDef } from '../registry.js';
import { batch, BATCH, buf, problem, schema } from './common.js';
import { f32, formatShape } from '../types.js';

export const rbfOp: OpDef = {
  name: 'rbf',
  summary: 'Euclidean RBF units: y[u] = Σ_k (x[k] − w[u, k])² against fixed prototypes',
  arity: 2,
  shape([x, w], _attrs, ctx) {
    if (x!.shape.length !== 2 || w!.shape[1] !== x!.shape[1]) {
      return problem((loc) => Messages.Internal.at(loc, `rbf '${ctx.layer}' prototypes ${formatShape(w!.shape)} do not fit input ${formatShape(x!.shape)}`));
    }
    return f32(batch(w!.shape[0] as number));
  },
  macs: ([x], out) => (x!.shape[1] as number) * (out.shape[1] as number),
  connections: ([x], out) => (x!.shape[1] as number) * (out.shape[1] as number),
  kernel: (node, [x, w]) => [{ kernel: 'rbf', args: [...node.inputs.map(buf), buf(node.id), BATCH, x!.shape[1] as number, w!.shape[0] as number] }],
  grad: (node, dy, g) => [g.needsGrad(0) ? g.node('rbf_grad_input', [g.input(0), g.input(1), dy!], {}, 0) : undefined, undefined],
};

export const rbfGradInputOp: OpDef = {
  name: 'rbf_grad_input',
  summary: 'the gradient of RBF units with respect to their input',
  arity: 3,
  shape: ([x]) => x!,
  kernel: (node, [x, w]) => [{ kernel: 'rbfGradInput', args: [...node.inputs.map(buf), buf(node.id), BATCH, x!.shape[1] as number, w!.shape[0] as number] }],
};

/**
 * Prototypes from a text file: one bitmap per unit, rows of equal length, 'X' or '#' for +1 and
 * '.' for −1; blank lines between bitmaps; lines starting with '%' are comments.
 */
export function readPrototypes(path: string): { values: number[]; units: number; size: number } | string {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'does not exist' : `cannot be read (${(e as Error).message})`;
  }
  const bitmaps: string[][] = [[]];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line.startsWith('%')) continue;
    if (line === '') {
      if (bitmaps[bitmaps.length - 1]!.length > 0) bitmaps.push([]);
      continue;
    }
    if (!/^[X#.]+$/.test(line)) return `has the line '${line}'; a bitmap row holds only X (or #) for +1 and . for −1`;
    bitmaps[bitmaps.length - 1]!.push(line);
  }
  const maps = bitmaps.filter((b) => b.length > 0);
  if (maps.length === 0) return 'holds no bitmaps';
  const size = maps[0]!.join('').length;
  const odd = maps.findIndex((b) => b.join('').length !== size);
  if (odd >= 0) return `bitmap ${odd + 1} has ${maps[odd]!.join('').length} pixels, but the first has ${size}; all must have the same size`;
  return { values: maps.flatMap((b) => [...b.join('')].map((ch) => (ch === '.' ? -1 : 1))), units: maps.length, size };
}

export const rbfLayer: LayerDef = {
  op: 'rbf',
  summary: "the 1998 paper's Euclidean RBF output units, against fixed prototypes read from a file",
  properties: {
    units: schema.positiveInt('number of units (one prototype each)'),
    prototypes: { type: 'string', minLength: 1, description: 'the prototypes file, relative to the spec: a bitmap per unit, X = +1, . = −1' },
  },
  required: ['units', 'prototypes'],
  inputs: { min: 1, max: 1 },
  lower(layer, [x], ctx) {
    const s = x!.type.shape;
    if (s.length !== 2) {
      ctx.report(Messages.NeedsFlatInput.at(ctx.locate('op'), layer.name, 'rbf', formatShape(s.slice(1)), x!.layer || 'input'));
      return undefined;
    }
    const at = ctx.locate('prototypes');
    const file = String(layer.prototypes);
    const path = isAbsolute(file) ? file : join(dirname(at.file), file);
    const p = readPrototypes(path);
    if (typeof p === 'string') {
      ctx.report(Messages.DataFile.at(at, path, p));
      return undefined;
    }
    const units = layer.units as number;
    const k = s[1] as number;
    if (p.units !== units || p.size !== k) {
      ctx.report(
        Messages.PrototypesMismatch.at(at, layer.name, `${p.units} prototypes of ${p.size} values`, `${units} units on an input of ${k}`),
      );
      return undefined;
    }
    const w = ctx.param('w', [units, k], { kind: 'values', values: p.values }, { trainable: false });
    return ctx.node('rbf', [x!, w], {});
  },
};
