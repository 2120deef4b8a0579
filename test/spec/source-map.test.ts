/**
 * The positions of a spec's values are kept by JSON pointer (RFC 6901: `~` written `~0`, `/`
 * written `~1`), and `extends` moves them between files by grafting and removing whole
 * subtrees: a subtree is a pointer and everything below it, never a sibling that only starts with
 * the same characters (`/layers/1` is not the parent of `/layers/10`).
 */
import { describe, expect, it } from 'vitest';
import { parsePointer, pointer, SourceMap } from '../../src/spec/source.js';

const at = (line: number, column = 1, length = 1) => ({ file: 'a.yaml', line, column, length });

/** A map with one entry per pointer, the entry's value at line = its index + 1. */
function mapOf(...pointers: string[]): SourceMap {
  const m = new SourceMap('a.yaml');
  pointers.forEach((p, i) => m.set(parsePointer(p), { value: at(i + 1) }));
  return m;
}

/** The pointers a map holds, each with the line its value is at. */
function entries(m: SourceMap, pointers: string[]): Record<string, number | undefined> {
  return Object.fromEntries(pointers.map((p) => [p, m.get(parsePointer(p))?.value.line]));
}

describe('JSON pointers', () => {
  it('escape ~ as ~0 and / as ~1, and read them back', () => {
    expect(pointer(['a/b', 'c~d', 3])).toBe('/a~1b/c~0d/3');
    expect(parsePointer('/a~1b/c~0d/3')).toEqual(['a/b', 'c~d', '3']);
    // ~01 is an escaped ~ followed by 1, not an escaped /
    expect(parsePointer('/x~01')).toEqual(['x~1']);
    expect(pointer(['x~1'])).toBe('/x~01');
  });

  it('the empty pointer is the whole document', () => {
    expect(pointer([])).toBe('');
    expect(parsePointer('')).toEqual([]);
    expect(parsePointer('/')).toEqual(['']);
  });
});

describe('SourceMap', () => {
  it('locate falls back to the nearest enclosing value, and to 1:1 of its file when nothing encloses', () => {
    const m = new SourceMap('a.yaml');
    expect(m.locate(['x', 'y'])).toEqual({ file: 'a.yaml', line: 1, column: 1, length: 0 });
    m.set(['x'], { key: at(2, 1, 1), value: at(2, 4, 5) });
    expect(m.locate(['x', 'y'])).toEqual(at(2, 4, 5));
    // the key of a missing path is not its parent's key: the parent's value is nearer the problem
    expect(m.locate(['x', 'y'], 'key')).toEqual(at(2, 4, 5));
    expect(m.locate(['x'], 'key')).toEqual(at(2, 1, 1));
    expect(m.locate(['x'], 'value')).toEqual(at(2, 4, 5));
  });

  it('graft copies a subtree, not the siblings whose names start the same way', () => {
    const from = mapOf('/layers', '/layers/1', '/layers/1/name', '/layers/10', '/layers/10/name', '/layers/1x');
    const to = new SourceMap('b.yaml');
    to.graft(from, ['layers', 1], ['moved']);
    expect(entries(to, ['/moved', '/moved/name', '/moved0', '/moved0/name', '/movedx', '/layers/1'])).toEqual({
      '/moved': 2,
      '/moved/name': 3,
      '/moved0': undefined,
      '/moved0/name': undefined,
      '/movedx': undefined,
      '/layers/1': undefined,
    });
  });

  it('remove drops a subtree and keeps its parent and its look-alike siblings', () => {
    const m = mapOf('/layers', '/layers/1', '/layers/1/name', '/layers/10', '/layers/10/name');
    m.remove(['layers', 1]);
    expect(entries(m, ['/layers', '/layers/1', '/layers/1/name', '/layers/10', '/layers/10/name'])).toEqual({
      '/layers': 1,
      '/layers/1': undefined,
      '/layers/1/name': undefined,
      '/layers/10': 4,
      '/layers/10/name': 5,
    });
  });
});
