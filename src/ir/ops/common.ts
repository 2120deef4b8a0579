/**
 * What several op files share: JSON Schema fragments for common attributes, and the window
 * arithmetic of convolution and pooling (TensorFlow's rules, so shapes match Keras exactly).
 */
import type { SourceLoc } from '../../diagnostics/diagnostics.js';
import { Messages } from '../../diagnostics/messages.js';
import type { JsonSchema, KernelArg, ShapeContext, ShapeProblem } from '../registry.js';
import { elementsPerExample, formatShape, type Dim, type TensorType } from '../types.js';

export const schema = {
  positiveInt: (description: string): JsonSchema => ({ type: 'integer', minimum: 1, description }),
  window: (description: string): JsonSchema => ({
    description,
    oneOf: [
      { type: 'integer', minimum: 1 },
      { type: 'array', items: { type: 'integer', minimum: 1 }, minItems: 2, maxItems: 2 },
    ],
  }),
  useBias: (description: string): JsonSchema => ({ type: 'boolean', default: true, description }),
  padding: (description: string, allowInt: boolean): JsonSchema =>
    allowInt
      ? { description, oneOf: [{ enum: ['valid', 'same'] }, { type: 'integer', minimum: 0 }] }
      : { description, enum: ['valid', 'same'] },
};

/** An int or a pair in the spec, as a pair. */
export function pair(v: unknown, fallback: readonly [number, number]): [number, number] {
  if (typeof v === 'number') return [v, v];
  if (Array.isArray(v) && v.length === 2) return [Number(v[0]), Number(v[1])];
  return [fallback[0], fallback[1]];
}

/** The pixels a kernel spans when its taps are `dilation` apart (an attribute pair, or 1 when absent). */
export function dilated(kernel: readonly [number, number], dilation: unknown): [number, number] {
  const [dh, dw] = Array.isArray(dilation) && dilation.length === 2 ? dilation.map(Number) : [1, 1];
  return [(kernel[0] - 1) * dh! + 1, (kernel[1] - 1) * dw! + 1];
}

/**
 * Padding as [top, bottom, left, right]. `same` follows TensorFlow: the output is
 * ceil(input / stride), and an odd total puts the extra row or column at the bottom or right.
 */
export function explicitPadding(
  padding: unknown,
  input: readonly [number, number],
  window: readonly [number, number],
  stride: readonly [number, number],
): [number, number, number, number] {
  if (typeof padding === 'number') return [padding, padding, padding, padding];
  if (padding !== 'same') return [0, 0, 0, 0];
  const total = (i: 0 | 1) =>
    Math.max((Math.ceil(input[i] / stride[i]) - 1) * stride[i] + window[i] - input[i], 0);
  const h = total(0);
  const w = total(1);
  return [Math.floor(h / 2), h - Math.floor(h / 2), Math.floor(w / 2), w - Math.floor(w / 2)];
}

/** Output size of a sliding window; may be ≤ 0 when the window does not fit. */
export function slide(input: number, window: number, stride: number, padBefore: number, padAfter: number): number {
  return Math.floor((input + padBefore + padAfter - window) / stride) + 1;
}

export const problem = (problemFn: (loc: SourceLoc | undefined) => ReturnType<ShapeProblem['problem']>, attr?: string): ShapeProblem =>
  attr === undefined ? { problem: problemFn } : { problem: problemFn, attr };

/** Checks that input `i` is an image batch [N, H, W, C]; returns its H, W, C or a problem. */
export function imageDims(
  t: TensorType,
  op: string,
  ctx: ShapeContext,
  i = 0,
): [number, number, number] | ShapeProblem {
  const s = t.shape;
  if (s.length !== 4 || s[0] !== 'N') {
    return problem((loc) => Messages.NeedsImageInput.at(loc, ctx.layer, op, formatShape(s.slice(1)), ctx.from[i] ?? '?'), 'inputs');
  }
  return [s[1] as number, s[2] as number, s[3] as number];
}

/**
 * Output shape of a 2-D window op (conv or pool) on an [N, H, W, C] input with explicit padding,
 * or the problem when the window does not fit.
 */
export function windowOutput(
  hwc: readonly [number, number, number],
  window: readonly [number, number],
  stride: readonly [number, number],
  pad: readonly [number, number, number, number],
  what: string,
  attr: string,
  ctx: ShapeContext,
): [number, number] | ShapeProblem {
  const [h, w] = hwc;
  const ph = h + pad[0] + pad[1];
  const pw = w + pad[2] + pad[3];
  if (window[0] > ph || window[1] > pw) {
    return problem(
      (loc) => Messages.WindowTooLarge.at(loc, ctx.layer, what, `${window[0]}×${window[1]}`, `${ph}×${pw}`),
      attr,
    );
  }
  return [slide(h, window[0], stride[0], pad[0], pad[1]), slide(w, window[1], stride[1], pad[2], pad[3])];
}

export const batch = (...dims: number[]): Dim[] => ['N', ...dims];

/** Kernel arguments: a tensor by id, and a count of elements (times the batch when batched). */
export const buf = (id: string): KernelArg => ({ buf: id });
export const BATCH: KernelArg = { batch: 1 };
export function size(t: TensorType): KernelArg {
  const per = elementsPerExample(t.shape);
  return t.shape[0] === 'N' ? { batch: per } : per;
}
/** The batch times the product of all but the last dimension: the rows of a [.., cols] tensor. */
export function rows(t: TensorType): KernelArg {
  const per = elementsPerExample(t.shape) / (t.shape[t.shape.length - 1] as number);
  return t.shape[0] === 'N' ? { batch: per } : per;
}
export const last = (t: TensorType): number => t.shape[t.shape.length - 1] as number;

export const attrNums = (v: unknown): number[] => (Array.isArray(v) ? v.map(Number) : []);
