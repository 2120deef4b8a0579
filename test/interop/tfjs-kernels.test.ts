/**
 * The tfjs backend's kernels against the reference kernels, one call at a time, on the
 * pure-JavaScript TensorFlow.js (what runs where tfjs-node is not installed). Each case fills an
 * arena with seeded random numbers, runs the kernel on two copies — reference and tfjs — and
 * compares the whole arena, so a kernel that writes outside its output is caught too.
 * Geometries cover what the IR gives: padding before and after, strides that leave the last
 * rows unread, overlapping pool windows, windows that hang over the border.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { referenceKernels } from '../../src/runtime/kernels/reference/index.js';
import { prepareTfjsBackend } from '../../src/runtime/kernels/tfjs/engine.js';
import { TF_KERNELS, tfjsKernels } from '../../src/runtime/kernels/tfjs/index.js';
import { Act, type Kernels } from '../../src/runtime/kernels/types.js';
import { Random } from '../../src/runtime/random.js';
import { testWarps } from '../helpers/warps.js';
import type { Tf } from '../../src/runtime/kernels/tfjs/engine.js';

/** A window's geometry the way lowering computes it: TensorFlow's rules. */
function window(H: number, K: number, S: number, padding: 'valid' | 'same' | number): { out: number; before: number; after: number } {
  if (padding === 'same') {
    const out = Math.ceil(H / S);
    const total = Math.max((out - 1) * S + K - H, 0);
    return { out, before: Math.floor(total / 2), after: total - Math.floor(total / 2) };
  }
  const p = padding === 'valid' ? 0 : padding;
  return { out: Math.floor((H + 2 * p - K) / S) + 1, before: p, after: p };
}

/** leaky_relu's and elu's alpha in every case (the other functions ignore it); the functions whose gradient reads x */
const ALPHA = 0.2;
const FROM_INPUT: readonly number[] = [Act.gelu, Act.swish];

interface Case {
  readonly name: string;
  /** tensor name → element count; laid out one after another in the arena */
  readonly tensors: Record<string, number>;
  /** tensors that must hold probabilities (in (0, 1)) or one-hot rows of `classes` */
  readonly probabilities?: readonly string[];
  readonly oneHot?: { readonly name: string; readonly classes: number };
  /** positive values (Adam's second moments) */
  readonly positive?: readonly string[];
  /** tensors with given values (the affine warps) */
  readonly values?: Readonly<Record<string, Float32Array>>;
  readonly call: (k: Kernels, at: Record<string, number>) => void;
}

type Geometry = { n: number; H: number; W: number; C: number; F: number; KH: number; KW: number; SH: number; SW: number; padding: 'valid' | 'same' | number };

const CONV: Geometry[] = [
  { n: 2, H: 7, W: 6, C: 3, F: 4, KH: 3, KW: 2, SH: 1, SW: 2, padding: 'valid' },
  { n: 1, H: 6, W: 5, C: 2, F: 3, KH: 3, KW: 3, SH: 2, SW: 2, padding: 'same' },
  { n: 2, H: 8, W: 8, C: 1, F: 2, KH: 3, KW: 3, SH: 2, SW: 3, padding: 'valid' }, // last rows and columns unread
  { n: 1, H: 5, W: 4, C: 2, F: 2, KH: 5, KW: 3, SH: 1, SW: 1, padding: 2 },
  { n: 3, H: 4, W: 4, C: 4, F: 5, KH: 1, KW: 1, SH: 1, SW: 1, padding: 'valid' },
];

function convCases(): Case[] {
  return CONV.flatMap((g, gi) => {
    const h = window(g.H, g.KH, g.SH, g.padding);
    const w = window(g.W, g.KW, g.SW, g.padding);
    const geo = [g.n, g.H, g.W, g.C, h.out, w.out, g.F, g.KH, g.KW, g.SH, g.SW, h.before, w.before] as const;
    const tensors = { x: g.n * g.H * g.W * g.C, w: g.KH * g.KW * g.C * g.F, b: g.F, y: g.n * h.out * w.out * g.F };
    const acts = gi === 0 ? Object.values(Act) : [gi % 2 === 0 ? Act.tanh : Act.relu];
    return [
      ...acts.map((act): Case => ({ name: `conv2d ${gi} act ${act}`, tensors, call: (k, at) => k.conv2d(at.x!, at.w!, at.b!, at.y!, ...geo, act, ALPHA) })),
      { name: `conv2dGradInput ${gi}`, tensors, call: (k, at) => k.conv2dGradInput(at.y!, at.w!, at.x!, ...geo) },
      { name: `conv2dGradFilter ${gi}`, tensors, call: (k, at) => k.conv2dGradFilter(at.x!, at.y!, at.w!, ...geo) },
    ];
  });
}

