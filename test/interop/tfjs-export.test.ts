/**
 * `netc export --format tfjs` checked against TensorFlow.js itself: a LeNet-5 trained with
 * `netc train` is exported, loaded with tf.loadLayersModel (through an IO handler that reads the
 * files, as a TensorFlow.js program would) and must predict the first 1,000 MNIST test images as
 * netc does, within 1e-4, with the same accuracy; it must import back (`netc import-tfjs`) as the
 * same network with bit-identical parameters. Every shipped variant and a network using every
 * other exportable layer are checked the same way on seeded weights; the 1998 paper's LeNet-5
 * gets a diagnostic for each part that has no Layers equivalent.
 */
import { copyFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { analyze } from '../../src/driver/analyze.js';
import { loadSpecData } from '../../src/driver/data.js';
import { restore, type Restored } from '../../src/driver/from-checkpoint.js';
import { EXPORTABLE_OPS, exportTfjs, UNEXPORTABLE_OPS } from '../../src/interop/tfjs-export.js';
import { allLayers } from '../../src/ir/ops/index.js';
import { importTfjs } from '../../src/interop/tfjs-import.js';
import { readCheckpoint, writeCheckpoint } from '../../src/runtime/checkpoint.js';
import type { Dataset } from '../../src/runtime/data/dataset.js';
import { runCli } from '../helpers/cli.js';
import { randomBatch } from '../helpers/gradcheck.js';
import { compileAndImport, specFile } from '../helpers/modules.js';
import { loadLayersModelFrom, predictWith } from '../helpers/tfjs-files.js';
import { useTfCpu } from '../helpers/tfjs-net.js';

const tmp = (what: string) => mkdtempSync(join(tmpdir(), `netc-${what}-`));

function argmaxes(p: Float32Array, classes: number): number[] {
  return Array.from({ length: p.length / classes }, (_, i) => {
    let best = 0;
    for (let c = 1; c < classes; c++) if (p[i * classes + c]! > p[i * classes + best]!) best = c;
    return best;
  });
}

const maxDiff = (a: Float32Array, b: Float32Array) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!)), 0);

