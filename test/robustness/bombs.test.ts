/**
 * Resource bombs: inputs made to take time or memory — alias expansion, huge or deep documents,
 * files that never end or never open, networks whose memory would exceed the limit — each end
 * in one diagnostic, in well under a second, without the process's memory growing.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BOMB_CPU_MS, cpuTimed } from '../helpers/cpu.js';
import { analyze } from '../../src/driver/analyze.js';
import { compileSpec } from '../../src/driver/compile.js';
import { ARENA_LIMIT_BYTES, formatBytes } from '../../src/driver/memory-limit.js';
import { SOURCE_LIMITS } from '../../src/spec/source.js';
import { runCli } from '../helpers/cli.js';
import { writeIdxDataset } from '../helpers/modules.js';
import { Tally } from './tally.js';

const dir = mkdtempSync(join(tmpdir(), 'netc-bombs-'));
const write = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};
const tally = new Tally(import.meta.url);
afterAll(() => tally.report());

const net = (layers: string, input = '[28, 28, 1]', rest = '') =>
  `netc: 1\nname: bomb\ninput: { shape: ${input} }\nlayers:\n${layers}\n${rest}`;

/** analyze() the file: its diagnostics' codes, the CPU time taken and the memory it kept. */
function measure(file: string): { codes: string[]; ms: number; rssMiB: number; messages: string[] } {
  const rss0 = process.memoryUsage().rss;
  const { value: a, ms } = cpuTimed(() => analyze(file));
  const rssMiB = (process.memoryUsage().rss - rss0) / 1048576;
  const errors = a.diagnostics.filter((d) => d.severity === 'error');
  tally.add('resource bombs', { crashed: false, rejected: errors.length > 0 });
  return { codes: errors.map((d) => d.code), ms, rssMiB, messages: errors.map((d) => d.message) };
}

const fifo = join(dir, 'fifo.yaml');
execFileSync('mkfifo', [fifo]);

