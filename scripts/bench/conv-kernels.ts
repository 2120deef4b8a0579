/**
 * A micro-benchmark of the native convolution kernels (forward, input gradient, filter gradient)
 * on a table of shapes: the layers of the benchmark networks and their neighbours (other widths,
 * kernels 1/3/5/7, stride 2, batch 1 and 512), printing GFLOP/s (2 flops per multiply-add) per
 * kernel and shape, so that a change shows what it does to shapes it was not tuned for.
 *
 * Several addon builds can be compared in one process: pass --addon once per build (for example a
 * copy of dist/netc-native.node built from the starting commit); the builds alternate within each
 * round and the medians over rounds are printed side by side with their ratio to the first.
 *
 *   npx tsx scripts/bench/conv-kernels.ts [--threads 2] [--rounds 5] [--clock wall|cpu] [--addon A.node --addon B.node] [--only vgg]
 */
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { NativeAddon } from '../../src/runtime/kernels/native/addon.js';
import { nativeKernels } from '../../src/runtime/kernels/native/index.js';
import { packageFile } from '../../src/runtime/package-root.js';
import type { Kernels } from '../../src/runtime/kernels/types.js';

const { values } = parseArgs({
  options: {
    threads: { type: 'string', default: '2' },
    rounds: { type: 'string', default: '5' },
    addon: { type: 'string', multiple: true },
    only: { type: 'string' },
    seconds: { type: 'string', default: '0.05' },
    clock: { type: 'string', default: 'wall' },
  },
});

interface Shape {
  readonly name: string;
  readonly n: number;
  readonly H: number;
  readonly W: number;
  readonly C: number;
  readonly F: number;
  readonly K: number;
  readonly S: number;
  readonly P: number;
}

const shape = (name: string, n: number, H: number, W: number, C: number, F: number, K: number, S: number, P: number): Shape =>
  ({ name, n, H, W, C, F, K, S, P });

const SHAPES: Shape[] = [
  shape('lenet5 c1', 128, 28, 28, 1, 6, 5, 1, 0),
  shape('lenet5 c3', 128, 12, 12, 6, 16, 5, 1, 0),
  shape('same c1', 128, 28, 28, 1, 6, 5, 1, 2),
  shape('same c3', 128, 14, 14, 6, 16, 5, 1, 0),
  shape('wide c1', 128, 28, 28, 1, 16, 5, 1, 2),
  shape('wide c3', 128, 14, 14, 16, 32, 5, 1, 0),
  shape('incep b3', 64, 28, 28, 1, 8, 3, 1, 1),
  shape('incep b5', 64, 28, 28, 1, 8, 5, 1, 2),
  shape('incep r1', 64, 14, 14, 16, 16, 3, 1, 1),
  shape('1998 c1', 32, 32, 32, 1, 6, 5, 1, 0),
  shape('1998 c5', 32, 5, 5, 16, 120, 5, 1, 0),
  shape('vgg c1', 64, 28, 28, 1, 16, 3, 1, 1),
  shape('vgg c2', 64, 28, 28, 16, 16, 3, 1, 1),
  shape('vgg c3', 64, 14, 14, 16, 32, 3, 1, 1),
  shape('vgg c4', 64, 14, 14, 32, 32, 3, 1, 1),
  shape('vgg c5', 64, 7, 7, 32, 64, 3, 1, 1),
  // neighbours
  shape('rgb 3→32 3×3', 64, 28, 28, 3, 32, 3, 1, 1),
  shape('8→24 7×7', 32, 28, 28, 8, 24, 7, 1, 3),
  shape('16→32 3×3 s2', 64, 28, 28, 16, 32, 3, 2, 1),
  shape('32→32 5×5', 64, 14, 14, 32, 32, 5, 1, 2),
  shape('32→64 1×1', 64, 14, 14, 32, 64, 1, 1, 0),
  shape('64→64 3×3', 64, 14, 14, 64, 64, 3, 1, 1),
  shape('128→128 3×3', 32, 14, 14, 128, 128, 3, 1, 1),
  shape('256→256 3×3', 16, 7, 7, 256, 256, 3, 1, 1),
  shape('3→32 7×7 s2', 32, 32, 32, 3, 32, 7, 2, 3),
  shape('batch 1 16→16', 1, 28, 28, 16, 16, 3, 1, 1),
  shape('batch 512 c3', 512, 14, 14, 6, 16, 5, 1, 0),
  shape('24→40 3×3 odd', 48, 13, 13, 24, 40, 3, 1, 1),
];