describe('a LeNet-5 trained with netc train, exported for TensorFlow.js', () => {
  const run = tmp('export-run');
  const out = join(run, 'tfjs');
  let exported: { code: number; stdout: string; stderr: string };
  let trained: Restored;
  let test: Dataset['test'];

  beforeAll(async () => {
    await useTfCpu();
    const t = await runCli(['train', 'specs/lenet5.yaml', '--limit', '600', '--epochs', '1', '--out', run, '--no-progress']);
    expect(t.code, t.stderr).toBe(0);
    exported = await runCli(['export', run, '--format', 'tfjs', '-o', out]);
    const r = await restore(run);
    if (Array.isArray(r)) throw new Error(r.map((d) => d.message).join('\n'));
    trained = r;
    const data = loadSpecData(r.loaded, 10, { limit: 0, testLimit: 1000 });
    if ('code' in data) throw new Error(data.message);
    test = data.test;
  });

  it('writes model.json, whose manifest names every weight, and the weight file', () => {
    expect(exported.stderr).toBe('');
    expect(exported.code).toBe(0);
    expect(exported.stdout).toMatch(/model\.json: lenet5 as a TensorFlow\.js Layers model, 8 layers; weights in 1 file \(177,704 bytes\)/);
    const json = JSON.parse(readFileSync(join(out, 'model.json'), 'utf8'));
    expect(json.format).toBe('layers-model');
    expect(json.weightsManifest).toEqual([
      {
        paths: ['group1-shard1of1.bin'],
        weights: [
          { name: 'c1/kernel', shape: [5, 5, 1, 6], dtype: 'float32' },
          { name: 'c1/bias', shape: [6], dtype: 'float32' },
          { name: 'c3/kernel', shape: [5, 5, 6, 16], dtype: 'float32' },
          { name: 'c3/bias', shape: [16], dtype: 'float32' },
          { name: 'f5/kernel', shape: [256, 120], dtype: 'float32' },
          { name: 'f5/bias', shape: [120], dtype: 'float32' },
          { name: 'f6/kernel', shape: [120, 84], dtype: 'float32' },
          { name: 'f6/bias', shape: [84], dtype: 'float32' },
          { name: 'out/kernel', shape: [84, 10], dtype: 'float32' },
          { name: 'out/bias', shape: [10], dtype: 'float32' },
        ],
      },
    ]);
    expect(readFileSync(join(out, 'group1-shard1of1.bin')).length).toBe(44426 * 4);
  });

  it('loads with tf.loadLayersModel as the same layers, with the weights netc trained', async () => {
    const model = await loadLayersModelFrom(join(out, 'model.json'));
    expect(model.layers.map((l) => `${l.name}:${l.getClassName()}`)).toEqual([
      'input:InputLayer', 'c1:Conv2D', 's2:AveragePooling2D', 'c3:Conv2D', 's4:AveragePooling2D', 'flat:Flatten', 'f5:Dense', 'f6:Dense', 'out:Dense',
    ]);
    expect(model.countParams()).toBe(44426);
    const c3 = model.getLayer('c3').getWeights()[0]!;
    expect(c3.dataSync()).toEqual(trained.checkpoint.params['c3.w']);
  });

  it('predicts the first 1,000 test images as netc does, within 1e-4, with the same accuracy', async () => {
    const model = await loadLayersModelFrom(join(out, 'model.json'));
    const theirs = predictWith(model, test.images, [28, 28, 1]);
    const ours = trained.model.predict(test.images);
    const diff = maxDiff(theirs, ours);
    expect(diff).toBeLessThan(1e-4);
    const accuracy = (p: Float32Array) => argmaxes(p, 10).filter((c, i) => c === test.classes[i]).length / test.count;
    expect(accuracy(theirs)).toBe(accuracy(ours));
    expect(accuracy(ours)).toBeGreaterThan(0.5); // a trained network, not chance
    process.stdout.write(`tfjs export: largest probability difference on 1,000 test images ${diff.toExponential(2)}, accuracy ${accuracy(ours)}\n`);
  });

  it.skipIf(!existsSync(CHROMIUM))("works in the README's browser page, in headless Chromium", async () => {
    const images = test.images.subarray(0, 50 * 784);
    await checkPageInChromium(out, images, trained.model.predict(images));
  });

  it('imports back with netc import-tfjs as the same network, with bit-identical weights', async () => {
    const dir = tmp('import-back');
    const r = await runCli(['import-tfjs', join(out, 'model.json'), '-o', join(dir, 'spec.yaml'), '--checkpoint', join(dir, 'checkpoint.netc')]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/spec\.yaml: lenet5, 8 TensorFlow\.js layers as 8 netc layers, 44,426 parameters/);
    expect(analyze(join(dir, 'spec.yaml')).summary).toEqual(analyze('specs/lenet5.yaml').summary);
    const back = readCheckpoint(join(dir, 'checkpoint.netc'));
    expect(back.params).toEqual(trained.checkpoint.params);
    // netc's metadata in model.json brings the train section back, so netc eval finds the data
    const evaluate = async (from: string) => {
      const { checkpoint: _, ...figures } = JSON.parse((await runCli(['eval', from, '--limit', '1000', '--json'])).stdout);
      return figures;
    };
    expect(await evaluate(dir)).toEqual(await evaluate(run));
  });
});

const CHROMIUM = '/usr/bin/chromium';
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** The page the README's "Deploy it in a browser page" shows, as it shows it. */
function readmePage(): string {
  const readme = readFileSync('README.md', 'utf8');
  const section = readme.slice(readme.indexOf('### Deploy it in a browser page'));
  const m = /```html\n([\s\S]*?)```/.exec(section);
  if (!m) throw new Error("README.md has no html block under 'Deploy it in a browser page'");
  return m[1]!;
}