/** Dilated convolutions (taps DH rows and DW columns apart), with and without a bias. */
const DILATED: (Geometry & { DH: number; DW: number })[] = [
  { n: 2, H: 9, W: 8, C: 3, F: 4, KH: 3, KW: 3, SH: 1, SW: 1, padding: 2, DH: 2, DW: 2 },
  { n: 1, H: 10, W: 9, C: 2, F: 3, KH: 3, KW: 2, SH: 2, SW: 1, padding: 'valid', DH: 2, DW: 3 }, // stride and dilation together
  { n: 2, H: 7, W: 7, C: 1, F: 2, KH: 2, KW: 3, SH: 1, SW: 1, padding: 1, DH: 3, DW: 1 },
];

function dilatedCases(): Case[] {
  return DILATED.flatMap((g, gi) => {
    const h = window(g.H, (g.KH - 1) * g.DH + 1, g.SH, g.padding);
    const w = window(g.W, (g.KW - 1) * g.DW + 1, g.SW, g.padding);
    const geo = [g.n, g.H, g.W, g.C, h.out, w.out, g.F, g.KH, g.KW, g.SH, g.SW, h.before, w.before, g.DH, g.DW] as const;
    const tensors = { x: g.n * g.H * g.W * g.C, w: g.KH * g.KW * g.C * g.F, b: g.F, y: g.n * h.out * w.out * g.F };
    return [
      { name: `conv2dDilated ${gi}`, tensors, call: (k, at) => k.conv2dDilated(at.x!, at.w!, at.b!, at.y!, ...geo, Act.tanh) },
      { name: `conv2dDilated without a bias ${gi}`, tensors, call: (k, at) => k.conv2dDilated(at.x!, at.w!, -1, at.y!, ...geo, Act.linear) },
      { name: `conv2dDilatedGradInput ${gi}`, tensors, call: (k, at) => k.conv2dDilatedGradInput(at.y!, at.w!, at.x!, ...geo) },
      { name: `conv2dDilatedGradFilter ${gi}`, tensors, call: (k, at) => k.conv2dDilatedGradFilter(at.x!, at.y!, at.w!, ...geo) },
    ] satisfies Case[];
  });
}

/** Depthwise convolutions: F is the depth multiplier M. */
const DEPTHWISE: Geometry[] = [
  { n: 2, H: 7, W: 6, C: 3, F: 1, KH: 3, KW: 3, SH: 1, SW: 1, padding: 'same' },
  { n: 1, H: 8, W: 7, C: 2, F: 3, KH: 3, KW: 2, SH: 2, SW: 2, padding: 'valid' }, // multiplier 3, last rows unread
  { n: 2, H: 5, W: 6, C: 4, F: 2, KH: 2, KW: 2, SH: 1, SW: 1, padding: 'same' }, // padding after only
];

function depthwiseCases(): Case[] {
  return DEPTHWISE.flatMap((g, gi) => {
    const h = window(g.H, g.KH, g.SH, g.padding);
    const w = window(g.W, g.KW, g.SW, g.padding);
    const geo = [g.n, g.H, g.W, g.C, h.out, w.out, g.F, g.KH, g.KW, g.SH, g.SW, h.before, w.before] as const;
    const tensors = { x: g.n * g.H * g.W * g.C, w: g.KH * g.KW * g.C * g.F, b: g.C * g.F, y: g.n * h.out * w.out * g.C * g.F };
    return [
      { name: `depthwiseConv2d ${gi}`, tensors, call: (k, at) => k.depthwiseConv2d(at.x!, at.w!, at.b!, at.y!, ...geo, Act.relu) },
      { name: `depthwiseConv2d without a bias ${gi}`, tensors, call: (k, at) => k.depthwiseConv2d(at.x!, at.w!, -1, at.y!, ...geo, Act.elu, ALPHA) },
      { name: `depthwiseConv2dGradInput ${gi}`, tensors, call: (k, at) => k.depthwiseConv2dGradInput(at.y!, at.w!, at.x!, ...geo) },
      { name: `depthwiseConv2dGradFilter ${gi}`, tensors, call: (k, at) => k.depthwiseConv2dGradFilter(at.x!, at.y!, at.w!, ...geo) },
    ] satisfies Case[];
  });
}