const KINDS = ['forward', 'gradInput', 'gradFilter'] as const;
type Kind = (typeof KINDS)[number];

const threads = Number(values.threads);
const rounds = Number(values.rounds);
const minSeconds = Number(values.seconds);
const addons = (values.addon?.length ? values.addon : [packageFile('dist', 'netc-native.node')]).map((f) => resolve(f));
const shapes = SHAPES.filter((s) => !values.only || s.name.includes(values.only));
const FLOATS = 1 << 23;

interface Build {
  readonly file: string;
  readonly kernels: Kernels;
  readonly arena: Float32Array;
}

const require = createRequire(import.meta.url);
const builds: Build[] = addons.map((file) => {
  const addon = require(file) as NativeAddon;
  const ctx = addon.create(FLOATS, threads);
  return { file, kernels: nativeKernels(addon, ctx.id, ctx.args), arena: new Float32Array(ctx.arena, 0, FLOATS) };
});
for (const b of builds) for (let i = 0; i < FLOATS; i++) b.arena[i] = ((i * 7919) % 2003) / 1001.5 - 1;

const geometry = (s: Shape) => {
  const OH = Math.floor((s.H + 2 * s.P - s.K) / s.S) + 1, OW = Math.floor((s.W + 2 * s.P - s.K) / s.S) + 1;
  const sizes = { x: s.n * s.H * s.W * s.C, w: s.K * s.K * s.C * s.F, z: s.n * OH * OW * s.F };
  const x = 0, w = x + sizes.x + 16, b = w + sizes.w + 16, z = b + s.F + 16, dx = z + sizes.z + 16, dw = dx + sizes.x + 16;
  if (dw + sizes.w > FLOATS) throw new Error(`${s.name} does not fit the arena`);
  const g = [s.n, s.H, s.W, s.C, OH, OW, s.F, s.K, s.K, s.S, s.S, s.P, s.P] as const;
  return { g, x, w, b, z, dx, dw, flops: 2 * s.n * OH * OW * s.K * s.K * s.C * s.F };
};

function call(k: Kernels, s: Shape, kind: Kind): void {
  const { g, x, w, b, z, dx, dw } = geometry(s);
  if (kind === 'forward') k.conv2d(x, w, b, z, ...g, 0, 0);
  else if (kind === 'gradInput') k.conv2dGradInput(z, w, dx, ...g);
  else k.conv2dGradFilter(x, z, dw, ...g);
}

/**
 * Seconds per call: calls repeated until minSeconds have passed, by the wall clock or (--clock cpu)
 * by the CPU time of the whole process, which a busy machine disturbs less: with one thread it is
 * the kernel's own time (with more, it counts the workers' brief spinning too).
 */
const now = values.clock === 'cpu' ? () => { const u = process.cpuUsage(); return (u.user + u.system) / 1e6; } : () => Number(process.hrtime.bigint()) / 1e9;
function time(k: Kernels, s: Shape, kind: Kind): number {
  call(k, s, kind);
  let calls = 0;
  const start = now();
  let elapsed = 0;
  while (elapsed < minSeconds || calls < 3) {
    call(k, s, kind);
    calls++;
    elapsed = now() - start;
  }
  return elapsed / calls;
}

const median = (a: number[]) => [...a].sort((p, q) => p - q)[Math.floor(a.length / 2)]!;

console.log(`conv kernels, ${threads} thread(s), ${rounds} rounds, GFLOP/s by ${values.clock} time (median)`);
builds.forEach((b, i) => console.log(`  [${i}] ${b.file}`));
const header = ['shape'.padEnd(16), 'n H W C→F K/S/P'.padEnd(26), ...KINDS.flatMap((kind) => builds.map((_, i) => `${kind}[${i}]`.padStart(14)))];
console.log(header.join(''));
for (const s of shapes) {
  const { flops } = geometry(s);
  const cells: string[] = [];
  for (const kind of KINDS) {
    const seconds: number[][] = builds.map(() => []);
    for (let r = 0; r < rounds; r++) builds.forEach((b, i) => seconds[i]!.push(time(b.kernels, s, kind)));
    const gflops = seconds.map((t) => flops / median(t) / 1e9);
    gflops.forEach((v, i) => cells.push((i === 0 ? v.toFixed(1) : `${v.toFixed(1)} ${(v / gflops[0]!).toFixed(2)}×`).padStart(14)));
  }
  const dims = `${s.n} ${s.H}×${s.W} ${s.C}→${s.F} ${s.K}/${s.S}/${s.P}`;
  console.log([s.name.padEnd(16), dims.padEnd(26), ...cells].join(''));
}
