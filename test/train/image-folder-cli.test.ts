/**
 * An images folder through the command line, as a person uses one: RGB photos (JPEG and PNG)
 * in folders named by class, trained on; then eval, predict and the report name the classes by
 * their folders, on both backends; and a file that cannot be decoded is a diagnostic at the
 * spec's line.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import jpeg from 'jpeg-js';
import pngjs from 'pngjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { readCheckpoint } from '../../src/runtime/checkpoint.js';
import { Random } from '../../src/runtime/random.js';
import { runCli } from '../helpers/cli.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'netc-folder-cli-'));
const CLASSES: Record<string, readonly number[]> = { cat: [200, 60, 40], dog: [40, 180, 60], fish: [50, 70, 210] };

/** Noisy images of each class's colour, of varied sizes, every third a PNG. */
function writePets(dir: string): void {
  const r = new Random(7);
  for (const [name, rgb] of Object.entries(CLASSES)) {
    mkdirSync(join(dir, name), { recursive: true });
    for (let i = 0; i < 10; i++) {
      const w = 10 + r.below(8);
      const h = 9 + r.below(8);
      const data = Buffer.alloc(w * h * 4);
      for (let p = 0; p < w * h; p++) data.set([...rgb.map((v) => Math.max(0, Math.min(255, v + r.below(90) - 45))), 255], p * 4);
      if (i % 3 === 2) writeFileSync(join(dir, name, `${i}.png`), pngjs.PNG.sync.write(Object.assign(new pngjs.PNG({ width: w, height: h }), { data })));
      else writeFileSync(join(dir, name, `${i}.jpg`), jpeg.encode({ width: w, height: h, data }, 90).data);
    }
  }
}

const SPEC = `netc: 1
name: pets
input: { shape: [8, 8, 3] }
layers:
  - { name: c1, op: conv2d, filters: 4, kernel: 3, activation: relu }
  - { name: p1, op: maxpool2d, pool: 2, stride: 2 }
  - { name: flat, op: flatten }
  - { name: out, op: dense, units: 3, activation: softmax }
train:
  dataset: { images: ./pets }
  optimizer: { name: adam, learning_rate: 0.01 }
  batch_size: 8
  epochs: 4
  seed: 2
`;

describe('an RGB images folder through netc train, eval, predict and the report', () => {
  let dir: string;
  let run: string;

  beforeAll(async () => {
    dir = tmp();
    writePets(join(dir, 'pets'));
    writeFileSync(join(dir, 'spec.yaml'), SPEC);
    run = join(dir, 'run');
    const r = await runCli(['train', join(dir, 'spec.yaml'), '--out', run, '--no-progress']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^training pets \(\d+ parameters\) on the images in \.\/pets: 24 images/m);
  });

  it('keeps the class names in the checkpoint and the folders as absolute paths in spec.yaml', () => {
    expect(readCheckpoint(join(run, 'checkpoint.netc')).header.classNames).toEqual(['cat', 'dog', 'fish']);
    expect(readFileSync(join(run, 'spec.yaml'), 'utf8')).toContain(`images: ${join(dir, 'pets')}`);
  });

  it('predict names the class of a JPEG file by its folder, and of a test image', async () => {
    const r = await runCli(['predict', run, join(dir, 'pets', 'fish', '0.jpg')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^predicted: (cat|dog|fish) \(\d+\.\d%\)$/m);
    for (const name of Object.keys(CLASSES)) expect(r.stdout).toMatch(new RegExp(`^  ${name}\\s+\\d+\\.\\d%`, 'm'));
    const json = JSON.parse((await runCli(['predict', run, join(dir, 'pets', 'dog', '2.png'), '--json'])).stdout);
    expect(json.class).toBe(['cat', 'dog', 'fish'][json.predicted]);
    expect(json.class).toBe('dog'); // a clear colour: four epochs learn it
    expect((await runCli(['predict', run, '0'])).stdout).toMatch(/^test image 0, labelled (cat|dog|fish)$/m);
  });

  it('eval lists the class names below the confusion matrix', async () => {
    const r = await runCli(['eval', run]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/on 6 images/); // 2 of each class's 10, as test: 0.2 holds out
    expect(r.stdout).toContain('0: cat\n1: dog\n2: fish');
  });

  it('the report names the classes and draws the test images in colour', () => {
    const html = readFileSync(join(run, 'report.html'), 'utf8');
    expect(html).toContain('Misclassified images');
    expect(html).toMatch(/<td>fish<\/td>|>fish</);
    const url = /data:image\/png;base64,([A-Za-z0-9+/=]+)/.exec(html);
    if (url) {
      const png = pngjs.PNG.sync.read(Buffer.from(url[1]!, 'base64'));
      expect([png.width, png.height]).toEqual([8, 8]);
      let coloured = false;
      for (let i = 0; i < 64; i++) coloured ||= png.data[i * 4] !== png.data[i * 4 + 1];
      expect(coloured).toBe(true);
    }
  });

  it('trains three channels to the same figures on the reference backend', async () => {
    const ref = join(dir, 'ref');
    expect((await runCli(['train', join(dir, 'spec.yaml'), '--out', ref, '--no-progress', '--backend', 'reference'])).code).toBe(0);
    const a = readCheckpoint(join(run, 'checkpoint.netc')).params;
    const b = readCheckpoint(join(ref, 'checkpoint.netc')).params;
    for (const name of Object.keys(a)) {
      a[name]!.forEach((v, i) => expect(Math.abs(v - b[name]![i]!), `${name}[${i}]`).toBeLessThan(1e-4 * Math.max(1, Math.abs(v))));
    }
  });

  it('names a file it cannot decode, at the line of the folder (NETC7023)', async () => {
    const broken = tmp();
    writePets(join(broken, 'pets'));
    writeFileSync(join(broken, 'spec.yaml'), SPEC);
    writeFileSync(join(broken, 'pets', 'dog', 'truncated.jpg'), readFileSync(join(dir, 'pets', 'dog', '0.jpg')).subarray(0, 40));
    const r = await runCli(['train', join(broken, 'spec.yaml'), '--out', join(broken, 'run'), '--no-progress']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`spec.yaml:10:22: error NETC7023: cannot read the image '${join(broken, 'pets', 'dog', 'truncated.jpg')}': `);
  });
});