/** Global pooling of n images of HW pixels and C channels. */
function globalPoolCases(): Case[] {
  return [
    [2, 12, 3],
    [1, 1, 5],
    [3, 30, 17],
  ].flatMap(([n, HW, C], gi): Case[] => {
    const tensors = { x: n! * HW! * C!, y: n! * C!, dx: n! * HW! * C! };
    return [
      { name: `globalAvgpool ${gi}`, tensors, call: (k, at) => k.globalAvgpool(at.x!, at.y!, n!, HW!, C!) },
      { name: `globalAvgpoolGrad ${gi}`, tensors, call: (k, at) => k.globalAvgpoolGrad(at.y!, at.dx!, n!, HW!, C!) },
      { name: `globalMaxpool ${gi}`, tensors, call: (k, at) => k.globalMaxpool(at.x!, at.y!, n!, HW!, C!) },
      { name: `globalMaxpoolGrad ${gi}`, tensors, call: (k, at) => k.globalMaxpoolGrad(at.x!, at.y!, at.dx!, n!, HW!, C!) },
    ];
  });
}

const POOL: Omit<Geometry, 'F'>[] = [
  { n: 2, H: 6, W: 6, C: 3, KH: 2, KW: 2, SH: 2, SW: 2, padding: 'valid' },
  { n: 1, H: 5, W: 7, C: 2, KH: 2, KW: 3, SH: 2, SW: 2, padding: 'same' }, // windows over the border
  { n: 2, H: 7, W: 7, C: 2, KH: 3, KW: 3, SH: 2, SW: 2, padding: 'valid' }, // overlapping windows
  { n: 1, H: 9, W: 8, C: 1, KH: 2, KW: 3, SH: 3, SW: 3, padding: 'valid' }, // last rows unread
  { n: 1, H: 4, W: 4, C: 3, KH: 3, KW: 3, SH: 1, SW: 1, padding: 'same' },
];

function poolCases(): Case[] {
  return POOL.flatMap((g, gi) => {
    const h = window(g.H, g.KH, g.SH, g.padding);
    const w = window(g.W, g.KW, g.SW, g.padding);
    const geo = [g.n, g.H, g.W, g.C, h.out, w.out, g.KH, g.KW, g.SH, g.SW, h.before, w.before] as const;
    const tensors = { x: g.n * g.H * g.W * g.C, y: g.n * h.out * w.out * g.C, dx: g.n * g.H * g.W * g.C };
    return [
      { name: `avgpool ${gi}`, tensors, call: (k, at) => k.avgpool(at.x!, at.y!, ...geo) },
      { name: `avgpoolGrad ${gi}`, tensors, call: (k, at) => k.avgpoolGrad(at.y!, at.dx!, ...geo) },
      // x stands for the output of the activation before the pool
      { name: `avgpoolGradActivation tanh ${gi}`, tensors, call: (k, at) => k.avgpoolGradActivation(at.y!, at.x!, at.dx!, ...geo, Act.tanh) },
      { name: `avgpoolGradActivation relu ${gi}`, tensors, call: (k, at) => k.avgpoolGradActivation(at.y!, at.x!, at.dx!, ...geo, Act.relu) },
      { name: `avgpoolGradActivation elu ${gi}`, tensors, call: (k, at) => k.avgpoolGradActivation(at.y!, at.x!, at.dx!, ...geo, Act.elu, ALPHA) },
      { name: `avgpoolGradActivation gelu ${gi}`, tensors, call: (k, at) => k.avgpoolGradActivation(at.y!, at.x!, at.dx!, ...geo, Act.gelu) },
      { name: `maxpool ${gi}`, tensors, call: (k, at) => k.maxpool(at.x!, at.y!, ...geo) },
      { name: `maxpoolGrad ${gi}`, tensors, call: (k, at) => k.maxpoolGrad(at.x!, at.y!, at.dx!, ...geo) },
    ] satisfies Case[];
  });
}

