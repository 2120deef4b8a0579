/**
 * Faults while training: a process killed at random moments while writing checkpoints always
 * leaves a loadable one holding at least every step it reported written; damaged checkpoints are
 * refused with a diagnostic, never loaded as garbage; a full disk or an unwritable run folder is
 * a diagnostic — before training when it can be known, and with the last checkpoint kept when
 * the disk fills up during training.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { prepareRunFolder } from '../../src/driver/run-folder.js';
import { CheckpointError, decodeCheckpoint, encodeCheckpoint, readCheckpoint, writeCheckpoint } from '../../src/runtime/checkpoint.js';
import { runCli } from '../helpers/cli.js';
import { killWriters } from '../helpers/kill-writer.js';
import { tinySpec } from '../helpers/modules.js';
import { Tally } from './tally.js';
import { cases } from '../helpers/scale.js';

const tally = new Tally(import.meta.url);
afterAll(() => tally.report());
const tmp = (p: string) => mkdtempSync(join(tmpdir(), p));

describe('a process killed while writing checkpoints', () => {
  it('leaves the previous checkpoint loadable, every time (kill -9 at random moments)', async () => {
    // Kills go on until MID_WRITES of them landed mid-write (at most 200): how many land there
    // depends on how fast this machine writes, so a count of kills would make it a timing test.
    const MID_WRITES = 11;
    const { path, dir, results } = await killWriters({
      kills: 200,
      untilMidWrites: MID_WRITES,
      floats: 1 << 20,
      maxDelayMs: 160,
      seed: 42,
      onKill: (k) => tally.add('kill -9 while writing checkpoints', { crashed: k.error !== undefined }),
    });
    const midWrite = results.filter((k) => k.midWrite).length;
    tally.note('kill -9 while writing checkpoints', `${midWrite} killed between opening and renaming the temporary file`);
    expect(midWrite).toBeGreaterThanOrEqual(MID_WRITES); // the kills did land mid-write
    // Each write that completes removes the temporaries of killed writers: at most the last
    // child's is left, and one more write of the checkpoint removes it too.
    const temporaries = () => readdirSync(dir).filter((f) => f.startsWith('checkpoint.netc.tmp-'));
    expect(temporaries().length).toBeLessThanOrEqual(1);
    writeCheckpoint(path, readCheckpoint(path));
    expect(temporaries()).toEqual([]);
  }, 120_000);
});

const sample = () => ({
  header: {
    model: 'm',
    netcVersion: '0.1.0',
    spec: 'netc: 1\n',
    source: 'spec.yaml',
    seed: 4,
    learningRate: 0.5,
    progress: { epoch: 1, batch: 3, step: 12, lossSum: 1.5, correct: 7, seen: 9, seconds: 0.25 },
    settings: { epochs: 2 },
  },
  params: { 'c.w': Float32Array.from({ length: 40 }, (_, i) => i / 7), 'c.b': new Float32Array([0.1, -2]) },
  state: { 'c.w': new Float32Array(80).fill(3), 'c.b': new Float32Array(4) },
});

/** The bytes of a checkpoint with another header, its lengths and checksum made consistent. */
function withHeader(header: unknown, data = new Float32Array(4)): Uint8Array {
  const json = Buffer.from(JSON.stringify(header));
  const h = Math.ceil(json.length / 4) * 4;
  const out = Buffer.alloc(16 + h + data.byteLength + 4, 0x20);
  out.write('NETCCKPT', 0, 'latin1');
  out.writeUInt32LE(1, 8);
  out.writeUInt32LE(h, 12);
  json.copy(out, 16);
  Buffer.from(data.buffer, data.byteOffset, data.byteLength).copy(out, 16 + h);
  out.writeUInt32LE(crc32(out.subarray(0, out.length - 4)), out.length - 4);
  return out;
}

describe('damaged checkpoints are refused with a CheckpointError, never loaded as garbage', () => {
  const good = encodeCheckpoint(sample());
  const decodes = (bytes: Uint8Array, kind: string): boolean => {
    try {
      decodeCheckpoint('x', bytes);
      tally.add(kind, { crashed: false });
      return true;
    } catch (e) {
      tally.add(kind, { crashed: !(e instanceof CheckpointError), rejected: true });
      if (!(e instanceof CheckpointError)) throw e;
      return false;
    }
  };

  it('truncated anywhere, bits flipped, bytes inserted or overwritten', () => {
    fc.assert(
      fc.property(fc.nat(), fc.nat(), fc.uint8Array({ minLength: 1, maxLength: 8 }), fc.nat(3), (at, bit, bytes, how) => {
        const i = at % good.length;
        const damaged =
          how === 0 ? good.subarray(0, i)
          : how === 1 ? Uint8Array.from(good, (b, j) => (j === i ? b ^ (1 << bit % 8) : b))
          : how === 2 ? Buffer.concat([good.subarray(0, i), bytes, good.subarray(i)])
          : Uint8Array.from(good, (b, j) => (j >= i && j < i + bytes.length ? bytes[j - i]! : b));
        const same = Buffer.from(damaged).equals(Buffer.from(good));
        expect(decodes(damaged, 'damaged checkpoints')).toBe(same);
      }),
      { numRuns: cases(2000), seed: 5 },
    );
  });

  it('with a valid checksum but a header that lies (lengths, offsets, types, names)', () => {
    const base = decodeCheckpoint('x', good).header;
    const lies = fc.oneof(
      fc.record({ tensors: fc.array(fc.record({ name: fc.oneof(fc.string(), fc.constantFrom('__proto__', 'constructor')), kind: fc.oneof(fc.constantFrom('param', 'state'), fc.string()), length: fc.oneof(fc.integer({ min: -5, max: 10 }), fc.double(), fc.string()), offset: fc.oneof(fc.integer({ min: -5, max: 10 }), fc.double(), fc.constant(2 ** 53)) })) }),
      fc.record({ progress: fc.oneof(fc.jsonValue(), fc.record({ epoch: fc.oneof(fc.integer({ min: -2, max: 3 }), fc.string()), step: fc.double() })) }),
      fc.record({ spec: fc.jsonValue(), seed: fc.oneof(fc.jsonValue(), fc.integer({ min: -3, max: 3 })), learningRate: fc.jsonValue() }, { requiredKeys: [] }),
      fc.jsonValue().map((v) => ({ replace: v })),
    );
    fc.assert(
      fc.property(lies, fc.integer({ min: 0, max: 20 }), (lie, floats) => {
        const header = 'replace' in lie ? lie.replace : { ...base, ...lie };
        const bytes = withHeader(header, new Float32Array(floats).fill(1));
        if (decodes(bytes, 'checkpoints with lying headers')) {
          const c = decodeCheckpoint('x', bytes);
          for (const t of c.header.tensors) expect((t.kind === 'param' ? c.params : c.state)[t.name]!.length).toBe(t.length);
          expect(Number.isSafeInteger(c.header.progress.step) && c.header.progress.step >= 0).toBe(true);
        }
      }),
      { numRuns: cases(1000), seed: 6 },
    );
    // A header length that is not a multiple of 4, or runs past the end: refused, not a RangeError.
    const odd = Buffer.from(good);
    odd.writeUInt32LE(odd.readUInt32LE(12) + 1, 12);
    odd.writeUInt32LE(crc32(odd.subarray(0, odd.length - 4)), odd.length - 4);
    expect(() => decodeCheckpoint('odd', odd)).toThrow(CheckpointError);
  });
});

