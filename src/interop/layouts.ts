/**
 * netc's weight layouts as the NCHW frameworks hold them (ONNX and PyTorch alike): netc keeps
 * images NHWC, conv kernels [kh, kw, cin, cout] and dense weights [in, out]; ONNX's Conv and
 * PyTorch's Conv2d take [cout, cin, kh, kw] and a flatten of an NCHW image orders its values
 * (c, h, w) where netc's orders them (h, w, c).
 */
import type { Graph, Node } from '../ir/types.js';

/** netc's [kh, kw, cin, cout] as [cout, cin, kh, kw], times a connection table's mask. */
export function convWeights(w: Float32Array, [kh, kw, ci, co]: readonly number[], table?: readonly (readonly number[])[]): Float32Array {
  const out = new Float32Array(w.length);
  for (let o = 0; o < co!; o++) {
    const connected = table ? new Set(table[o]) : undefined;
    for (let c = 0; c < ci!; c++) {
      if (connected && !connected.has(c)) continue;
      for (let i = 0; i < kh!; i++) for (let j = 0; j < kw!; j++) out[((o * ci! + c) * kh! + i) * kw! + j] = w[((i * kw! + j) * ci! + c) * co! + o]!;
    }
  }
  return out;
}

/** A depthwise kernel [kh, kw, C, M] as [C·M, 1, kh, kw]: output channel c·M + m is input channel c's m-th kernel, as grouped convs order them. */
export function depthwiseWeights(w: Float32Array, [kh, kw, ci, m]: readonly number[]): Float32Array {
  const out = new Float32Array(w.length);
  for (let c = 0; c < ci!; c++) for (let k = 0; k < m!; k++) for (let i = 0; i < kh!; i++) for (let j = 0; j < kw!; j++) out[((c * m! + k) * kh! + i) * kw! + j] = w[((i * kw! + j) * ci! + c) * m! + k]!;
  return out;
}

/** A dense weight [H·W·C, U] whose rows follow a flatten of NHWC, with its rows in the (c, h, w) order of a flatten of NCHW. */
export function chwRows(w: Float32Array, units: number, [C, H, W]: readonly [number, number, number]): Float32Array {
  // netc's row (h·W + w)·C + c is c·H·W + h·W + w
  const out = new Float32Array(w.length);
  for (let c = 0; c < C; c++) for (let p = 0; p < H * W; p++) out.set(w.subarray((p * C + c) * units, (p * C + c + 1) * units), (c * H * W + p) * units);
  return out;
}

/** A [rows, cols] matrix transposed: netc's dense [in, out] as PyTorch's Linear weight [out, in]. */
export function transposed(w: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(w.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = w[r * cols + c]!;
  return out;
}

/**
 * How an NCHW framework writes a netc flatten: `flat` when its input is already flat; `chw` when
 * only dense layers read it, which then take their rows permuted by `chwRows` (`image` is the
 * [C, H, W] to permute by, absent when the orders agree: one pixel or one channel); `nhwc` when
 * something else reads it, so the image goes back to NHWC before the flatten.
 */
export type FlattenOrder = { readonly kind: 'flat' } | { readonly kind: 'chw'; readonly image?: readonly [number, number, number] } | { readonly kind: 'nhwc' };

export function flattenOrder(graph: Graph, n: Node): FlattenOrder {
  const x = graph.nodes.find((m) => m.id === n.inputs[0])!;
  if (x.type.shape.length !== 4) return { kind: 'flat' };
  const [, h, w, c] = x.type.shape as number[];
  const readers = graph.nodes.filter((m) => m.inputs.includes(n.id));
  if (readers.length === 0 || !readers.every((m) => m.op === 'dense' && m.inputs[0] === n.id)) return { kind: 'nhwc' };
  return h! * w! > 1 && c! > 1 ? { kind: 'chw', image: [c!, h!, w!] } : { kind: 'chw' };
}

/** The nodes of ops a transform table lacks, the first of each (layer, op), and how a message names each. */
export function untransformable(graph: Graph, table: object): { node: Node; what: string }[] {
  const seen = new Set<string>();
  const out: { node: Node; what: string }[] = [];
  for (const n of graph.nodes) {
    if (n.op === 'input' || Object.hasOwn(table, n.op) || seen.has(n.layer + n.op)) continue;
    seen.add(n.layer + n.op);
    out.push({ node: n, what: n.layer ? `layer '${n.layer}'` : `the value '${n.id}'` });
  }
  return out;
}
