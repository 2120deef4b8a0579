/**
 * What writeFileAtomic leaves in the folder: the target with the new bytes, no temporary file
 * of its own after a success or a failure, and of the temporaries other writers left, only those
 * of processes still running (and anything that is not a temporary of this file). The kill-a-
 * writer test in checkpoint.test.ts checks the other half: what a killed writer leaves behind.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeFileAtomic } from '../../src/runtime/atomic.js';

/** The pid of a process that has exited (pids are not reused this soon). */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(r.stdout);
}

const folder = () => mkdtempSync(join(tmpdir(), 'netc-atomic-'));

describe('writeFileAtomic', () => {
  it('writes the bytes, replacing the old file, and leaves no temporary of its own', () => {
    const dir = folder();
    const file = join(dir, 'model.ckpt');
    writeFileSync(file, 'old contents, longer than the new');
    writeFileAtomic(file, 'new');
    expect(readFileSync(file, 'utf8')).toBe('new');
    const bytes = Uint8Array.from({ length: 70_000 }, (_, i) => (i * 7) % 256);
    writeFileAtomic(file, bytes);
    expect(new Uint8Array(readFileSync(file))).toEqual(bytes);
    expect(readdirSync(dir)).toEqual(['model.ckpt']);
  });

  it('removes the temporaries of writers that are gone, and only those', () => {
    const dir = folder();
    const file = join(dir, 'model.ckpt');
    const dead = deadPid();
    const keep = [
      `model.ckpt.tmp-${process.ppid}`, // its writer still runs
      'model.ckpt.tmp-abc', // not a pid
      'model.ckpt.tmp-0', // not a pid either
      `other.ckpt.tmp-${dead}`, // another file's
      `model.ckpt.tmp-${dead}.bak`, // not a temporary's name
    ];
    for (const name of [...keep, `model.ckpt.tmp-${dead}`]) writeFileSync(join(dir, name), 'torn');
    writeFileAtomic(file, 'whole');
    expect(readdirSync(dir).sort()).toEqual([...keep, 'model.ckpt'].sort());
    expect(readFileSync(file, 'utf8')).toBe('whole');
  });

  it('throws and leaves nothing when the rename fails, and the folder as it was', () => {
    const dir = folder();
    const target = join(dir, 'a-folder');
    mkdirSync(join(target, 'inside'), { recursive: true });
    expect(() => writeFileAtomic(target, 'bytes')).toThrow(/EISDIR|ENOTEMPTY|EEXIST|EPERM/);
    expect(readdirSync(dir)).toEqual(['a-folder']);
  });

  it('throws when the folder does not exist, creating nothing', () => {
    const dir = folder();
    expect(() => writeFileAtomic(join(dir, 'missing', 'model.ckpt'), 'bytes')).toThrow(/ENOENT/);
    expect(readdirSync(dir)).toEqual([]);
  });
});