/** A small spec whose checkpoint (about 1.6 MB with Adam's state) is far larger than its module. */
const bigCheckpointSpec = () =>
  tinySpec({ input: [8, 8, 1], classes: 3, layers: '  - { name: flat, op: flatten }\n  - { name: wide, op: dense, units: 2000, activation: relu }\n  - { name: out, op: dense, units: 3, activation: softmax }' });

describe('disks and folders that cannot take the run', () => {
  it('a run folder that cannot be made: NETC7004 before training starts', async () => {
    const file = join(tmp('netc-notdir-'), 'plain-file');
    writeFileSync(file, 'not a folder');
    const r = await runCli(['train', bigCheckpointSpec(), '--out', join(file, 'run'), '--no-progress']);
    tally.add('unwritable run folders and full disks', { crashed: r.code === 3, rejected: r.code === 1 });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/error NETC7004: run folder .*plain-file\/run: cannot write the run folder \(ENOTDIR\)/);
    expect(r.stdout).not.toMatch(/^training/m);
  });

  it('a disk without room for the run: NETC7004 with the figures, before training starts', () => {
    const problem = prepareRunFolder(tmp('netc-room-'), 2 ** 60);
    tally.add('unwritable run folders and full disks', { crashed: false, rejected: problem !== undefined });
    expect(problem).toMatch(/^the disk has [\d.]+ MiB free but the run needs about [\d.]+ MiB; free some space or choose another folder with --out$/);
  });

  it('a disk that fills up while training (a file size limit): NETC7004, no torn checkpoint, exit 1', () => {
    const spec = bigCheckpointSpec();
    const dir = join(tmp('netc-full-'), 'run');
    // 512 KiB per file: the module, spec and metrics fit, the checkpoint does not. Node ignores
    // SIGXFSZ, so the write fails with EFBIG as it would with ENOSPC on a full disk.
    const r = spawnSync('bash', ['-c', 'ulimit -f 512 && exec "$0" bin/netc.js train "$1" --out "$2" --epochs 2 --no-progress --backend reference', process.execPath, spec, dir], {
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1' },
    });
    tally.add('unwritable run folders and full disks', { crashed: r.status === 3, rejected: r.status === 1 });
    expect(r.stderr).not.toMatch(/internal error/);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/error NETC7004: run folder .*: cannot write \(EFBIG, write\); the last checkpoint written is kept/);
    expect(existsSync(join(dir, 'checkpoint.netc'))).toBe(false); // none was ever whole, none is torn
    expect(readdirSync(dir).filter((f) => f.includes('.tmp-'))).toEqual([]);
  }, 60_000);

  it('--resume with a spec.yaml edited so the checkpoint no longer fits: NETC7002', async () => {
    const dir = join(tmp('netc-misfit-'), 'run');
    const first = await runCli(['train', bigCheckpointSpec(), '--out', dir, '--no-progress', '--epochs', '1', '--backend', 'reference']);
    expect(first.code).toBe(0);
    const spec = join(dir, 'spec.yaml');
    writeFileSync(spec, readFileSync(spec, 'utf8').replace('units: 2000', 'units: 1999'));
    const r = await runCli(['train', '--resume', dir, '--epochs', '2', '--no-progress']);
    tally.add('unwritable run folders and full disks', { crashed: r.code === 3, rejected: r.code === 1 });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/error NETC7002: checkpoint .*checkpoint\.netc: does not fit the run's spec\.yaml \(.*\); was the spec edited\?/);
    // and a metrics.json that is not what netc writes
    writeFileSync(spec, readFileSync(spec, 'utf8').replace('units: 1999', 'units: 2000'));
    writeFileSync(join(dir, 'metrics.json'), '{"epochs": 5');
    const m = await runCli(['train', '--resume', dir, '--epochs', '2', '--no-progress']);
    expect(m.code, m.stdout + m.stderr).toBe(1);
    expect(m.stderr).toMatch(/error NETC7004: run folder .*: metrics\.json is not what netc train writes/);
  }, 60_000);
});