function otherCases(): Case[] {
  const [n, K, U, size, C] = [3, 7, 5, 37, 6];
  const dense = { x: n * K, w: K * U, b: U, y: n * U };
  const elementwise = { a: size, b: size, y: size };
  const rows = { p: n * C, t: n * C, out: n * C, loss: 1 };
  const opt = { p: size, g: size, m: size, v: size };
  const loss = { probabilities: ['p'], oneHot: { name: 't', classes: C } } as const;
  return [
    ...Object.values(Act).map((act): Case => ({ name: `dense act ${act}`, tensors: dense, call: (k, at) => k.dense(at.x!, at.w!, at.b!, at.y!, n, K, U, act, ALPHA) })),
    { name: 'denseGradInput', tensors: dense, call: (k, at) => k.denseGradInput(at.y!, at.w!, at.x!, n, K, U) },
    { name: 'denseGradWeight', tensors: dense, call: (k, at) => k.denseGradWeight(at.x!, at.y!, at.w!, n, K, U) },
    { name: 'biasGrad', tensors: dense, call: (k, at) => k.biasGrad(at.y!, at.b!, n, U) },
    ...Object.values(Act).flatMap((act): Case[] => [
      { name: `activation ${act}`, tensors: elementwise, call: (k, at) => k.activation(at.a!, at.y!, size, act, ALPHA) },
      ...(act === Act.linear ? [] : [{ name: `activation ${act} in place`, tensors: elementwise, call: (k: Kernels, at: Record<string, number>) => k.activation(at.a!, at.a!, size, act, ALPHA) }]),
      // the gradient is computed from the activation's output, so y must be one (gelu and swish: from a, their input)
      {
        name: `activationGrad ${act}`,
        tensors: elementwise,
        call: (k, at) => (FROM_INPUT.includes(act) || k.activation(at.a!, at.a!, size, act, ALPHA), k.activationGrad(at.a!, at.b!, at.y!, size, act, ALPHA)),
      },
    ]),
    { name: 'softmax', tensors: rows, call: (k, at) => k.softmax(at.p!, at.out!, n, C) },
    { name: 'softmaxGrad', tensors: rows, probabilities: ['p'], call: (k, at) => k.softmaxGrad(at.p!, at.t!, at.out!, n, C) },
    { name: 'add', tensors: elementwise, call: (k, at) => k.add(at.a!, at.b!, at.y!, size) },
    { name: 'add in place', tensors: elementwise, call: (k, at) => k.add(at.a!, at.b!, at.a!, size) },
    { name: 'affine', tensors: elementwise, call: (k, at) => k.affine(at.a!, at.y!, size, 1.275, -0.1) },
    { name: 'mul', tensors: elementwise, call: (k, at) => k.mul(at.a!, at.b!, at.y!, size) },
    { name: 'pad', tensors: { x: 2 * 3 * 4 * 2, y: 2 * 6 * 7 * 2 }, call: (k, at) => k.pad(at.x!, at.y!, 2, 3, 4, 2, 1, 2, 2, 1) },
    ...[[1, 5, 4, 1], [4, 7, 6, 2], [3, 28, 28, 1]].map(([n, H, W, C]): Case => ({
      name: `affineWarp ${n}×${H}×${W}×${C}`,
      tensors: { x: n! * H! * W! * C!, y: n! * H! * W! * C!, m: 6 * n! },
      values: { m: testWarps(n!, [H!, W!, C!]) },
      call: (k, at) => k.affineWarp(at.x!, at.y!, at.m!, n!, H!, W!, C!),
    })),
    { name: 'padGrad', tensors: { x: 2 * 3 * 4 * 2, y: 2 * 6 * 7 * 2 }, call: (k, at) => k.padGrad(at.y!, at.x!, 2, 3, 4, 2, 1, 2, 2, 1) },
    { name: 'crossEntropy', tensors: rows, ...loss, call: (k, at) => k.crossEntropy(at.p!, at.t!, at.loss!, n, C) },
    { name: 'crossEntropyGrad', tensors: rows, ...loss, call: (k, at) => k.crossEntropyGrad(at.p!, at.t!, at.out!, n, C) },
    { name: 'mse', tensors: rows, call: (k, at) => k.mse(at.p!, at.t!, at.loss!, n, C) },
    { name: 'mseGrad', tensors: rows, call: (k, at) => k.mseGrad(at.p!, at.t!, at.out!, n, C) },
    { name: 'softmaxCrossEntropy', tensors: rows, oneHot: loss.oneHot, call: (k, at) => k.softmaxCrossEntropy(at.p!, at.t!, at.loss!, n, C) },
    { name: 'softmaxCrossEntropyGrad', tensors: rows, oneHot: loss.oneHot, call: (k, at) => k.softmaxCrossEntropyGrad(at.p!, at.t!, at.out!, n, C) },
    ...normalizationCases(),
    { name: 'sgd', tensors: opt, call: (k, at) => k.sgd(at.p!, at.g!, size, 0.05) },
    { name: 'momentum', tensors: opt, call: (k, at) => k.momentum(at.p!, at.g!, at.m!, size, 0.05, 0.9, 0) },
    { name: 'momentum nesterov', tensors: opt, call: (k, at) => k.momentum(at.p!, at.g!, at.m!, size, 0.05, 0.9, 1) },
    { name: 'adam step 1', tensors: opt, positive: ['v'], call: (k, at) => k.adam(at.p!, at.g!, at.m!, at.v!, size, 0.001, 0.9, 0.999, 1e-7, 1) },
    { name: 'adam step 40', tensors: opt, positive: ['v'], call: (k, at) => k.adam(at.p!, at.g!, at.m!, at.v!, size, 0.01, 0.8, 0.99, 1e-3, 40) },
    { name: 'weightDecay', tensors: opt, call: (k, at) => k.weightDecay(at.p!, size, 0.01, 0.3) },
    { name: 'rmsprop', tensors: opt, positive: ['v'], call: (k, at) => k.rmsprop(at.p!, at.g!, at.v!, -1, -1, size, 0.001, 0.9, 0, 1e-7) },
    { name: 'rmsprop with momentum', tensors: opt, positive: ['v'], call: (k, at) => k.rmsprop(at.p!, at.g!, at.v!, -1, at.m!, size, 0.01, 0.8, 0.9, 1e-7) },
    // ms − mg² + ε must stay positive: ms from (0, 1) plus 1, |mg| at most 0.5
    {
      name: 'rmsprop centered, with momentum',
      tensors: { ...opt, mg: size },
      positive: ['v'],
      call: (k, at) => (k.affine(at.v!, at.v!, size, 1, 1), k.affine(at.mg!, at.mg!, size, 0.5, 0), k.rmsprop(at.p!, at.g!, at.v!, at.mg!, at.m!, size, 0.01, 0.9, 0.5, 1e-6)),
    },
    { name: 'l2Penalty', tensors: rows, call: (k, at) => k.l2Penalty(at.p!, at.loss!, n * C, 0.0005) },
  ];
}

