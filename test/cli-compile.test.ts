/** `netc compile` as a user runs it: the module written, IR printing, pass lists and errors. */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './helpers/cli.js';

describe('netc compile', () => {
  it('writes the module to -o DIR and reports the memory plan', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'netc-compile-'));
    const r = await runCli(['compile', 'specs/lenet5.yaml', '-o', dir]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/wrote .*lenet5\.ts: arena [\d.]+ MiB; training step at batch 128: [\d,]+ bytes planned for [\d,]+ in buffers \(\d+%\)/);
    const text = readFileSync(join(dir, 'lenet5.ts'), 'utf8');
    expect(text).toContain("from 'netc/runtime'"); // outside netc's folder, the package export
    expect(text).toContain('export function createModel');
  });

  it('--print-ir-after-all shows the conv and its tanh apart before fusion and as one node after', async () => {
    const r = await runCli(['compile', 'specs/lenet5.yaml', '--stdout', '--print-ir-after-all']);
    expect(r.code).toBe(0);
    const sections = r.stderr.split(/^\/\/ ----- /m);
    const lowered = sections.find((s) => s.startsWith('training step: IR after lowering'))!;
    const fused = sections.find((s) => s.startsWith('training step: IR after fuse-activations'))!;
    expect(lowered).toContain('%c1: f32[N,24,24,6] = conv2d(%input, %c1.w, %c1.b) {filters=6, kernel=[5,5], padding=[0,0,0,0], stride=[1,1]}');
    expect(lowered).toContain('%c1.tanh: f32[N,24,24,6] = tanh(%c1)');
    expect(fused).toContain('%c1: f32[N,24,24,6] = conv2d(%input, %c1.w, %c1.b) {activation=tanh, filters=6, kernel=[5,5], padding=[0,0,0,0], stride=[1,1]}');
    expect(fused).not.toContain('tanh(%c1)');
    expect(sections.some((s) => s.startsWith('inference: IR after remove-dropout'))).toBe(true);
    expect(r.stdout).toContain('export class Lenet5 extends CompiledModel');
  });

  it('--passes chooses the passes; without plan-memory no module is written', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'netc-compile-'));
    const r = await runCli(['compile', 'specs/lenet5.yaml', '-o', dir, '--passes', 'fuse-activations,autodiff', '--time-passes']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/no module written: code generation needs the autodiff and plan-memory passes/);
    expect(r.stdout).toMatch(/training\s+fuse-activations\s+yes/);
    expect(existsSync(join(dir, 'lenet5.ts'))).toBe(false);
    const unfused = await runCli(['compile', 'specs/lenet5.yaml', '--stdout', '--passes', 'autodiff,plan-memory']);
    expect(unfused.code).toBe(0);
    expect(unfused.stdout).toContain('k.activation(');
  });

  it('--list-passes lists every pass with one line', async () => {
    const r = await runCli(['compile', '--list-passes']);
    expect(r.code).toBe(0);
    for (const p of ['remove-dropout', 'fold-batchnorm', 'fuse-activations', 'fuse-softmax-cross-entropy', 'eliminate-dead-nodes', 'autodiff', 'fuse-activation-grads', 'plan-memory']) {
      expect(r.stdout).toMatch(new RegExp(`^${p}\\s+\\d\\s+\\S`, 'm'));
    }
  });

  it('rejects a bad pass list (exit 2) and a bad spec (exit 1)', async () => {
    const bad = await runCli(['compile', 'specs/lenet5.yaml', '--passes', 'autodiff,fuse-activations']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/must come before/);
    const spec = await runCli(['compile', 'test/fixtures/invalid/cycle.yaml', '--stdout']);
    expect(spec.code).toBe(1);
    expect(spec.stderr).toContain('error NETC3003');
  });

  it('an -o folder that cannot be made is a diagnostic, not a hang: /proc/x makes Node\'s recursive mkdir loop forever', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'netc-compile-')), 'a-file');
    writeFileSync(file, '');
    for (const out of [join(file, 'sub'), ...(existsSync('/proc/self') ? ['/proc/x'] : [])]) {
      const r = await runCli(['compile', 'specs/lenet5.yaml', '-o', out]);
      expect(r.code, out).toBe(1);
      expect(r.stderr, out).toMatch(new RegExp(`error NETC7005: cannot write '${out}/lenet5\\.ts': (ENOTDIR|ENOENT); choose another file or folder`));
    }
  });
});
