/**
 * `npm run bench`: the suite of variants against PyTorch (./sides.ts). For each network, netc
 * (its default backend and threads) and PyTorch (as many threads as cores) alternate, and so
 * does the order of the networks, over several rounds, because this machine's speed drifts;
 * the medians give the ratios per network and their geometric mean, for training and inference,
 * with each side's peak memory. Then the busy-machine check: LeNet-5 with netc's default threads
 * against --threads 1 while one competing busy process runs, alternating too. The load average
 * is printed before and after: figures from a loaded machine are not comparable with others.
 *
 *   npm run bench                                  # 3 rounds
 *   npm run bench -- --rounds 5 --write docs/BENCHMARKS.md   # append the tables to the file
 *   npm run bench -- --quick                       # a tenth of the steps, 1 round: a smoke test
 */
import { appendFileSync, mkdtempSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { competitor, exportProgram, netcSide, torchSide, torchVersion, type Measure } from './sides.js';

const here = dirname(fileURLToPath(import.meta.url));
const inDist = here.includes(join('dist', 'scripts'));
const root = join(here, '..', '..', ...(inDist ? ['..'] : []));
const scripts = join(root, 'scripts', 'bench'); // torch_bench.py is not compiled
const { values } = parseArgs({ options: { rounds: { type: 'string' }, write: { type: 'string' }, quick: { type: 'boolean' } } });
const quick = values.quick === true;
const rounds = Number(values.rounds ?? (quick ? 1 : 3));
const cores = availableParallelism();

/** The suite, with timed steps per side chosen for about two seconds of training on a quiet machine. */
const SUITE: readonly { spec: string; steps: number }[] = [
  { spec: 'specs/lenet5.yaml', steps: 300 },
  { spec: 'specs/lenet5-wide.yaml', steps: 60 },
  { spec: 'specs/inception-mini.yaml', steps: 100 },
  { spec: 'specs/lenet5-1998.yaml', steps: 300 },
  { spec: 'specs/vgg-mini.yaml', steps: 30 },
];
const stepsOf = (s: (typeof SUITE)[number]) => (quick ? Math.max(3, Math.round(s.steps / 10)) : s.steps);

const version = torchVersion();
const load = () => loadavg().map((x) => x.toFixed(2)).join(', ');
const loadBefore = load();
const dir = mkdtempSync(join(tmpdir(), 'netc-bench-'));
const programs = new Map(SUITE.map((s) => [s.spec, exportProgram(root, s.spec, dir)]));
const results = new Map(SUITE.map((s) => [s.spec, { netc: [] as Measure[], torch: [] as Measure[] }]));
const log = (line: string) => process.stderr.write(line + '\n');
const fmt = (m: Measure) => `train ${Math.round(m.train)} img/s, infer ${Math.round(m.infer)} img/s, peak ${Math.round(m.peakMiB)} MiB`;

for (let r = 0; r < rounds; r++) {
  const order = r % 2 === 0 ? SUITE : [...SUITE].reverse();
  for (const s of order) {
    const sides = [
      () => results.get(s.spec)!.netc.push(netcSide(root, s.spec, stepsOf(s))),
      ...(version ? [() => results.get(s.spec)!.torch.push(torchSide(scripts, programs.get(s.spec)!, stepsOf(s), cores))] : []),
    ];
    for (const side of r % 2 === 0 ? sides : [...sides].reverse()) side();
    const got = results.get(s.spec)!;
    log(`round ${r + 1}/${rounds} ${s.spec}: netc ${fmt(got.netc[r]!)}${version ? `; PyTorch ${fmt(got.torch[r]!)}` : ''}  (load ${load()})`);
  }
}

// The busy-machine check: one competitor; default threads and one thread alternate.
const lenet = SUITE[0]!;
const loaded = { all: [] as Measure[], one: [] as Measure[] };
const busy = competitor();
try {
  for (let r = 0; r < rounds; r++) {
    const sides = [() => loaded.all.push(netcSide(root, lenet.spec, stepsOf(lenet))), () => loaded.one.push(netcSide(root, lenet.spec, stepsOf(lenet), ['--threads', '1']))];
    for (const side of r % 2 === 0 ? sides : [...sides].reverse()) side();
    log(`busy round ${r + 1}/${rounds}: default threads (${loaded.all[r]!.threads}) ${Math.round(loaded.all[r]!.train)} img/s, 1 thread ${Math.round(loaded.one[r]!.train)} img/s  (load ${load()})`);
  }
} finally {
  busy.kill();
}
const loadAfter = load();

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const num = (n: number) => Math.round(n).toLocaleString('en-US');
const ratio = (a: number, b: number) => (Number.isFinite(b) && b > 0 ? `${(a / b).toFixed(2)}×` : '—');
const geomean = (xs: number[]) => Math.exp(xs.reduce((a, x) => a + Math.log(x), 0) / xs.length);
const trainRatios: number[] = [];
const inferRatios: number[] = [];
const rows = SUITE.map((s) => {
  const { netc, torch } = results.get(s.spec)!;
  const m = (xs: Measure[], k: 'train' | 'infer' | 'peakMiB') => (xs.length ? median(xs.map((x) => x[k])) : NaN);
  const [nt, ni, tt, ti] = [m(netc, 'train'), m(netc, 'infer'), m(torch, 'train'), m(torch, 'infer')];
  if (torch.length) {
    trainRatios.push(nt / tt);
    inferRatios.push(ni / ti);
  }
  const peak = (xs: Measure[]) => (xs.length ? num(Math.max(...xs.map((x) => x.peakMiB))) : '—');
  return `| ${s.spec} | ${stepsOf(s)} | ${num(nt)} | ${torch.length ? num(tt) : '—'} | ${ratio(nt, tt)} | ${num(ni)} | ${torch.length ? num(ti) : '—'} | ${ratio(ni, ti)} | ${peak(netc)} | ${peak(torch)} |`;
});
const gm = (xs: number[]) => (xs.length ? `${geomean(xs).toFixed(2)}×` : '—');
const all = median(loaded.all.map((x) => x.train));
const one = median(loaded.one.map((x) => x.train));
// what the default chose in each round: where it is one thread, the check compares one thread with one
const chosen = [...new Set(loaded.all.map((x) => x.threads))].sort();
const choice = chosen.length === 1 ? `${chosen[0]} thread${chosen[0] === 1 ? '' : 's'} in every round` : `${chosen.join(' or ')} threads by round`;
const machine = `${cpus()[0]?.model.trim() ?? 'unknown CPU'}, ${cores} cores, Node ${process.version}, PyTorch ${version ?? 'not installed'} (${cores} threads)`;
const text = `
### Variants against PyTorch: \`npm run bench${rounds !== 3 || quick ? ` --${quick ? ' --quick' : ''}${values.rounds ? ` --rounds ${rounds}` : ''}` : ''}\`, ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC

Machine: ${machine}. Load average (1, 5, 15 min) before: ${loadBefore}; after: ${loadAfter}.
Medians of ${rounds} round${rounds === 1 ? '' : 's'}, sides and networks alternating; synthetic data; netc's default backend and threads.

| network | steps | netc train img/s | PyTorch | ratio | netc infer img/s | PyTorch | ratio | netc peak MiB | PyTorch peak MiB |
| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |
${rows.join('\n')}
| geometric mean | | | | ${gm(trainRatios)} | | | ${gm(inferRatios)} | | |

With one competing busy process (\`node -e 'for(;;){}'\`), LeNet-5 trains at ${num(all)} img/s on netc's default threads (the cores idle at its start: ${choice}) and ${num(one)} img/s on one: ${ratio(all, one)}.
`;
process.stdout.write(text);
if (values.write) {
  appendFileSync(values.write, text);
  process.stdout.write(`\nappended to ${values.write}\n`);
}
