/**
 * What `augment` costs a training step of the tutorial's LeNet-5 (batch 128): rounds of steps
 * with plain batches and with distorted ones alternate in one process, on one model, so that a
 * machine whose load changes slows both alike; prints the median time of a step (gathering the
 * batch included) each way and their ratio, in wall time and in the process's CPU time (which a
 * busy machine inflates less: with --threads 1 it is the one thread's work). The steps are the
 * training loop's: the batch gathered (with each image's warp when augmenting), then the model's
 * computeGradients, which distorts in the backend's affineWarp kernel, and its update.
 *
 *   npx tsx scripts/bench/augment.ts [--rounds 20] [--steps 25] [--threads 2] [--backend native|fast|reference]
 *
 * The distortion is `{shift: 2, rotate: 10, scale: 0.1}`; what it costs does not depend on its
 * sizes (every pixel is sampled either way), only on the image size.
 */
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { createModel } from '../../generated/lenet5.js';
import { Augmenter } from '../../src/runtime/data/augment.js';
import { Batcher, loadDataset } from '../../src/runtime/data/dataset.js';
import { datasetFiles, type DatasetFiles } from '../../src/runtime/data/datasets.js';
import { defaultThreads } from '../../src/runtime/backend.js';

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '20' }, steps: { type: 'string', default: '25' }, threads: { type: 'string' }, backend: { type: 'string' } } });
const rounds = Number(values.rounds);
const steps = Number(values.steps);
const threads = values.threads ? Number(values.threads) : defaultThreads();
const BATCH = 128;
const loadBefore = loadavg().map((l) => l.toFixed(2)).join(' ');

const data = loadDataset(datasetFiles('mnist', '.') as DatasetFiles, 10);
const order = Uint32Array.from({ length: data.train.count }, (_, i) => i);
const batcher = new Batcher(data.train, BATCH);
const augmenter = new Augmenter({ shift: 2, rotate: 10, scale: 0.1 }, data.imageShape, 1);
const model = createModel({ seed: 1, threads, ...(values.backend ? { backend: values.backend } : {}) });

let at = 0;
/** The median over a round's steps would hide a slow gather; the mean of the round is what a step costs. */
function round(augment: boolean): { wall: number; cpu: number } {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  for (let s = 0; s < steps; s++) {
    const start = (at++ * BATCH) % (data.train.count - BATCH);
    const n = batcher.gather(order, start, BATCH, augment ? augmenter : undefined, 0);
    model.computeGradients(batcher.images, batcher.labels, n, augment ? batcher.warps : undefined);
    model.applyUpdate();
  }
  const c = process.cpuUsage(c0);
  return { wall: (performance.now() - t0) / steps, cpu: (c.user + c.system) / 1000 / steps };
}

round(false); // warm-up: the JIT and the kernels' first calls
round(true);
const plain: { wall: number; cpu: number }[] = [];
const distorted: { wall: number; cpu: number }[] = [];
for (let r = 0; r < rounds; r++) {
  // which goes first alternates too
  if (r % 2 === 0) {
    plain.push(round(false));
    distorted.push(round(true));
  } else {
    distorted.push(round(true));
    plain.push(round(false));
  }
}
model.close();

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const pct = (x: number) => `${((x - 1) * 100).toFixed(1)}%`;
let text = `LeNet-5, batch ${BATCH}, ${model.backend.name} backend, ${threads} thread(s), ${rounds} rounds of ${steps} steps each way (load average before: ${loadBefore})\n`;
for (const clock of ['wall', 'cpu'] as const) {
  const p = median(plain.map((r) => r[clock]));
  const d = median(distorted.map((r) => r[clock]));
  const own = median(plain.map((r, i) => distorted[i]![clock] / r[clock]));
  text += `${clock === 'wall' ? 'wall time' : 'CPU time '}: a step ${p.toFixed(3)} ms without augment, ${d.toFixed(3)} ms with: +${pct(d / p)} (median of the rounds' own ratios: +${pct(own)})\n`;
}
process.stdout.write(text);