/** What the page's script defines, for the functions evaluated in it (the project compiles without the DOM library). */
declare const tf: { tensor3d(values: number[], shape: number[]): unknown; getBackend(): string };
declare function classify(image: unknown): Promise<Float32Array>;
declare const document: { getElementById(id: string): { textContent: string | null } | null };

/**
 * The README's page in headless Chromium with the export beside it: it must classify MNIST test
 * images as netc does and answer a digit drawn with the mouse. Every request is served from
 * this machine (TensorFlow.js's CDN URL from node_modules); nothing else may be fetched.
 */
async function checkPageInChromium(modelDir: string, images: Float32Array, want: Float32Array): Promise<void> {
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
  try {
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('console', (m) => m.type() === 'error' && problems.push(`console error: ${m.text()}`));
    await page.route('**/*', async (route) => {
      const url = new URL(route.request().url());
      if (url.href === 'https://cdn.jsdelivr.net/npm/@tensorflow/tfjs@4.22.0/dist/tf.min.js') {
        return route.fulfill({ path: 'node_modules/@tensorflow/tfjs/dist/tf.min.js', contentType: 'text/javascript' });
      }
      if (url.host === 'netc.test' && url.pathname === '/') return route.fulfill({ body: readmePage(), contentType: 'text/html' });
      if (url.host === 'netc.test') return route.fulfill({ path: join(modelDir, url.pathname.slice(1)) });
      problems.push(`fetched ${url.href}`);
      return route.abort();
    });
    await page.goto('http://netc.test/');
    const pixels = Array.from(images);
    const got = await page.evaluate(async (all: number[]) => {
      const out: number[] = [];
      for (let i = 0; i < all.length; i += 784) out.push(...(await classify(tf.tensor3d(all.slice(i, i + 784), [28, 28, 1]))));
      return { probabilities: out, backend: tf.getBackend() };
    }, pixels);
    const theirs = Float32Array.from(got.probabilities);
    expect(maxDiff(theirs, want), `on the ${got.backend} backend`).toBeLessThan(1e-4);
    process.stdout.write(`browser page: ${got.backend} backend, largest difference ${maxDiff(theirs, want).toExponential(2)}\n`);
    expect(argmaxes(theirs, 10)).toEqual(argmaxes(want, 10));

    // a person draws a stroke: the page answers with a digit and a probability
    const box = (await page.locator('#pad').boundingBox())!;
    await page.mouse.move(box.x + 140, box.y + 40);
    await page.mouse.down();
    for (let y = 40; y <= 240; y += 10) await page.mouse.move(box.x + 140, box.y + y);
    await page.mouse.up();
    await page.waitForFunction(() => document.getElementById('answer')?.textContent !== 'draw a digit');
    expect(await page.locator('#answer').textContent()).toMatch(/^\d \(\d+\.\d%\)$/);
    expect(problems).toEqual([]);
  } finally {
    await browser.close();
  }
}

/** The spec's network with seeded weights, exported, loaded in TensorFlow.js, and imported back. */
async function checkExport(spec: string, images: Float32Array, notExported: readonly string[] = []): Promise<string[]> {
  const { module } = await compileAndImport(spec, { inferBatch: 64 });
  const model = module.createModel({ seed: 17, backend: 'reference', threads: 1 });
  const a = analyze(spec, { training: false });
  const r = exportTfjs({ loaded: a.loaded!, graph: a.graph!, params: model.getParameters(), netcVersion: 'test', paramsFrom: 'test' });
  if (Array.isArray(r)) throw new Error(r.map((d) => d.message).join('\n'));
  const dir = tmp('export');
  writeFileSync(join(dir, 'model.json'), JSON.stringify(r.modelJson));
  for (const s of r.shards) writeFileSync(join(dir, s.name), s.bytes);
  const theirs = predictWith(await loadLayersModelFrom(join(dir, 'model.json')), images, module.info.inputShape);
  const ours = model.predict(images);
  expect(maxDiff(theirs, ours)).toBeLessThan(1e-4);
  expect(argmaxes(theirs, module.info.classes)).toEqual(argmaxes(ours, module.info.classes));

  const back = importTfjs(join(dir, 'model.json'), { weights: true }, 'test');
  if ('diagnostics' in back) throw new Error(back.diagnostics.map((d) => d.message).join('\n'));
  const again = specFile(back.yaml);
  const layers = (f: string) => analyze(f, { training: false }).summary!.layers;
  expect(layers(again)).toEqual(layers(spec).filter((l) => !notExported.includes(l.name)));
  const { module: m2 } = await compileAndImport(again, { inferBatch: 64 });
  const reimported = m2.createModel({ backend: 'reference', threads: 1 });
  reimported.setParameters(back.params!);
  expect(reimported.predict(images)).toEqual(ours);
  return r.shards.map((f) => f.name);
}

