/**
 * The benchmark's PyTorch side times the program `netc export SPEC --format pytorch` writes
 * (scripts/bench/torch_bench.py imports it): for each network of `npm run bench`, the program
 * exports, and where /usr/bin/python3 has torch, its module has netc's trainable parameters and
 * output. (The 1998 LeNet-5's C3 is a full convolution under a fixed 0/1 mask in PyTorch: more
 * weights stored, netc's count of the ones that train.)
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { analyze } from '../src/driver/analyze.js';
import { exportProgram, PYTHON } from '../scripts/bench/sides.js';

const SUITE = ['lenet5', 'lenet5-wide', 'inception-mini', 'lenet5-1998', 'vgg-mini'];
const hasTorch = spawnSync(PYTHON, ['-c', 'import torch'], { encoding: 'utf8' }).status === 0;
const dir = mkdtempSync(`${tmpdir()}/netc-suite-`);

describe.each(SUITE)('specs/%s.yaml for the benchmark', (name) => {
  it.skipIf(!hasTorch)("exports a PyTorch program whose module has netc's parameters and output", () => {
    const program = exportProgram('.', `specs/${name}.yaml`, dir);
    const r = spawnSync(PYTHON, ['scripts/bench/torch_bench.py', program, '--count'], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const got = JSON.parse(r.stdout) as { params: number; output: number[] };
    expect(got.output).toEqual([10]);
    const masked = name === 'lenet5-1998' ? 16 * 6 * 25 - 60 * 25 : 0; // C3's weights the mask holds at zero
    expect(got.params - masked).toBe(analyze(`specs/${name}.yaml`).summary!.params);
  });
});
