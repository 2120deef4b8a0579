/**
 * A netc inference graph as the body of an nn.Module: one transform per IR op, each adding the
 * module it needs to `__init__` (with netc's initializers as torch.nn.init calls), a line to
 * `forward`, and the state-dict entries that carry a checkpoint's parameters in PyTorch's
 * layouts. Layers with parameters become PyTorch's own modules (Conv2d, Linear, BatchNorm2d),
 * the 1998 paper's layers small modules of the program's own (pytorch-helpers.ts); everything
 * else is a function call in `forward`. An op with no transform is a diagnostic naming its layer.
 *
 *   self.c1 = nn.Conv2d(1, 6, 5)                      # c1: [N, 6, 28, 28]
 *   nn.init.xavier_uniform_(self.c1.weight)
 *   ...
 *   c1 = self.c1(x)
 *   c1_tanh = torch.tanh(c1)
 */
import { SCALED_TANH_A, SCALED_TANH_S } from '../runtime/kernels/reference/activation.js';
import { affineInputs, BATCHNORM_DEFAULTS } from '../ir/ops/batchnorm.js';
import type { Graph, Node } from '../ir/types.js';
import type { SpecLayer } from '../spec/types.js';
import type { Diagnostic } from '../diagnostics/diagnostics.js';
import { Messages } from '../diagnostics/messages.js';
import { chwRows, convWeights, depthwiseWeights, flattenOrder, transposed } from './layouts.js';
import { PythonNames, pyNum, pyTuple } from './pytorch-names.js';

/** One tensor of the exported state dict: its key, its PyTorch shape and its values in PyTorch's layout. */
export interface TorchWeight {
  readonly key: string;
  readonly shape: readonly number[];
  readonly values: Float32Array;
}

/** The module being written. */
export class TorchModule {
  readonly init: string[] = [];
  readonly forward: string[] = [];
  readonly weights: TorchWeight[] = [];
  /** the program's helpers the module uses (pytorch-helpers.ts) */
  readonly helpers = new Set<string>();
  /** [module attribute, l2] of each layer whose kernel has an L2 penalty */
  readonly l2: [string, number][] = [];
  readonly problems: Diagnostic[] = [];
  /** parameters the checkpoint lacks or holds at the wrong size */
  readonly missing: string[] = [];
  readonly modules = new PythonNames();
  readonly locals = new PythonNames();
  /** IR value → the Python expression that holds it (a local, or an alias of one) */
  private readonly values = new Map<string, string>();

  constructor(
    readonly graph: Graph,
    readonly layers: ReadonlyMap<string, SpecLayer>,
    /** the checkpoint's parameters; none when exporting a spec that has not been trained */
    readonly params: Readonly<Record<string, Float32Array>> | undefined,
  ) {}

  node(id: string): Node {
    return this.graph.nodes.find((m) => m.id === id)!;
  }

  /** The Python expression of an IR node's input i. */
  in(n: Node, i: number): string {
    return this.value(n.inputs[i]!);
  }

  /** The Python expression of an IR value. */
  value(id: string): string {
    return this.values.get(id) ?? this.locals.name(id);
  }

  alias(n: Node, expr: string): void {
    this.values.set(n.id, expr);
  }

  /** `local = expr  # [N, C, H, W]` in forward. */
  assign(n: Node, expr: string): void {
    this.forward.push(`${this.locals.name(n.id)} = ${expr}  # ${nchwShape(n)}`);
  }

  /** A module attribute for the node's layer, registered with its construction and comment. */
  module(n: Node, construct: string): string {
    const name = this.modules.name(n.id);
    this.init.push(`self.${name} = ${construct}  # ${n.layer || n.id}: ${nchwShape(n)}`);
    return name;
  }

  /** A checkpoint parameter's values (zeros, noted as missing, when the checkpoint lacks it). */
  param(id: string): Float32Array {
    const size = this.node(id).type.shape.reduce<number>((a, d) => a * (d as number), 1);
    const v = this.params?.[id];
    if (!v || v.length !== size) {
      this.missing.push(id);
      return new Float32Array(size);
    }
    return v;
  }

  /** A state-dict entry from a parameter, converted to PyTorch's layout; nothing without a checkpoint. */
  weight(key: string, shape: readonly number[], id: string, convert: (v: Float32Array) => Float32Array = (v) => v): void {
    if (this.params) this.weights.push({ key, shape, values: convert(this.param(id)) });
  }

