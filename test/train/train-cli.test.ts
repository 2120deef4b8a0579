/**
 * `netc train`, `eval` and `predict` as a user runs them, on small subsets of MNIST: resumed
 * runs end exactly where uninterrupted ones do, the same seed gives the same bits, Ctrl-C leaves
 * a checkpoint to resume from, and bad data, a diverging loss or an unwritable folder end in a
 * diagnostic.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pngjs from 'pngjs';
import { describe, expect, it } from 'vitest';
import { readCheckpoint } from '../../src/runtime/checkpoint.js';
import { loadDataset } from '../../src/runtime/data/dataset.js';
import { datasetFiles, type DatasetFiles } from '../../src/runtime/data/datasets.js';
import { runCli } from '../helpers/cli.js';
import { slowDescribe, slowIt } from '../helpers/scale.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'netc-train-'));
const params = (dir: string) => readCheckpoint(join(dir, 'checkpoint.netc')).params;
const metrics = (dir: string) => JSON.parse(readFileSync(join(dir, 'metrics.json'), 'utf8'));
/** metrics without the timings, which differ from run to run */
const figures = (dir: string) => metrics(dir).epochs.map(({ seconds: _s, images_per_s: _r, ...rest }: Record<string, number>) => rest);

describe('netc train', () => {
  const base = ['train', 'specs/lenet5.yaml', '--limit', '600', '--batch-size', '100', '--seed', '3', '--no-progress'];
  const straight = tmp();
  const again = tmp();
  const resumed = tmp();

  it('trains, writes the run folder and reports per epoch and at the end', async () => {
    const r = await runCli([...base, '--epochs', '2', '--out', straight]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    // the native backend where it was built (it is, where a C++ compiler is: test/runtime/native-build.test.ts), else fast
    expect(r.stdout).toMatch(/^training lenet5 \(44,426 parameters\) on mnist: 600 images, 2 epochs of 6 batches of 100; (native|fast) backend, \d+ threads?$/m);
    expect(r.stdout).toMatch(/^epoch 1\/2  loss \d\.\d{4}  accuracy \d+\.\d\d%  val_loss \d\.\d{4}  val_accuracy \d+\.\d\d%  \d+\.\d s  [\d,]+ img\/s$/m);
    expect(r.stdout).toMatch(/^test loss \d\.\d{4}, test accuracy \d+\.\d\d% \(10,000 images; /m);
    for (const f of ['spec.yaml', 'metrics.json', 'checkpoint.netc', 'model.ts']) expect(existsSync(join(straight, f)), f).toBe(true);
    const m = metrics(straight);
    expect(m.epochs).toHaveLength(2);
    expect(Object.keys(m.epochs[0])).toEqual(['epoch', 'train_loss', 'train_accuracy', 'val_loss', 'val_accuracy', 'seconds', 'images_per_s']);
    expect(m.test).toEqual({ loss: m.epochs[1].val_loss, accuracy: m.epochs[1].val_accuracy });
    expect(m.epochs[1].images_per_s).toBeCloseTo(600 / m.epochs[1].seconds, 6);
    expect(readFileSync(join(straight, 'spec.yaml'), 'utf8')).toMatch(/batch_size: 100\n\s+epochs: 2\n\s+seed: 3/);
  });

  it('gives bit-identical parameters for the same seed, on any number of threads', async () => {
    // Every kernel splits work over its outputs, so the thread count does not change the sums.
    expect((await runCli([...base, '--epochs', '2', '--out', again, '--threads', '3'])).code).toBe(0);
    expect(params(again)).toEqual(params(straight));
  });

  it('--profile prints the time per layer and writes trace.json, and trains the same bits', async () => {
    const profiled = tmp();
    const r = await runCli([...base, '--epochs', '2', '--out', profiled, '--profile']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^profile: 12 training steps, [\d.]+ ms per step/m);
    for (const layer of ['c1', 's2', 'c3', 's4', 'f5', 'f6', 'out', 'loss']) expect(r.stdout).toMatch(new RegExp(`^\\s+${layer}\\s+[\\d.]+\\s+[\\d.]+`, 'm'));
    expect(r.stdout).toContain(`trace: ${join(profiled, 'trace.json')}`);
    const trace = JSON.parse(readFileSync(join(profiled, 'trace.json'), 'utf8')) as { traceEvents: { name: string; ph: string }[] };
    expect(trace.traceEvents.filter((e) => e.name === 'conv2dGradFilter' && e.ph === 'X')).toHaveLength(2 * 12);
    expect(params(profiled)).toEqual(params(straight));
  });

  slowIt('--backend reference trains to the same figures and weights, within float32 rounding', async () => {
    const ref = tmp();
    expect((await runCli([...base, '--epochs', '2', '--out', ref, '--backend', 'reference'])).code).toBe(0);
    const a = metrics(ref).epochs;
    const b = metrics(straight).epochs;
    expect(metrics(ref).backend).toBe('reference');
    // The backends add in different orders (the fast one in SIMD lanes, with fused multiply-adds
    // where the CPU has them), so they part in float32's last bits and no more. Losses, means of
    // float32 sums: 1e-5 relative (5e-8 seen on the fast backend; 1.8e-6 on the native one, whose
    // blocked sums round differently and whose Adam steps magnify that, as for the weights below).
    // A prediction flips only where two classes tie to
    // within that rounding: none seen, so at most one of the 600 training images and two of the
    // 10,000 test images may.
    a.forEach((e: Record<string, number>, i: number) => {
      for (const loss of ['train_loss', 'val_loss']) expect(Math.abs(e[loss]! - b[i][loss]), `${loss} ${i + 1}`).toBeLessThan(1e-5 * b[i][loss]);
      expect(Math.abs(e.train_accuracy! - b[i].train_accuracy) * 600, `train_accuracy ${i + 1}`).toBeLessThanOrEqual(1 + 1e-9);
      expect(Math.abs(e.val_accuracy! - b[i].val_accuracy) * 10000, `val_accuracy ${i + 1}`).toBeLessThanOrEqual(2 + 1e-9);
    });
    // Weights after 12 Adam steps: Adam divides by √v, which magnifies the rounding of small
    // gradients, so 1e-5 (weights of 0.01 to 0.3 apart by at most 6e-7 seen: about 16 times less).
    const p = params(ref);
    for (const [name, want] of Object.entries(params(straight))) {
      const worst = want.reduce((m, w, i) => Math.max(m, Math.abs(p[name]![i]! - w)), 0);
      expect(worst, name).toBeLessThan(1e-5);
    }
  }, 300_000); // the reference kernels on 10,000 test images: a minute alone, several on a busy machine

  it('--resume goes on from the last checkpoint to the same result as an uninterrupted run', async () => {
    expect((await runCli([...base, '--epochs', '1', '--out', resumed])).code).toBe(0);
    const r = await runCli(['train', '--resume', resumed, '--epochs', '2', '--no-progress']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^resuming lenet5/m);
    expect(params(resumed)).toEqual(params(straight));
    expect(figures(resumed)).toEqual(figures(straight));
    const done = await runCli(['train', '--resume', resumed, '--no-progress']);
    expect(done.stdout).toMatch(/has finished its 2 epochs; resume with --epochs N/);
  });

  it('eval prints the test loss, accuracy and confusion matrix of a run', async () => {
    const r = await runCli(['eval', straight]);
    expect(r.code).toBe(0);
    const m = metrics(straight);
    expect(r.stdout).toContain(`test loss ${m.test.loss.toFixed(4)}, test accuracy ${(100 * m.test.accuracy).toFixed(2)}% on 10,000 images`);
    expect(r.stdout).toMatch(/^true\\pred\s+0\s+1\s+2\s+3\s+4\s+5\s+6\s+7\s+8\s+9\s+total\s+recall$/m);
    const json = JSON.parse((await runCli(['eval', join(straight, 'checkpoint.netc'), '--json'])).stdout);
    expect(json.confusion.flat().reduce((a: number, b: number) => a + b, 0)).toBe(10000);
    expect(json.confusion.reduce((a: number, row: number[], i: number) => a + row[i]!, 0) / 10000).toBeCloseTo(m.test.accuracy, 10);
    // the kernels give the same bits on any number of threads
    const one = JSON.parse((await runCli(['eval', straight, '--json', '--threads', '1'])).stdout);
    expect({ ...one, checkpoint: '' }).toEqual({ ...json, checkpoint: '' });
  });

  it('eval, predict and --resume refuse a damaged checkpoint (NETC7002)', async () => {
    const bytes = readFileSync(join(straight, 'checkpoint.netc'));
    const dir = tmp();
    writeFileSync(join(dir, 'checkpoint.netc'), bytes.subarray(0, bytes.length - 100));
    for (const argv of [['eval', dir], ['predict', dir, '0'], ['train', '--resume', dir]]) {
      const r = await runCli(argv);
      expect(r.code, argv.join(' ')).toBe(1);
      expect(r.stderr).toMatch(/error NETC7002: checkpoint .*checkpoint\.netc: is damaged or truncated/);
    }
  });

  it('predict classifies a test image by index and a PNG drawn black on white', async () => {
    const byIndex = JSON.parse((await runCli(['predict', straight, '0', '--json'])).stdout);
    expect(byIndex.label).toBe(7); // MNIST's first test image is a 7
    expect(byIndex.probabilities.reduce((a: number, b: number) => a + b, 0)).toBeCloseTo(1, 5);
    // The same digit as a 56×56 PNG, black on white: it must be scaled and inverted to match.
    const ds = loadDataset(datasetFiles('mnist', '.') as DatasetFiles, 10, { limit: 0, testLimit: 1 });
    const png = new pngjs.PNG({ width: 56, height: 56 });
    for (let y = 0; y < 56; y++) {
      for (let x = 0; x < 56; x++) {
        const v = 255 - Math.round(255 * ds.test.images[(y >> 1) * 28 + (x >> 1)]!);
        png.data.set([v, v, v, 255], (y * 56 + x) * 4);
      }
    }
    const file = join(tmp(), 'seven.png');
    writeFileSync(file, pngjs.PNG.sync.write(png));
    const r = await runCli(['predict', straight, file]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('56×56 scaled to 28×28, inverted');
    const json = JSON.parse((await runCli(['predict', straight, file, '--json'])).stdout);
    json.probabilities.forEach((p: number, i: number) => expect(p).toBeCloseTo(byIndex.probabilities[i], 4));
  });
});

describe('netc train refuses what it cannot do, with a diagnostic', () => {
  it('a truncated IDX file: names the file and points at the dataset line', async () => {
    const r = await runCli(['train', 'test/fixtures/invalid/idx-truncated.yaml', '--out', tmp()]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/idx-truncated\.yaml:12:21: error NETC7001: .*truncated-images\.idx3: is truncated/);
  });

  it('a missing IDX file, before any training', async () => {
    const dir = tmp();
    const spec = join(dir, 'missing.yaml');
    writeFileSync(spec, `netc: 1\nname: m\nextends: ${join(process.cwd(), 'specs/lenet5.yaml')}\ntrain:\n  dataset: { idx: { train_images: a.idx, train_labels: b.idx, test_images: c.idx, test_labels: d.idx } }\n`);
    const r = await runCli(['train', spec, '--out', join(dir, 'run')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/error NETC7001: .*a\.idx: does not exist/);
  });

  it('a loss that stops being finite: names the epoch and step and suggests a lower rate', async () => {
    const dir = tmp();
    const spec = join(dir, 'diverge.yaml');
    writeFileSync(spec, `netc: 1\nname: diverge\nextends: ${join(process.cwd(), 'specs/lenet5-relu-maxpool.yaml')}\ntrain:\n  optimizer: { name: sgd, learning_rate: 1.0e+30 }\n`);
    const r = await runCli(['train', spec, '--limit', '300', '--out', join(dir, 'run'), '--no-progress']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/diverge\.yaml:5:42: error NETC7003: the loss became (NaN|Infinity) at epoch 1, step \d+, .*--learning-rate 1e\+29/);
  });

  it('an unwritable run folder, before training starts', async () => {
    const r = await runCli(['train', 'specs/lenet5.yaml', '--out', '/proc/netc-run']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/error NETC7004: run folder \/proc\/netc-run: cannot write the run folder/);
  });

  it('a spec without a train section', async () => {
    const r = await runCli(['train', 'test/fixtures/warnings/unused-layer.yaml']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('error NETC5004');
  });

  it('wrong options exit 2', async () => {
    expect((await runCli(['train', 'specs/lenet5.yaml', '--epochs', '0'])).code).toBe(2);
    expect((await runCli(['train', 'specs/lenet5.yaml', '--backend', 'gpu'])).stderr).toMatch(/--backend must be/);
    expect((await runCli(['train', '--resume', 'x', '--seed', '3'])).stderr).toMatch(/--seed cannot change when resuming/);
  });
});

slowDescribe('Ctrl-C', () => {
  it('stops after the current step with a checkpoint, and --resume ends where an uninterrupted run ends', async () => {
    // 20,000 images in batches of 50 on one thread: an epoch takes a second or more, so the
    // signal lands in the middle of an epoch (the reference backend did that on 1,500 images,
    // but its three runs' evaluations of 10,000 test images took minutes). One thread, because
    // two spin-waiting threads crawl on a busy machine.
    const args = ['specs/lenet5.yaml', '--limit', '20000', '--epochs', '2', '--batch-size', '50', '--seed', '9', '--threads', '1', '--no-progress'];
    const full = tmp();
    const cut = tmp();
    const run = (extra: string[], interruptAfterMs?: number) =>
      new Promise<{ code: number | null; out: string }>((done) => {
        const child = spawn(process.execPath, ['bin/netc.js', 'train', ...extra], { env: { ...process.env, NO_COLOR: '1' } });
        let out = '';
        child.stdout.on('data', (d) => {
          out += String(d);
          if (interruptAfterMs !== undefined && out.includes('training lenet5')) {
            setTimeout(() => child.kill('SIGINT'), interruptAfterMs);
            interruptAfterMs = undefined;
          }
        });
        child.stderr.on('data', (d) => (out += String(d)));
        child.on('close', (code) => done({ code, out }));
      });
    // profiled: the steps taken before Ctrl-C keep their trace (profiling changes no bits)
    const stopped = await run([...args, '--out', cut, '--profile'], 700);
    expect(stopped.out).toMatch(/stopped at epoch \d, step \d+; the checkpoint is saved\. Resume with: netc train --resume /);
    expect(stopped.code).toBe(130);
    expect(stopped.out).toContain(`trace: ${join(cut, 'trace.json')}`);
    const trace = JSON.parse(readFileSync(join(cut, 'trace.json'), 'utf8')) as { traceEvents: { name: string }[] };
    expect(trace.traceEvents.some((e) => e.name === 'c1')).toBe(true);
    const progress = readCheckpoint(join(cut, 'checkpoint.netc')).header.progress;
    expect(progress.epoch * 400 + progress.batch).toBeGreaterThan(0);
    expect(progress.batch).toBeGreaterThan(0); // mid-epoch, not at a boundary
    expect((await run(['--resume', cut, '--no-progress'])).code).toBe(0);
    expect((await run([...args, '--out', full])).code).toBe(0);
    expect(params(cut)).toEqual(params(full));
    expect(figures(cut)).toEqual(figures(full));
  }, 300_000);
});
