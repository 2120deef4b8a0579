/**
 * Inputs no real spec resembles — alias bombs, huge or deeply nested documents, endless extends
 * chains — end in one diagnostic, quickly, without exhausting memory.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BOMB_CPU_MS, cpuTimed } from '../helpers/cpu.js';
import { analyze } from '../../src/driver/analyze.js';
import { MAX_EXTENDS_DEPTH } from '../../src/spec/load.js';
import { SOURCE_LIMITS } from '../../src/spec/source.js';

const dir = mkdtempSync(join(tmpdir(), 'netc-limits-'));
const write = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};

function codesOf(file: string): string[] {
  return analyze(file).diagnostics.map((d) => d.code);
}

describe('resource limits', () => {
  it('refuses a billion-laughs alias expansion (NETC1004) in well under a second', () => {
    let text = 'netc: 1\nname: lol\na0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n';
    for (let i = 1; i < 10; i++) {
      const prev = `*a${i - 1}`;
      text += `a${i}: &a${i} [${Array(10).fill(prev).join(', ')}]\n`;
    }
    const file = write('lol.yaml', text);
    const { value, ms } = cpuTimed(() => codesOf(file));
    expect(value).toEqual(['NETC1004']);
    expect(ms).toBeLessThan(BOMB_CPU_MS);
  });

  it('refuses a file over the size limit (NETC1005) without parsing it', () => {
    const file = write('big.yaml', 'netc: 1\nname: big\n# ' + 'x'.repeat(SOURCE_LIMITS.maxBytes) + '\n');
    expect(codesOf(file)).toEqual(['NETC1005']);
  });

  it('refuses nesting deeper than the limit (NETC1006)', () => {
    const depth = SOURCE_LIMITS.maxDepth + 10;
    const file = write('deep.yaml', 'netc: 1\nname: deep\ndescription: ' + '['.repeat(depth) + ']'.repeat(depth) + '\n');
    const a = analyze(file);
    expect(a.diagnostics.map((d) => d.code)).toEqual(['NETC1006']);
    expect(a.diagnostics[0]!.loc?.line).toBe(3);
  });

  it(`refuses an extends chain deeper than ${MAX_EXTENDS_DEPTH} (NETC6004)`, () => {
    write('chain0.yaml', 'netc: 1\nname: c0\ninput: { shape: [28, 28, 1] }\nlayers:\n  - { name: flat, op: flatten }\n');
    for (let i = 1; i <= MAX_EXTENDS_DEPTH + 1; i++) write(`chain${i}.yaml`, `netc: 1\nname: c${i}\nextends: ./chain${i - 1}.yaml\n`);
    const ok = analyze(join(dir, `chain${MAX_EXTENDS_DEPTH - 1}.yaml`));
    expect(ok.ok).toBe(true);
    const deep = analyze(join(dir, `chain${MAX_EXTENDS_DEPTH + 1}.yaml`));
    expect(deep.diagnostics.map((d) => d.code)).toContain('NETC6004');
  });
});
