/**
 * Issue 16, item 8: `--out` onto a run folder that holds a run refuses (exit 1) unless `--force`;
 * the start line counts in words that agree with their numbers; `predict` on a file that is not
 * there is an input error (exit 1), not a command-line one (exit 2).
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'netc-run-folder-'));

/** A network small enough that one epoch of 100 images takes a moment. */
function tinySpec(dir: string): string {
  const spec = join(dir, 'tiny.yaml');
  writeFileSync(spec, 'netc: 1\nname: tiny\ninput: { shape: [28, 28, 1] }\nlayers:\n  - { name: flat, op: flatten }\n  - { name: out, op: dense, units: 10, activation: softmax }\ntrain:\n  dataset: mnist\n  batch_size: 128\n  epochs: 1\n  seed: 1\n');
  return spec;
}

describe('netc train --out onto an earlier run', () => {
  const dir = tmp();
  const spec = tinySpec(dir);
  const run = join(dir, 'run');
  const args = ['train', spec, '--limit', '100', '--out', run, '--no-progress', '--threads', '1'];

  it('trains the first time, counting "1 epoch of 1 batch of 100" (the limit leaves fewer images than a batch)', async () => {
    const r = await runCli(args);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/on mnist: 100 images, 1 epoch of 1 batch of 100; /);
  }, 120_000);

  it('refuses the second time, leaving the checkpoint as it was, and says what to do', async () => {
    const before = readFileSync(join(run, 'checkpoint.netc'));
    const r = await runCli(args);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/error NETC7004: run folder .*run: holds a run already \(checkpoint\.netc\); choose another --out, continue it with netc train --resume .*, or add --force to overwrite it/);
    expect(readFileSync(join(run, 'checkpoint.netc')).equals(before)).toBe(true);
  }, 120_000);

  it('overwrites with --force', async () => {
    const r = await runCli([...args, '--force']);
    expect(r.code, r.stderr).toBe(0);
  }, 120_000);

  it('a finished run of one epoch says "1 epoch"', async () => {
    const r = await runCli(['train', '--resume', run, '--no-progress']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/has finished its 1 epoch; resume with --epochs N \(more than 1\) to train longer/);
  });

  it('--force without --out is a command-line mistake', async () => {
    const r = await runCli(['train', spec, '--force']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--force overwrites the run folder that --out names/);
  });

  it('predict on a file that is not there: exit 1, with a diagnostic', async () => {
    const r = await runCli(['predict', run, join(dir, 'no-such.png')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/error NETC1002: cannot read '.*no-such\.png': no such file; name a PNG or JPEG file, or a test image by its index/);
  });
});
