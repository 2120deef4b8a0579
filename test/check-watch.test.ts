/**
 * `netc check --watch` as a user runs it: it checks, then checks again when the spec is saved and
 * when a base it extends is saved (also when saved by writing a new file and renaming it over the
 * old, as editors do), and Ctrl-C ends it with exit status 0.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const lenet = readFileSync('specs/lenet5.yaml', 'utf8');

describe('netc check --watch', () => {
  it('re-checks on save of the spec and of its base, and exits 0 on Ctrl-C', { timeout: 120_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'netc-watch-'));
    const base = join(dir, 'base.yaml');
    const spec = join(dir, 'variant.yaml');
    writeFileSync(base, lenet);
    writeFileSync(spec, 'extends: ./base.yaml\nname: variant\npatch:\n  f5: { units: 64 }\n');
    const child = spawn(process.execPath, ['bin/netc.js', 'check', '--watch', spec], { env: { ...process.env, NO_COLOR: '1' } });
    let out = '';
    child.stdout.on('data', (d) => (out += String(d)));
    child.stderr.on('data', (d) => (out += String(d)));
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    /** The output after `from` once it matches, and where it ends. */
    const waitFor = async (pattern: RegExp, from: number): Promise<[string, number]> => {
      const deadline = Date.now() + 60_000;
      while (!pattern.test(out.slice(from))) {
        if (Date.now() > deadline) throw new Error(`no ${pattern} in:\n${out.slice(from)}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      return [out.slice(from), out.length];
    };
    try {
      let [first, at] = await waitFor(/watching 2 files for changes/, 0);
      expect(first).toMatch(/variant\.yaml: variant ok/);
      expect(first).toMatch(/f5\s+dense \(tanh\)\s+64\s+16,448/);

      writeFileSync(spec, 'extends: ./base.yaml\nname: variant\nremove: [flat]\n');
      let next: string;
      [next, at] = await waitFor(/watching 2 files/, at);
      // (which file the error names is issue 16's item 2: the variant's line, or the base's)
      expect(next).toMatch(/\.yaml:\d+:\d+: error NETC4004: layer 'f5' \(dense\) needs a flat input/);
      expect(next).not.toMatch(/variant ok/);

      // the base, saved as an editor saves: a new file renamed over the old
      writeFileSync(join(dir, 'base.tmp'), lenet.replace("  - { name: f5, op: dense, units: 120, activation: tanh }\n", "  - { name: f5, op: flatten }\n  - { name: f5b, op: dense, units: 120 }\n"));
      renameSync(join(dir, 'base.tmp'), base);
      [next, at] = await waitFor(/watching 2 files/, at);
      expect(next).toMatch(/variant\.yaml: variant ok/);
      expect(next).toMatch(/f5b\s+dense\s+120/);
    } finally {
      child.kill('SIGINT');
    }
    expect(await exited).toBe(0);
  });

  it('with --format sarif, keeps stdout for the log and says it is watching on stderr', { timeout: 60_000 }, async () => {
    const child = spawn(process.execPath, ['bin/netc.js', 'check', '--watch', '--format', 'sarif', 'specs/lenet5.yaml']);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += String(d)));
    child.stderr.on('data', (d) => (stderr += String(d)));
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    const deadline = Date.now() + 30_000;
    while (!/watching 1 file for changes/.test(stderr) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(stderr).toMatch(/^watching 1 file for changes; Ctrl-C stops\n$/);
    expect(JSON.parse(stdout)).toMatchObject({ version: '2.1.0', runs: [{ results: [] }] });
  });
});