  /** The torch.nn.init call that draws a parameter as netc's initializer does; `fans` are PyTorch's for its layout. */
  initialize(target: string, paramId: string, fans?: readonly [number, number]): void {
    const a = this.node(paramId).attrs;
    switch (a.init) {
      case 'zeros':
        this.init.push(`nn.init.zeros_(${target})`);
        return;
      case 'ones':
        this.init.push(`nn.init.ones_(${target})`);
        return;
      case 'constant':
        this.init.push(`nn.init.constant_(${target}, ${pyNum(a.value as number)})`);
        return;
      case 'uniform':
        this.init.push(`nn.init.uniform_(${target}, ${pyNum(-(a.limit as number))}, ${pyNum(a.limit as number)})`);
        return;
      case 'glorot_uniform': {
        const [fanIn, fanOut] = [a.fan_in as number, a.fan_out as number];
        if (fans && fans[0] === fanIn && fans[1] === fanOut) this.init.push(`nn.init.xavier_uniform_(${target})`);
        else {
          // PyTorch's fans of this layout differ from Keras's, which netc uses: the limit written out
          const limit = Math.sqrt(6 / (fanIn + fanOut));
          this.init.push(`nn.init.uniform_(${target}, ${pyNum(-limit)}, ${pyNum(limit)})  # glorot_uniform with fans ${fanIn} in, ${fanOut} out`);
        }
        return;
      }
      default:
        throw new Error(`no torch.nn.init form of the initializer '${String(a.init)}'`);
    }
  }

  refuse(n: Node, why: string): void {
    this.problems.push(Messages.PytorchNoEquivalent.at(n.loc, n.layer ? `layer '${n.layer}'` : `the value '${n.id}'`, n.op, why));
  }
}

/** A node's shape as PyTorch holds it: images NCHW. */
function nchwShape(n: Node): string {
  const s = n.type.shape;
  const dims = s.length === 4 ? [s[0], s[3], s[1], s[2]] : s;
  return `[${dims.join(', ')}]`;
}

const nums = (v: unknown) => v as readonly number[];
/** One int when both are the same, else a pair: Conv2d(1, 6, 5) rather than (5, 5). */
const pair = (v: readonly number[]): string => (v[0] === v[1] ? pyNum(v[0]!) : pyTuple(v));
/** netc's [top, bottom, left, right] as F.pad's (left, right, top, bottom). */
const fpad = (p: readonly number[]) => pyTuple([p[2]!, p[3]!, p[0]!, p[1]!]);
const even = (p: readonly number[]) => p[0] === p[1] && p[2] === p[3];
const zero = (p: readonly number[]) => p.every((v) => v === 0);

/** An activation of `x` as a Python expression. */
export function activationExpr(fn: string, alpha: unknown, x: string): string {
  switch (fn) {
    case 'linear':
      return x;
    case 'relu':
      return `F.relu(${x})`;
    case 'tanh':
      return `torch.tanh(${x})`;
    case 'sigmoid':
      return `torch.sigmoid(${x})`;
    case 'softplus':
      return `F.softplus(${x})`;
    case 'leaky_relu':
      return `F.leaky_relu(${x}, ${pyNum(alpha as number)})`;
    case 'elu':
      return `F.elu(${x}, ${pyNum(alpha as number)})`;
    case 'scaled_tanh':
      return `${pyNum(SCALED_TANH_A)} * torch.tanh(${pyNum(SCALED_TANH_S)} * ${x})`;
    case 'swish':
      return `F.silu(${x})`;
    case 'gelu':
      return `F.gelu(${x})`;
    case 'softmax':
      return `torch.softmax(${x}, 1)`;
    default:
      throw new Error(`no PyTorch form of the activation '${fn}'`);
  }
}

/** `expr`, then the node's fused activation if it has one (the unfused graph netc exports has none). */
const activated = (n: Node, expr: string) => activationExpr((n.attrs.activation as string | undefined) ?? 'linear', n.attrs.alpha, expr);

function conv(t: TorchModule, n: Node, depthwise: boolean): void {
  const wShape = t.node(n.inputs[1]!).type.shape as number[];
  const [kh, kw, ci, m] = wShape as [number, number, number, number];
  const out = depthwise ? ci * m : m;
  const padding = nums(n.attrs.padding ?? [0, 0, 0, 0]);
  const stride = nums(n.attrs.stride ?? [1, 1]);
  const dilation = nums(n.attrs.dilation ?? [1, 1]);
  const bias = n.attrs.use_bias !== false;
  const table = n.attrs.connections as readonly (readonly number[])[] | undefined;
  const args = [pyNum(ci), pyNum(out), pair([kh, kw])];
  if (stride.some((s) => s !== 1)) args.push(`stride=${pair(stride)}`);
  if (!zero(padding) && even(padding)) args.push(`padding=${pair([padding[0]!, padding[2]!])}`);
  if (dilation.some((d) => d !== 1)) args.push(`dilation=${pair(dilation)}`);
  if (depthwise) args.push(`groups=${ci}`);
  if (!bias) args.push('bias=False');
  if (table) {
    t.helpers.add('MaskedConv2d');
    args.push(`connections=${JSON.stringify(table)}`);
  }
  const name = t.module(n, `${table ? 'MaskedConv2d' : 'nn.Conv2d'}(${args.join(', ')})`);
  const area = kh * kw;
  t.initialize(`self.${name}.weight`, n.inputs[1]!, depthwise ? [area, out * area] : [ci * area, m * area]);
  if (bias) t.initialize(`self.${name}.bias`, n.inputs[2]!);
  t.weight(`${name}.weight`, [out, depthwise ? 1 : ci, kh, kw], n.inputs[1]!, (w) => (depthwise ? depthwiseWeights(w, wShape) : convWeights(w, wShape, table)));
  if (bias) t.weight(`${name}.bias`, [out], n.inputs[2]!);
  regularize(t, name, n.inputs[1]!);
  const x = !zero(padding) && !even(padding) ? `F.pad(${t.in(n, 0)}, ${fpad(padding)})` : t.in(n, 0);
  t.assign(n, activated(n, `self.${name}(${x})`));
}

