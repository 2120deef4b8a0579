/** makeDirs: `mkdir -p` that ends with the first real error instead of Node's endless retry. */
import { existsSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeDirs } from '../../src/runtime/make-dirs.js';

describe('makeDirs', () => {
  it('makes every missing folder of a path, and accepts one that exists', () => {
    const root = mkdtempSync(join(tmpdir(), 'netc-dirs-'));
    const deep = join(root, 'a', 'b', 'c');
    makeDirs(deep);
    expect(statSync(deep).isDirectory()).toBe(true);
    makeDirs(deep);
    makeDirs(root);
    expect(statSync(join(root, 'a', 'b')).isDirectory()).toBe(true);
  });

  it('throws ENOTDIR through a file, and EEXIST for a file at the path itself', () => {
    const root = mkdtempSync(join(tmpdir(), 'netc-dirs-'));
    const file = join(root, 'f');
    writeFileSync(file, '');
    expect(() => makeDirs(join(file, 'sub', 'deeper'))).toThrow(expect.objectContaining({ code: 'ENOTDIR' }));
    expect(() => makeDirs(file)).toThrow(expect.objectContaining({ code: 'EEXIST' }));
  });

  it.runIf(existsSync('/proc/self'))('throws ENOENT under /proc, where mkdirSync(…, { recursive: true }) never returns', () => {
    expect(() => makeDirs('/proc/netc-test/x')).toThrow(expect.objectContaining({ code: 'ENOENT' }));
  });
});
