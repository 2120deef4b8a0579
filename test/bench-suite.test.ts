/**
 * The benchmark's PyTorch side builds the network netc describes (src/driver/describe-network.ts,
 * scripts/bench/torch_net.py): for each network of `npm run bench`, the description has every
 * layer with its inputs and shape, and where /usr/bin/python3 has torch, PyTorch's network has
 * netc's trainable parameters and output. (The 1998 LeNet-5's C3 is a full convolution under a
 * fixed 0/1 mask in PyTorch: more weights stored, netc's count of the ones that train.)
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze } from '../src/driver/analyze.js';
import { describeNetwork } from '../src/driver/describe-network.js';

const SUITE = ['lenet5', 'lenet5-wide', 'inception-mini', 'lenet5-1998', 'vgg-mini'];
const PYTHON = '/usr/bin/python3';
const hasTorch = spawnSync(PYTHON, ['-c', 'import torch'], { encoding: 'utf8' }).status === 0;
const dir = mkdtempSync(join(tmpdir(), 'netc-suite-'));

describe.each(SUITE)('specs/%s.yaml for the benchmark', (name) => {
  const a = analyze(`specs/${name}.yaml`);
  const d = describeNetwork(a)!;

  it('is described layer by layer, each reading earlier layers', () => {
    expect(d.layers.map((l) => l.name)).toEqual(a.loaded!.spec.layers.map((l) => l.name));
    const seen = new Set(['input']);
    for (const l of d.layers) {
      for (const i of l.inputs) expect(seen.has(i), `${l.name} reads ${i}`).toBe(true);
      expect(l.shape.every((x) => Number.isInteger(x) && x > 0)).toBe(true);
      seen.add(l.name);
    }
    expect(d.classes).toBe(10);
  });

  it.skipIf(!hasTorch)("is built by torch_net.py with netc's parameters and output", () => {
    const file = join(dir, `${name}.json`);
    writeFileSync(file, JSON.stringify(d));
    const r = spawnSync(PYTHON, ['scripts/bench/torch_net.py', file, '--count'], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const got = JSON.parse(r.stdout) as { params: number; output: number[] };
    expect(got.output).toEqual([d.classes]);
    const masked = name === 'lenet5-1998' ? 16 * 6 * 25 - 60 * 25 : 0; // C3's weights the mask holds at zero
    expect(got.params - masked).toBe(a.summary!.params);
  });
});