const BOMBS: { name: string; file: () => string; codes: string[]; message?: RegExp }[] = [
  {
    name: 'a billion laughs (aliases nine levels deep)',
    file: () => {
      let t = 'netc: 1\nname: lol\na0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n';
      for (let i = 1; i < 10; i++) t += `a${i}: &a${i} [${Array(10).fill(`*a${i - 1}`).join(', ')}]\n`;
      return write('lol.yaml', t);
    },
    codes: ['NETC1004'],
  },
  {
    name: 'aliases used as mapping keys',
    file: () => write('keys.yaml', 'netc: 1\nname: k\nx: &x [1, 2]\n? *x\n: 3\n'),
    codes: ['NETC1001'],
  },
  { name: 'a file over the size limit', file: () => write('big.yaml', 'netc: 1\nname: big\n# ' + 'x'.repeat(SOURCE_LIMITS.maxBytes) + '\n'), codes: ['NETC1005'] },
  {
    name: 'nesting 10,000 levels deep',
    file: () => write('deep.yaml', 'netc: 1\nname: deep\ndescription: ' + '['.repeat(10000) + ']'.repeat(10000) + '\n'),
    codes: ['NETC1006'],
    message: /nests deeper than 32 levels/,
  },
  {
    name: '200,000 list items in a flow sequence',
    file: () => write('wide.yaml', 'netc: 1\nname: wide\ndescription: [' + '0,'.repeat(200_000) + '0]\n'),
    codes: ['NETC1009'],
  },
  {
    name: '150,000 block list items',
    file: () => write('long.yaml', 'netc: 1\nname: long\ndescription:\n' + '- 0\n'.repeat(150_000)),
    codes: ['NETC1009'],
  },
  { name: 'a spec that is /dev/zero', file: () => '/dev/zero', codes: ['NETC1008'] },
  { name: 'a spec that is a FIFO nobody writes to', file: () => fifo, codes: ['NETC1008'] },
  { name: 'extends /dev/zero', file: () => write('ext-zero.yaml', 'netc: 1\nname: z\nextends: /dev/zero\n'), codes: ['NETC6008'] },
  { name: 'extends /dev/urandom', file: () => write('ext-rand.yaml', 'netc: 1\nname: z\nextends: /dev/urandom\n'), codes: ['NETC6008'] },
  { name: 'extends a FIFO', file: () => write('ext-fifo.yaml', 'netc: 1\nname: z\nextends: ./fifo.yaml\n'), codes: ['NETC6008'] },
  {
    name: 'extends a base over the size limit',
    file: () => {
      write('huge-base.yaml', 'netc: 1\nname: big\n# ' + 'x'.repeat(SOURCE_LIMITS.maxBytes) + '\n');
      return write('ext-huge.yaml', 'netc: 1\nname: z\nextends: ./huge-base.yaml\n');
    },
    codes: ['NETC1005', 'NETC6006'],
  },
  {
    name: 'a layer list past the schema’s 4,096',
    file: () => write('many.yaml', net(Array.from({ length: 5000 }, (_, i) => `  - { name: a${i}, op: activation, fn: relu }`).join('\n'))),
    codes: ['NETC2008'],
  },
  {
    name: 'IDX labels that are /dev/zero, and images that are /dev/urandom',
    file: () => {
      const ds = (images: string, labels: string) => `train:\n  dataset: { idx: { train_images: ${images}, train_labels: ${labels}, test_images: ${labels}, test_labels: ${labels} } }\n`;
      return write('idx-zero.yaml', net('  - { name: f, op: flatten }\n  - { name: out, op: dense, units: 10, activation: softmax }', '[28, 28, 1]', ds('/dev/urandom', '/dev/zero')));
    },
    codes: ['NETC7001'],
  },
  {
    name: 'IDX labels that are /dev/zero',
    file: () => {
      const dir2 = mkdtempSync(join(tmpdir(), 'netc-idx-'));
      writeIdxDataset(dir2, [28, 28, 1], 10, 2);
      const f = (n: string) => join(dir2, n);
      return write('idx-zero2.yaml', net('  - { name: f, op: flatten }\n  - { name: out, op: dense, units: 10, activation: softmax }', '[28, 28, 1]', `train:\n  dataset: { idx: { train_images: ${f('train-images.idx')}, train_labels: /dev/zero, test_images: ${f('test-images.idx')}, test_labels: ${f('test-labels.idx')} } }\n`));
    },
    codes: ['NETC7001'],
    message: /\/dev\/zero: is not a regular file/,
  },
  {
    name: 'an input of 65536×65536×65536',
    file: () => write('huge-input.yaml', net('  - { name: f, op: flatten }\n  - { name: d, op: dense, units: 10 }', '[65536, 65536, 65536]')),
    codes: ['NETC4020'],
    message: /needs at least .* GiB of memory \(the network's input gives 65536×65536×65536 per example.*more than netc's limit of 2 GiB/,
  },
  {
    name: 'a dense layer of 10^12 units',
    file: () => write('huge-units.yaml', net('  - { name: f, op: flatten }\n  - { name: d, op: dense, units: 1000000000000 }')),
    codes: ['NETC4020'],
    message: /layer 'd' gives 1000000000000 per example/,
  },
  {
    name: 'padding of 10^11 pixels',
    file: () => write('huge-pad.yaml', net('  - { name: p, op: pad, padding: 100000000000 }')),
    codes: ['NETC4020'],
  },
  {
    name: 'parameters over the limit (a 10,000 × 100,000 dense layer)',
    file: () =>
      write('huge-params.yaml', net('  - { name: f, op: flatten }\n  - { name: wide, op: dense, units: 100000 }\n  - { name: out, op: dense, units: 10, activation: softmax }', '[100, 100, 1]')),
    codes: ['NETC4020'],
    message: /for parameters; 'wide.w' alone is 10000×100000, 3.7 GiB/,
  },
  {
    name: 'a batch of 65,536 28×28×64 tensors',
    file: () => write('huge-batch.yaml', net('  - { name: c, op: conv2d, filters: 64, kernel: 1 }\n  - { name: f, op: flatten }\n  - { name: out, op: dense, units: 10, activation: softmax }', '[28, 28, 1]', 'train: { dataset: mnist, batch_size: 65536 }\n')),
    codes: ['NETC4020'],
    message: /at batch 65,536/,
  },
];

describe('resource bombs end in a diagnostic, in bounded time and memory', () => {
  for (const b of BOMBS) {
    it(b.name, () => {
      const file = b.file();
      const r = measure(file);
      expect(r.codes.sort()).toEqual([...b.codes].sort());
      if (b.message) expect(r.messages.join('\n')).toMatch(b.message);
      expect(r.ms).toBeLessThan(BOMB_CPU_MS);
      expect(r.rssMiB).toBeLessThan(200);
    });
  }

  it('netc check and netc compile say the same, with the figure and the limit', async () => {
    const file = write('cli.yaml', net('  - { name: c, op: conv2d, filters: 100000000, kernel: 1 }'));
    const check = await runCli(['check', file]);
    expect(check.code).toBe(1);
    expect(check.stdout).toMatch(new RegExp(`cli\\.yaml:5:5: error NETC4020: the network needs at least [\\d.e+]+ GiB of memory .*more than netc's limit of ${formatBytes(ARENA_LIMIT_BYTES)}`));
    const compile = await runCli(['compile', file, '-o', join(dir, 'out')]);
    expect(compile.code).toBe(1);
    expect(compile.stderr).toContain('error NETC4020');
  });

  it('the exact figure of compile is checked too: a network just over the limit that only the memory plan shows', () => {
    // 28×28×700 floats per example at the inference batch of 1,000 is 2.04 GiB, and 2.1 GiB with the rest.
    const file = write('just-over.yaml', net('  - { name: c, op: conv2d, filters: 700, kernel: 1 }\n  - { name: f, op: flatten }\n  - { name: out, op: dense, units: 10, activation: softmax }'));
    const { value: c, ms } = cpuTimed(() => compileSpec(file, { outDir: join(dir, 'out') }));
    expect(ms).toBeLessThan(BOMB_CPU_MS);
    expect(c.source).toBeUndefined();
    expect(c.diagnostics.map((d) => d.code)).toEqual(['NETC4020']);
    expect(c.diagnostics[0]!.message).toMatch(/^the network needs (at least )?2\.\d GiB of memory \(layer 'c' gives 28×28×700 per example, 2\.0 GiB at batch 1,000\), more than netc's limit of 2 GiB/);
    expect(c.diagnostics[0]!.loc?.line).toBe(5);
    // With a smaller inference batch the same network fits.
    expect(compileSpec(file, { outDir: join(dir, 'out'), inferBatch: 100 }).source).toBeDefined();
  });

  it('a network of the schema’s 4,096 layers is checked in bounded time', () => {
    const layers = ['  - { name: f, op: flatten }', ...Array.from({ length: 4095 }, (_, i) => `  - { name: d${i}, op: dense, units: 4, activation: relu }`)].join('\n');
    const r = measure(write('4096.yaml', net(layers, '[4, 4, 1]')));
    expect(r.codes).toEqual([]);
    expect(r.ms).toBeLessThan(BOMB_CPU_MS);
  });
});