/** Batch normalization over [rows, C]; variances positive, γ or β at −1 where absent. */
function normalizationCases(): Case[] {
  const [rows, C] = [3 * 4 * 5, 6];
  const norm = { x: rows * C, dz: rows * C, y: rows * C, mean: C, v: C, g: C, b: C, ds: C, db: C, w: 9 * C };
  const at = (a: Record<string, number>) => [a.x!, a.mean!, a.v!] as const;
  return [
    { name: 'channelMean', tensors: norm, call: (k, a) => k.channelMean(a.x!, a.mean!, rows, C) },
    { name: 'channelVariance', tensors: norm, call: (k, a) => k.channelVariance(a.x!, a.mean!, a.v!, rows, C) },
    ...[Act.linear, Act.relu].map((act): Case => ({ name: `batchnorm act ${act}`, tensors: norm, positive: ['v'], call: (k, a) => k.batchnorm(...at(a), a.g!, a.b!, a.y!, rows, C, 0.001, act) })),
    { name: 'batchnorm without γ and β', tensors: norm, positive: ['v'], call: (k, a) => k.batchnorm(...at(a), -1, -1, a.y!, rows, C, 0.01, Act.tanh) },
    { name: 'batchnormGradScale', tensors: norm, positive: ['v'], call: (k, a) => k.batchnormGradScale(...at(a), a.dz!, a.ds!, rows, C, 0.001) },
    { name: 'batchnormGradInput', tensors: norm, positive: ['v'], call: (k, a) => k.batchnormGradInput(...at(a), a.g!, a.dz!, a.ds!, a.db!, a.y!, rows, C, 0.001) },
    { name: 'batchnormGradInput without γ', tensors: norm, positive: ['v'], call: (k, a) => k.batchnormGradInput(...at(a), -1, a.dz!, a.ds!, a.db!, a.y!, rows, C, 0.001) },
    { name: 'batchnormFoldWeights', tensors: norm, positive: ['v'], call: (k, a) => k.batchnormFoldWeights(a.w!, a.v!, a.g!, a.y!, 9, C, 0.001) },
    { name: 'batchnormFoldWeights without γ', tensors: norm, positive: ['v'], call: (k, a) => k.batchnormFoldWeights(a.w!, a.v!, -1, a.y!, 9, C, 0.001) },
    { name: 'batchnormFoldBias', tensors: norm, positive: ['v'], call: (k, a) => k.batchnormFoldBias(a.b!, a.mean!, a.v!, a.g!, a.db!, a.ds!, C, 0.001) },
    { name: 'batchnormFoldBias without γ and β', tensors: norm, positive: ['v'], call: (k, a) => k.batchnormFoldBias(a.b!, a.mean!, a.v!, -1, -1, a.ds!, C, 0.001) },
    { name: 'batchnormFoldBias of a layer without bias', tensors: norm, positive: ['v'], call: (k, a) => k.batchnormFoldBias(-1, a.mean!, a.v!, a.g!, a.db!, a.ds!, C, 0.001) },
  ];
}