function regularize(t: TorchModule, module: string, paramId: string): void {
  const l2 = t.node(paramId).attrs.l2;
  if (typeof l2 === 'number' && l2 > 0) t.l2.push([module, l2]);
}

function dense(t: TorchModule, n: Node): void {
  const [k, u] = t.node(n.inputs[1]!).type.shape as [number, number];
  const name = t.module(n, `nn.Linear(${k}, ${u})`);
  t.initialize(`self.${name}.weight`, n.inputs[1]!, [k, u]);
  t.initialize(`self.${name}.bias`, n.inputs[2]!);
  const from = t.node(n.inputs[0]!);
  const order = from.op === 'flatten' ? flattenOrder(t.graph, from) : undefined;
  const image = order?.kind === 'chw' ? order.image : undefined;
  t.weight(`${name}.weight`, [u, k], n.inputs[1]!, (w) => transposed(image ? chwRows(w, u, image) : w, k, u));
  t.weight(`${name}.bias`, [u], n.inputs[2]!);
  regularize(t, name, n.inputs[1]!);
  t.assign(n, activated(n, `self.${name}(${t.in(n, 0)})`));
}

function batchnorm(t: TorchModule, n: Node): void {
  const { gamma, beta } = affineInputs(n.attrs, 3);
  if ((gamma === undefined) !== (beta === undefined)) {
    t.refuse(n, "PyTorch's batch normalization has both or neither of scale and center; set both or neither");
    return;
  }
  const c = t.node(n.inputs[1]!).type.shape[0] as number;
  const momentum = (t.layers.get(n.layer)?.momentum as number | undefined) ?? BATCHNORM_DEFAULTS.momentum;
  // netc (as Keras) keeps moving = momentum·moving + (1 − momentum)·batch; PyTorch's momentum is the batch's share
  const args = [pyNum(c), `eps=${pyNum(n.attrs.epsilon as number)}`, `momentum=${pyNum(Number((1 - momentum).toPrecision(12)))}`];
  if (gamma === undefined) args.push('affine=False');
  const name = t.module(n, `nn.BatchNorm${n.type.shape.length === 4 ? '2d' : '1d'}(${args.join(', ')})`);
  if (gamma !== undefined) {
    t.weight(`${name}.weight`, [c], n.inputs[gamma]!);
    t.weight(`${name}.bias`, [c], n.inputs[beta!]!);
  }
  t.weight(`${name}.running_mean`, [c], n.inputs[1]!);
  t.weight(`${name}.running_var`, [c], n.inputs[2]!);
  t.assign(n, activated(n, `self.${name}(${t.in(n, 0)})`));
}

function subsample(t: TorchModule, n: Node): void {
  t.helpers.add('Subsample');
  const c = t.node(n.inputs[1]!).type.shape[0] as number;
  const name = t.module(n, `Subsample(${c}, ${pair(nums(n.attrs.pool))}, ${pair(nums(n.attrs.stride))})`);
  t.initialize(`self.${name}.coef`, n.inputs[1]!);
  t.initialize(`self.${name}.bias`, n.inputs[2]!);
  t.weight(`${name}.coef`, [c], n.inputs[1]!);
  t.weight(`${name}.bias`, [c], n.inputs[2]!);
  t.assign(n, activated(n, `self.${name}(${t.in(n, 0)})`));
}

function rbf(t: TorchModule, n: Node): void {
  t.helpers.add('RBF');
  const w = t.node(n.inputs[1]!);
  const [, k] = w.type.shape as [number, number];
  const values = w.attrs.values as readonly number[];
  const rows = Array.from({ length: values.length / k }, (_, u) => `[${values.slice(u * k, (u + 1) * k).map(pyNum).join(', ')}]`);
  // fixed prototypes (a buffer, not trained): written here, so that the program needs no file for them
  const name = t.module(n, `RBF([\n    ${rows.join(',\n    ')},\n])`);
  t.assign(n, `self.${name}(${t.in(n, 0)})`);
}