const EVERY_LAYER = `netc: 1
name: every-layer
input: { shape: [13, 11, 2] }
layers:
  - { name: c1, op: conv2d, filters: 4, kernel: [3, 2], stride: 2, padding: 1, activation: sigmoid }
  - { name: c1_pad, op: pad, padding: 1 }
  - { name: a1, op: avgpool2d, pool: 3, stride: 2, padding: same }
  - { name: m1, op: maxpool2d, pool: 2, stride: 1, padding: same, inputs: [c1_pad] }
  - { name: b1, op: conv2d, filters: 4, kernel: 3, stride: 2, padding: same, activation: relu, inputs: [m1] }
  - { name: join, op: concat, inputs: [a1, b1] }
  - { name: r1, op: conv2d, filters: 8, kernel: 1, activation: tanh }
  - { name: sum, op: add, inputs: [join, r1] }
  - { name: act, op: activation, fn: relu }
  - { name: flat, op: flatten }
  - { name: drop, op: dropout, rate: 0.5 }
  - { name: d1, op: dense, units: 6 }
  - { name: out, op: activation, fn: softmax }
  - { name: unused, op: dense, units: 3, inputs: [flat] }
output: out
`;

describe('every exportable layer, on seeded weights', () => {
  let mnist: Float32Array;
  beforeAll(async () => {
    await useTfCpu();
    const a = analyze('specs/lenet5.yaml');
    const data = loadSpecData(a.loaded!, 10, { limit: 0, testLimit: 64 });
    if ('code' in data) throw new Error(data.message);
    mnist = data.test.images;
  });

  it.each(['specs/lenet5-relu-maxpool.yaml', 'specs/lenet5-wide.yaml', 'specs/inception-mini.yaml'])('%s', async (spec) => {
    await checkExport(spec, mnist);
  });

  it('dilated and bias-free conv2d, depthwise_conv2d with and without a bias, global average and max pooling', async () => {
    const spec = specFile(`netc: 1
name: conv-variants
input: { shape: [13, 11, 2] }
layers:
  - { name: c1, op: conv2d, filters: 4, kernel: 3, dilation: 2, padding: same, use_bias: false, activation: relu }
  - { name: c2, op: conv2d, filters: 6, kernel: [3, 2], dilation: [2, 1] }
  - { name: dw, op: depthwise_conv2d, kernel: 3, depth_multiplier: 2, stride: 2, padding: same, activation: tanh }
  - { name: dw2, op: depthwise_conv2d, kernel: 2, use_bias: false }
  - { name: gap, op: global_avgpool2d }
  - { name: gmp, op: global_maxpool2d, inputs: [dw2] }
  - { name: both, op: concat, inputs: [gap, gmp] }
  - { name: out, op: dense, units: 3, activation: softmax }
`);
    await checkExport(spec, randomBatch(5, 7, [13, 11, 2], 3).images);
  });

  it('weights over 4 MiB: two shards, one weight split across them', async () => {
    const spec = specFile(`netc: 1
name: wide-mlp
input: { shape: [28, 28, 1] }
layers:
  - { name: flat, op: flatten }
  - { name: h, op: dense, units: 1400, activation: relu }
  - { name: out, op: dense, units: 10, activation: softmax }
train: { dataset: mnist }
`);
    expect(await checkExport(spec, mnist.subarray(0, 16 * 784))).toEqual(['group1-shard1of2.bin', 'group1-shard2of2.bin']);
  });

  it('pixels of conv padding (a ZeroPadding2D), pad, same pooling over the border, a DAG, dropout, an output before the last layer', async () => {
    const spec = specFile(EVERY_LAYER);
    const images = randomBatch(3, 7, [13, 11, 2], 2).images;
    await checkExport(spec, images, ['unused']);
    // the conv's padding layer takes a name no spec layer has
    const a = analyze(spec, { training: false });
    const r = exportTfjs({ loaded: a.loaded!, graph: a.graph!, params: {}, netcVersion: 'test', paramsFrom: 'nothing' });
    expect(Array.isArray(r) && r[0]!.message).toMatch(/^checkpoint nothing: does not hold parameters of the right size for c1\.w, c1\.b, b1\.w/);
  });
});