const CASES = [...convCases(), ...dilatedCases(), ...depthwiseCases(), ...poolCases(), ...globalPoolCases(), ...otherCases()];

/** The arena before the call, then after it on the reference kernels and on the tfjs ones. */
function run(tf: Tf, c: Case, seed: number): [Float32Array, Float32Array, Float32Array] {
  const at: Record<string, number> = {};
  let floats = 3; // a margin before the first tensor
  for (const [name, count] of Object.entries(c.tensors)) {
    at[name] = floats;
    floats += count + 3;
  }
  const arena = new Float32Array(floats);
  const rng = new Random(seed);
  for (let i = 0; i < floats; i++) arena[i] = 2 * rng.next() - 1;
  for (const p of c.probabilities ?? []) for (let i = 0; i < c.tensors[p]!; i++) arena[at[p]! + i] = 0.02 + 0.96 * rng.next();
  for (const p of c.positive ?? []) for (let i = 0; i < c.tensors[p]!; i++) arena[at[p]! + i] = Math.abs(arena[at[p]! + i]!);
  for (const [name, v] of Object.entries(c.values ?? {})) arena.set(v, at[name]!);
  if (c.oneHot) {
    const { name, classes } = c.oneHot;
    for (let r = 0; r < c.tensors[name]! / classes; r++) {
      for (let j = 0; j < classes; j++) arena[at[name]! + r * classes + j] = j === (r * 7 + 3) % classes ? 1 : 0;
    }
  }
  const reference = arena.slice();
  const viaTf = arena.slice();
  c.call(referenceKernels(reference), at);
  c.call(tfjsKernels(tf, viaTf), at);
  return [arena, reference, viaTf];
}

describe('the tfjs kernels (pure-JavaScript TensorFlow.js) against the reference kernels', () => {
  let tf: Tf;
  beforeAll(async () => {
    const e = await prepareTfjsBackend();
    if ('problem' in e) throw new Error(e.problem);
    tf = e.tf;
  });

  it('covers every kernel that runs as a tf op', () => {
    const tested = new Set(CASES.map((c) => c.name.split(' ')[0]!));
    expect(TF_KERNELS.filter((k) => !tested.has(k))).toEqual([]);
  });

  it.each(CASES.map((c, i) => [c.name, c, i] as const))('%s', (_name, c, i) => {
    const [before, want, got] = run(tf, c, 1000 + i);
    expect(want.some((v, j) => v !== before[j]), 'the case computes something').toBe(true);
    let worst = 0;
    for (let j = 0; j < want.length; j++) {
      const err = Math.abs(got[j]! - want[j]!) / (1e-5 + 1e-4 * Math.abs(want[j]!));
      if (!(err <= 1)) expect.fail(`element ${j}: tfjs ${got[j]}, reference ${want[j]}`);
      worst = Math.max(worst, err);
    }
    expect(worst).toBeLessThanOrEqual(1);
    expect(tf.memory().numTensors).toBe(0); // every kernel disposes what it makes
  });
});
