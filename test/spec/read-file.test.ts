/**
 * What `loadSpec` says about the file itself, before any spec is in it: a folder, a device, a
 * file that is missing or cannot be reached, one at and one past the size limit (also when the
 * system does not know its size), one that holds no mapping. Each message is the user's whole
 * explanation, so each is checked in full; and no file is left open.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readlinkSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../src/diagnostics/diagnostics.js';
import { loadSpec, readSpecFile } from '../../src/spec/load.js';
import { SOURCE_LIMITS } from '../../src/spec/source.js';

const dir = mkdtempSync(join(tmpdir(), 'netc-read-file-'));
const write = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};
const brief = (d: Diagnostic) => ({ code: d.code, message: d.message, loc: d.loc });
const at = (file: string, line: number, column: number, length: number) => ({ file, line, column, length });

const SPEC = 'netc: 1\nname: ok\ninput: { shape: [4, 4, 1] }\nlayers:\n  - { name: flat, op: flatten }\n';

describe('what is not a spec file', () => {
  it('a folder', () => {
    const folder = join(dir, 'folder.yaml');
    mkdirSync(folder);
    expect(loadSpec(folder).diagnostics.map(brief)).toEqual([
      { code: 'NETC1008', message: `'${folder}' is a folder, not a spec file; name a YAML file`, loc: undefined },
    ]);
  });

  it('a device', () => {
    expect(loadSpec('/dev/null').diagnostics.map(brief)).toEqual([
      { code: 'NETC1008', message: "'/dev/null' is a device, pipe or socket, not a spec file; name a YAML file", loc: undefined },
    ]);
  });

  it('a file that does not exist, or under a file', () => {
    const missing = join(dir, 'missing.yaml');
    const under = join(write('plain.txt', 'x'), 'spec.yaml');
    for (const f of [missing, under]) {
      expect(readSpecFile(f)).toEqual({ missing: true });
      expect(loadSpec(f).diagnostics.map(brief)).toEqual([{ code: 'NETC1002', message: `cannot read '${f}': no such file`, loc: undefined }]);
    }
  });

  it('a file that cannot be reached: the system’s reason, once', () => {
    const loop = join(dir, 'loop-a.yaml');
    symlinkSync(join(dir, 'loop-b.yaml'), loop);
    symlinkSync(loop, join(dir, 'loop-b.yaml'));
    expect(loadSpec(loop).diagnostics.map(brief)).toEqual([
      { code: 'NETC1002', message: `cannot read '${loop}': ELOOP: too many symbolic links encountered`, loc: undefined },
    ]);
    const long = join(dir, 'x'.repeat(300) + '.yaml');
    expect(readSpecFile(long)).toEqual({ error: 'ENAMETOOLONG: name too long' });
  });
});

describe('size', () => {
  const padded = (bytes: number) => SPEC + '#' + 'x'.repeat(bytes - SPEC.length - 2) + '\n';

  it('a file of exactly the limit is read', () => {
    const f = write('exact.yaml', padded(SOURCE_LIMITS.maxBytes));
    expect(statSync(f).size).toBe(SOURCE_LIMITS.maxBytes);
    const r = loadSpec(f);
    expect(r.diagnostics).toEqual([]);
    expect(r.sources.get(f)).toHaveLength(SOURCE_LIMITS.maxBytes);
  });

  it('one byte more is refused at its first line, and not kept', () => {
    const f = write('over.yaml', padded(SOURCE_LIMITS.maxBytes + 1));
    const r = loadSpec(f);
    expect(r.diagnostics.map(brief)).toEqual([
      { code: 'NETC1005', message: 'the file is 1,048,577 bytes; specs are limited to 1,048,576 bytes', loc: at(f, 1, 1, 0) },
    ]);
    expect(r.sources.size).toBe(0);
  });

  const sizeless = '/proc/kallsyms';
  it.skipIf(!existsSync(sizeless) || statSync(sizeless).size !== 0)('a file whose size the system does not say: read up to the limit and one byte', () => {
    expect(readSpecFile(sizeless)).toEqual({ tooLarge: SOURCE_LIMITS.maxBytes + 1 });
    const r = loadSpec(sizeless);
    expect(r.diagnostics.map(brief)).toEqual([
      { code: 'NETC1005', message: 'the file is 1,048,577 bytes; specs are limited to 1,048,576 bytes', loc: at(sizeless, 1, 1, 0) },
    ]);
    expect(r.sources.size).toBe(0);
  });
});

describe('a file that holds no mapping', () => {
  const holds = (what: string) => `a spec must be a YAML mapping with the keys netc, name, input and layers, but this file holds ${what}`;

  it.each([
    ['an empty file', '', 'nothing', undefined],
    ['null', 'null\n', 'nothing', [1, 1, 4]],
    ['a number', '42\n', 'a single value', [1, 1, 2]],
    ['a string', 'netc\n', 'a single value', [1, 1, 4]],
    ['a list', '- a\n- b\n', 'a list', [1, 1, 8]],
  ] as const)('%s', (_, text, what, place) => {
    const f = write('not-a-mapping.yaml', text);
    const loc = place ? at(f, place[0], place[1], place[2]) : at(f, 1, 1, 0);
    expect(loadSpec(f).diagnostics.map(brief)).toEqual([{ code: 'NETC1003', message: holds(what), loc }]);
  });
});

it('no file is left open, whatever was found in it', () => {
  const files = [write('good.yaml', SPEC), write('broken.yaml', 'a: [\n'), write('big.yaml', '#' + 'x'.repeat(SOURCE_LIMITS.maxBytes + 1))];
  for (const f of files) loadSpec(f);
  const open = readdirSync('/proc/self/fd').flatMap((fd) => {
    try {
      return [readlinkSync(`/proc/self/fd/${fd}`)];
    } catch {
      return []; // closed while listing (the listing's own)
    }
  });
  expect(open.filter((p) => files.includes(p))).toEqual([]);
});
