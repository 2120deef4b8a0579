/**
 * Checkpoints round-trip exactly, a damaged one is refused rather than loaded as garbage, and a
 * new one replaces the old atomically.
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeCheckpoint, encodeCheckpoint, readCheckpoint, writeCheckpoint } from '../../src/runtime/checkpoint.js';
import { killWriters } from '../helpers/kill-writer.js';

const sample = () => ({
  header: {
    model: 'm',
    netcVersion: '0.1.0',
    spec: 'netc: 1\n',
    source: 'spec.yaml',
    seed: 4,
    learningRate: 0.5,
    progress: { epoch: 1, batch: 3, step: 12, lossSum: 1.5, correct: 7, seen: 9, seconds: 0.25 },
  },
  params: { 'c.w': new Float32Array([1.5, -2, Math.PI]), 'c.b': new Float32Array([0.1]) },
  state: { 'c.w': new Float32Array([9, 8, 7, 6, 5, 4]), 'c.b': new Float32Array([3, 2]) },
});

describe('checkpoints', () => {
  const dir = mkdtempSync(join(tmpdir(), 'netc-ckpt-'));

  it('round-trip every tensor bit for bit, and the header', () => {
    const path = join(dir, 'a.netc');
    writeCheckpoint(path, sample());
    const c = readCheckpoint(path);
    expect(c.header.progress).toEqual(sample().header.progress);
    expect(c.header.spec).toBe('netc: 1\n');
    expect(c.params).toEqual(sample().params);
    expect(c.state).toEqual(sample().state);
  });

  it('refuses a truncated, altered or foreign file', () => {
    const bytes = encodeCheckpoint(sample());
    expect(() => decodeCheckpoint('t', bytes.subarray(0, bytes.length - 9))).toThrow(/damaged or truncated/);
    const flipped = Uint8Array.from(bytes);
    flipped[flipped.length - 10]! ^= 1;
    expect(() => decodeCheckpoint('f', flipped)).toThrow(/checksum does not match/);
    expect(() => decodeCheckpoint('x', new TextEncoder().encode('{"not": "a checkpoint"}'))).toThrow(/is not a netc checkpoint/);
    expect(() => readCheckpoint(join(dir, 'none.netc'))).toThrow(/does not exist/);
  });

  it('replaces the previous file, and leaves no temporary file behind', () => {
    const path = join(dir, 'b.netc');
    writeCheckpoint(path, sample());
    const first = readFileSync(path);
    const next = sample();
    next.params['c.b'] = new Float32Array([42]);
    writeCheckpoint(path, next);
    expect(readCheckpoint(path).params['c.b']).toEqual(new Float32Array([42]));
    expect(readFileSync(path).equals(first)).toBe(false);
    writeFileSync(join(dir, 'keep'), '');
    expect(readdirSync(dir).filter((f) => f.includes('.tmp'))).toEqual([]);
  });

  // An overwrite in place passes the test above; only a writer killed mid-write tells them apart.
  it('replaces it atomically: a writer killed at random moments leaves the old or the new checkpoint, whole', async () => {
    // Kill until three kills have landed mid-write (about one in four does; on a busy machine
    // fewer), so that the check is about atomicity, not about the machine's timing.
    const { results } = await killWriters({ kills: 80, untilMidWrites: 3, floats: 1 << 20, maxDelayMs: 120, seed: 7 });
    expect(results.filter((k) => k.midWrite).length).toBe(3);
  }, 120_000);
});
