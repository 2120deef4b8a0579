/**
 * The two platform layers (src/runtime/platform/: Node's, and the browser's that bundlers put in
 * its place) export the same names, and where the browser's computes what Node's does — paths
 * and CRC-32 — it gets Node's answers; where it cannot (files), it says so.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import * as web from '../../src/runtime/platform/browser.js';
import * as node from '../../src/runtime/platform/index.js';

describe('the browser platform layer', () => {
  it('exports what the Node one exports', () => {
    expect(Object.keys(web).sort()).toEqual(Object.keys(node).sort());
    expect(web.platformName).toBe('browser');
  });

  it.each([
    [['a', 'b', 'c.idx']],
    [['/data/mnist', '../fashion', 'x']],
    [['./specs/', 'lenet5.yaml']],
    [['/', 'a//b/', '.', 'c']],
    [['a', '../..', 'b']],
  ])('joins %j as Node does', (parts) => {
    expect(web.join(...parts)).toBe(node.join(...parts));
  });

  it.each(['/a/b/c.yaml', 'a/b/', 'c', '/c', '/', 'a/b.tar.gz'])('splits %s as Node does', (path) => {
    expect([web.dirname(path), web.basename(path), web.basename(path, '.gz'), web.isAbsolute(path)]).toEqual([node.dirname(path), node.basename(path), node.basename(path, '.gz'), node.isAbsolute(path)]);
  });

  it("computes zlib's CRC-32", () => {
    for (const n of [0, 1, 7, 1000, 65537]) {
      const bytes = randomBytes(n);
      expect(web.crc32(bytes)).toBe(node.crc32(bytes));
      // continuing from an earlier value (Node's zlib answers 0 for no bytes whatever it is given)
      if (n > 0) expect(web.crc32(bytes, 12345)).toBe(node.crc32(bytes, 12345));
    }
    expect(web.crc32('netc')).toBe(node.crc32('netc'));
  });

  it('says that files need Node, and what to do instead', () => {
    expect(() => web.readFileSync('/etc/hostname')).toThrow(/reading a file needs Node: .*give it bytes or arrays in memory/);
    expect(web.env('HOME')).toBeUndefined();
  });
});
