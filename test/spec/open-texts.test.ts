/**
 * `analyze(file, ..., texts)`: texts that stand for files (an editor's unsaved buffers) are read
 * instead of the disk, for the spec and for the bases it extends, even a base not yet saved.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze } from '../../src/driver/analyze.js';

const lenet = readFileSync('specs/lenet5.yaml', 'utf8');
const dir = mkdtempSync(join(tmpdir(), 'netc-open-texts-'));
const spec = join(dir, 'spec.yaml');
writeFileSync(spec, lenet);

describe('analyze with open texts', () => {
  it('reads the spec from its text, not the disk', () => {
    expect(analyze(spec).ok).toBe(true);
    const r = analyze(spec, { training: true }, {}, new Map([[spec, lenet.replace('units: 84', 'units: -84')]]));
    expect(r.diagnostics.map((d) => [d.code, d.loc?.file, d.loc?.line])).toEqual([['NETC2006', spec, 16]]);
    expect(r.sources.get(spec)).toContain('units: -84');
  });

  it('reads a base from its text, also one that is not on disk', () => {
    const variant = join(dir, 'variant.yaml');
    writeFileSync(variant, 'extends: ./unsaved.yaml\nname: v\npatch:\n  f6: { units: 32 }\n');
    expect(analyze(variant).diagnostics.map((d) => d.code)).toEqual(['NETC6001']);
    const r = analyze(variant, { training: true }, {}, new Map([[join(dir, 'unsaved.yaml'), lenet]]));
    expect(r.ok).toBe(true);
    expect(r.summary?.layers.find((l) => l.name === 'f6')?.shape).toEqual([32]);
  });
});