describe('what has no Layers equivalent', () => {
  it('is decided for every op of the registry', () => {
    const decided = new Set([...EXPORTABLE_OPS, ...UNEXPORTABLE_OPS]);
    expect(allLayers().map((l) => l.op).filter((op) => !decided.has(op))).toEqual([]);
  });

  it("names each part of the 1998 paper's LeNet-5 at its line", async () => {
    const dir = tmp('export-1998');
    for (const f of ['lenet5-1998.yaml', 'rbf-digits.txt']) copyFileSync(join('specs', f), join(dir, f === 'rbf-digits.txt' ? f : 'spec.yaml'));
    const spec = readFileSync(join(dir, 'spec.yaml'), 'utf8');
    const header = { model: 'lenet5-1998', netcVersion: 'test', spec, source: 'spec.yaml', seed: 0, learningRate: 0.001, progress: { epoch: 0, batch: 0, step: 0, lossSum: 0, correct: 0, seen: 0, seconds: 0 } };
    writeCheckpoint(join(dir, 'checkpoint.netc'), { header, params: {}, state: {} });
    const r = await runCli(['export', dir, '-o', join(dir, 'tfjs')]);
    expect(r.code).toBe(1);
    const lines = r.stderr.split('\n').filter((l) => l.includes('NETC8001'));
    // the place of each, found by its text, so the test does not depend on the file's line numbers
    const at = (needle: string) => `${join(dir, 'spec.yaml')}:${spec.split('\n').findIndex((l) => l.includes(needle)) + 1}:`;
    const wanted = ['preprocess:', 'name: c1,', 'name: s2,', 'name: s2,', '    activation: scaled_tanh', '    connections:', 'name: s4,', 'name: s4,', 'name: c5,', 'name: f6,', 'name: out,', 'loss: rbf_map'];
    expect(lines.map((l) => l.slice(0, l.indexOf(':', l.indexOf('.yaml:') + 6) + 1))).toEqual(wanted.map(at));
    expect(r.stderr).toContain("error NETC8001: layer 's2' (subsample) has no TensorFlow.js Layers equivalent (the 1998 paper's trainable subsampling; Keras's pooling layers have no trainable coefficient), so the model cannot be exported as a Layers model");
    expect(r.stderr).toContain("error NETC8001: layer 'c3' (conv2d) with 'connections' has no TensorFlow.js Layers equivalent (Keras's Conv2D reads every input channel)");
    expect(r.stderr).toContain("error NETC8001: layer 'c1' (conv2d) with scaled_tanh has no TensorFlow.js Layers equivalent (Keras has no 1.7159·tanh(2x/3) activation)");
    expect(existsSync(join(dir, 'tfjs'))).toBe(false);
  });

  it('refuses another format, and a missing -o, as command-line mistakes', async () => {
    expect((await runCli(['export', 'runs/x', '--format', 'keras', '-o', 'x'])).code).toBe(2);
    expect((await runCli(['export', 'runs/x'])).stderr).toMatch(/name the folder to write with -o DIR/);
  });
});