function pool(max: boolean) {
  return (t: TorchModule, n: Node) => {
    const k = pair(nums(n.attrs.pool));
    const s = pair(nums(n.attrs.stride));
    const p = nums(n.attrs.padding ?? [0, 0, 0, 0]);
    const x = t.in(n, 0);
    const fits = even(p) && p[0]! * 2 <= nums(n.attrs.pool)[0]! && p[2]! * 2 <= nums(n.attrs.pool)[1]!;
    const padArg = zero(p) ? '' : `, ${pair([p[0]!, p[2]!])}`;
    if (max) t.assign(n, fits ? `F.max_pool2d(${x}, ${k}, ${s}${padArg})` : `F.max_pool2d(F.pad(${x}, ${fpad(p)}, value=-math.inf), ${k}, ${s})`);
    else if (zero(p)) t.assign(n, `F.avg_pool2d(${x}, ${k}, ${s})`);
    // netc's average divides by the window's real pixels only
    else if (fits) t.assign(n, `F.avg_pool2d(${x}, ${k}, ${s}${padArg}, count_include_pad=False)`);
    else {
      t.helpers.add('average_pool');
      t.assign(n, `average_pool(${x}, ${k}, ${s}, ${fpad(p)})`);
    }
  };
}

function flatten(t: TorchModule, n: Node): void {
  const order = flattenOrder(t.graph, n);
  if (order.kind === 'flat') t.alias(n, t.in(n, 0));
  // dense layers read it in NCHW's (c, h, w) order, their weights' rows permuted to match
  else if (order.kind === 'chw') t.assign(n, `${t.in(n, 0)}.flatten(1)`);
  else t.assign(n, `${t.in(n, 0)}.permute(0, 2, 3, 1).flatten(1)  # netc's (h, w, c) order`);
}

function affine(t: TorchModule, n: Node): void {
  const { scale, shift } = n.attrs as { scale: number; shift: number };
  let expr = t.in(n, 0);
  if (scale === -1) expr = `-${expr}`;
  else if (scale !== 1) expr = `${expr} * ${pyNum(scale)}`;
  if (shift !== 0) expr = `${expr} ${shift < 0 ? '-' : '+'} ${pyNum(Math.abs(shift))}`;
  if (expr === t.in(n, 0)) t.alias(n, expr);
  else t.assign(n, expr);
}

const rank = (n: Node) => n.type.shape.length;
const unary = (fn: string) => (t: TorchModule, n: Node) => t.assign(n, activationExpr(fn, n.attrs.alpha, t.in(n, 0)));
const inputs = (t: TorchModule, n: Node) => n.inputs.map((_, i) => t.in(n, i));

/** One transform per IR op of an inference graph. */
export const TO_TORCH: Readonly<Record<string, (t: TorchModule, n: Node) => void>> = {
  param: () => {},
  conv2d: (t, n) => conv(t, n, false),
  depthwise_conv2d: (t, n) => conv(t, n, true),
  dense,
  batchnorm,
  maxpool2d: pool(true),
  avgpool2d: pool(false),
  global_avgpool2d: (t, n) => t.assign(n, `${t.in(n, 0)}.mean((2, 3))`),
  global_maxpool2d: (t, n) => t.assign(n, `${t.in(n, 0)}.amax((2, 3))`),
  flatten,
  subsample,
  rbf,
  affine,
  pad: (t, n) => t.assign(n, `F.pad(${t.in(n, 0)}, ${fpad(nums(n.attrs.padding))})`),
  add: (t, n) => t.assign(n, inputs(t, n).join(' + ')),
  mul: (t, n) => t.assign(n, inputs(t, n).join(' * ')),
  // channels: axis 1 of an NCHW image, the last of a flat value
  concat: (t, n) => t.assign(n, `torch.cat([${inputs(t, n).join(', ')}], ${rank(n) === 4 ? 1 : -1})`),
  dropout: (t, n) => t.assign(n, `self.${t.module(n, `nn.Dropout(${pyNum(n.attrs.rate as number)})`)}(${t.in(n, 0)})`),
  ...Object.fromEntries(['linear', 'relu', 'tanh', 'sigmoid', 'softplus', 'leaky_relu', 'elu', 'scaled_tanh', 'swish', 'gelu', 'softmax'].map((fn) => [fn, unary(fn)])),
};

/** The IR ops netc writes as PyTorch; a test holds the registry's inference ops to it. */
export const PYTORCH_EXPORTABLE_OPS: readonly string[] = ['input', ...Object.keys(TO_TORCH)];
