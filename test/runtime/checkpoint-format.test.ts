/**
 * The checkpoint file against the layout its documentation gives (src/runtime/checkpoint.ts):
 * files built here byte by byte from that layout are read, the writer's bytes are taken apart
 * by the same layout, and files whose checksum is right but whose header is not what netc
 * writes are refused, each naming what is wrong, never loaded as garbage.
 */
import { crc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { CheckpointError, decodeCheckpoint, encodeCheckpoint } from '../../src/runtime/checkpoint.js';

const progress = { epoch: 2, batch: 1, step: 9, lossSum: 3.25, correct: 5, seen: 8, seconds: 1.5 };
const header = { model: 'm', netcVersion: '0.1.0', spec: 'netc: 1\n', source: 's.yaml', seed: 3, learningRate: 0.01, progress };

/**
 * A checkpoint as the layout describes it: "NETCCKPT", version, header length H (a multiple of
 * 4, the JSON padded with spaces), the header, the floats, the CRC-32 of everything before it.
 */
function build(h: unknown, floats: number[] = [], options: { version?: number; headerLength?: number; extraBytes?: number } = {}): Uint8Array {
  let json = JSON.stringify(h);
  while (json.length % 4 !== 0) json += ' ';
  const H = options.headerLength ?? json.length;
  const body = Buffer.alloc(16 + json.length + floats.length * 4 + (options.extraBytes ?? 0));
  body.write('NETCCKPT', 0, 'latin1');
  body.writeUInt32LE(options.version ?? 1, 8);
  body.writeUInt32LE(H, 12);
  body.write(json, 16, 'utf8');
  floats.forEach((f, i) => body.writeFloatLE(f, 16 + json.length + 4 * i));
  const crc = Buffer.alloc(4);
  crc.writeUInt32LE(crc32(body));
  return Buffer.concat([body, crc]);
}

const tensors = [
  { name: 'w', kind: 'param', length: 2, offset: 0 },
  { name: 'm', kind: 'state', length: 1, offset: 2 },
];

/** The problem a refused file reports (the path is not part of it). */
function refusal(bytes: Uint8Array): string {
  try {
    decodeCheckpoint('ck', bytes);
  } catch (e) {
    expect(e).toBeInstanceOf(CheckpointError);
    return (e as CheckpointError).problem;
  }
  throw new Error('the checkpoint was accepted');
}

describe('the checkpoint layout', () => {
  it('reads a file built from the documented layout', () => {
    const c = decodeCheckpoint('ck', build({ ...header, tensors }, [1.5, -2, 0.25]));
    expect(c.header.progress).toEqual(progress);
    expect(c.header.seed).toBe(3);
    expect({ ...c.params }).toEqual({ w: Float32Array.of(1.5, -2) });
    expect({ ...c.state }).toEqual({ m: Float32Array.of(0.25) });
  });

  it('writes the documented layout: magic, version 1, an aligned header, the floats in order, the CRC', () => {
    const bytes = Buffer.from(encodeCheckpoint({ header, params: { a: Float32Array.of(1, 2), b: Float32Array.of(3) }, state: { s: Float32Array.of(4) } }));
    expect(bytes.toString('latin1', 0, 8)).toBe('NETCCKPT');
    expect(bytes.readUInt32LE(8)).toBe(1);
    const H = bytes.readUInt32LE(12);
    expect(H % 4).toBe(0);
    const json = JSON.parse(bytes.toString('utf8', 16, 16 + H)) as { tensors: unknown };
    expect(json.tensors).toEqual([
      { name: 'a', kind: 'param', length: 2, offset: 0 },
      { name: 'b', kind: 'param', length: 1, offset: 2 },
      { name: 's', kind: 'state', length: 1, offset: 3 },
    ]);
    const floats = Array.from({ length: 4 }, (_, i) => bytes.readFloatLE(16 + H + 4 * i));
    expect(floats).toEqual([1, 2, 3, 4]);
    expect(bytes.length).toBe(16 + H + 16 + 4);
    expect(bytes.readUInt32LE(bytes.length - 4)).toBe(crc32(bytes.subarray(0, bytes.length - 4)));
  });

  it('pads the header with spaces to a multiple of 4 bytes, whatever its length', () => {
    for (const model of ['m', 'mm', 'mmm', 'mmmm']) {
      const bytes = Buffer.from(encodeCheckpoint({ header: { ...header, model }, params: { w: Float32Array.of(7) }, state: {} }));
      const H = bytes.readUInt32LE(12);
      expect(H % 4).toBe(0);
      const text = bytes.toString('utf8', 16, 16 + H);
      expect(text.trimEnd()).toBe(JSON.stringify({ ...header, model, tensors: [{ name: 'w', kind: 'param', length: 1, offset: 0 }] }));
      expect(text.length - text.trimEnd().length).toBeLessThan(4);
      expect(bytes.readFloatLE(16 + H)).toBe(7);
      expect(decodeCheckpoint('ck', bytes).header.model).toBe(model);
    }
  });
});

describe('a checkpoint with a right checksum and a wrong layout', () => {
  it('is refused when it is too short to hold the fixed fields, or of another version', () => {
    expect(refusal(Buffer.from('NETCCKPT'))).toMatch(/not a netc checkpoint/);
    expect(refusal(build({ ...header, tensors: [] }, [], { version: 2 }))).toMatch(/format 2; this netc reads format 1/);
  });

  it('is refused when the header length is not aligned or runs past the data', () => {
    const ok = build({ ...header, tensors: [] });
    const H = Buffer.from(ok).readUInt32LE(12);
    expect(refusal(build({ ...header, tensors: [] }, [], { headerLength: H - 2 }))).toMatch(`header length (${H - 2})`);
    expect(refusal(build({ ...header, tensors: [] }, [], { headerLength: H + 4 }))).toMatch(/header length/);
    // exactly up to the checksum is fine: no data at all
    expect(decodeCheckpoint('ck', ok).header.tensors).toEqual([]);
  });

  it('is refused when the data is not a whole number of floats, or a tensor lies past it', () => {
    expect(refusal(build({ ...header, tensors }, [1, 2, 3], { extraBytes: 2 }))).toMatch(/whole number of floats/);
    expect(refusal(build({ ...header, tensors }, [1, 2]))).toMatch(/tensor 'm' lies past the end/);
    // a tensor that ends exactly at the end of the data is inside it
    expect(decodeCheckpoint('ck', build({ ...header, tensors }, [1, 2, 3])).state.m).toEqual(Float32Array.of(3));
  });

  it('is refused when it holds a tensor twice, but a parameter and a state may share a name', () => {
    const twice = [tensors[0], { ...tensors[0], offset: 1, length: 1 }];
    expect(refusal(build({ ...header, tensors: twice }, [1, 2]))).toMatch(/holds tensor 'w' twice/);
    const shared = decodeCheckpoint('ck', build({ ...header, tensors: [tensors[0], { name: 'w', kind: 'state', length: 1, offset: 2 }] }, [1, 2, 3]));
    expect([shared.params.w, shared.state.w]).toEqual([Float32Array.of(1, 2), Float32Array.of(3)]);
    // '__proto__' is a tensor name like any other
    const proto = decodeCheckpoint('ck', build({ ...header, tensors: [{ name: '__proto__', kind: 'param', length: 1, offset: 0 }] }, [5]));
    expect(Object.keys(proto.params)).toEqual(['__proto__']);
  });

  it('is refused when its header is not JSON or not an object', () => {
    const notJson = Buffer.from(build({ ...header, tensors: [] }));
    notJson.write('}{', 16, 'latin1');
    notJson.writeUInt32LE(crc32(notJson.subarray(0, notJson.length - 4)), notJson.length - 4);
    expect(refusal(notJson)).toMatch(/unreadable header/);
    expect(refusal(build([1, 2]))).toMatch(/not a JSON object/);
    expect(refusal(build(null))).toMatch(/not a JSON object/);
  });

  // each field later code relies on, made wrong in turn: [what changes, the problem named]
  const wrongHeaders: [string, Record<string, unknown>, RegExp][] = [
    ['model', { model: 7 }, /'model' is not text/],
    ['netcVersion', { netcVersion: undefined }, /'netcVersion' is not text/],
    ['spec', { spec: null }, /'spec' is not text/],
    ['source', { source: ['s'] }, /'source' is not text/],
    ['seed', { seed: 1.5 }, /'seed' is not a whole number/],
    ['seed', { seed: -1 }, /'seed' is not a whole number/],
    ['seed', { seed: '3' }, /'seed' is not a whole number/],
    ['learningRate', { learningRate: '0.1' }, /'learningRate' is not a number/],
    ['learningRate', { learningRate: null }, /'learningRate' is not a number/],
    ['progress', { progress: undefined }, /'progress' is missing/],
    ['progress', { progress: [1] }, /'progress' is missing/],
    ['progress.epoch', { progress: { ...progress, epoch: -1 } }, /'progress.epoch' is not a count/],
    ['progress.batch', { progress: { ...progress, batch: 0.5 } }, /'progress.batch' is not a count/],
    ['progress.step', { progress: { ...progress, step: 2 ** 53 } }, /'progress.step' is not a count/],
    ['progress.correct', { progress: { ...progress, correct: '5' } }, /'progress.correct' is not a count/],
    ['progress.seen', { progress: { ...progress, seen: undefined } }, /'progress.seen' is not a count/],
    ['progress.lossSum', { progress: { ...progress, lossSum: '1' } }, /'progress.lossSum' is not a number/],
    ['progress.seconds', { progress: { ...progress, seconds: undefined } }, /'progress.seconds' is not a number/],
    ['settings', { settings: 'fast' }, /'settings' is not an object/],
    ['settings', { settings: [] }, /'settings' is not an object/],
    ['tensors', { tensors: {} }, /'tensors' is not a list/],
    ['a tensor', { tensors: [null] }, /tensor 1 is not/],
    ['a tensor name', { tensors: [{ name: 1, kind: 'param', length: 0, offset: 0 }] }, /tensor 1 is not/],
    ['a tensor kind', { tensors: [{ name: 'w', kind: 'grad', length: 0, offset: 0 }] }, /tensor 1 is not/],
    ['a tensor length', { tensors: [{ name: 'w', kind: 'param', length: -1, offset: 0 }] }, /tensor 1 is not/],
    ['a tensor offset', { tensors: [{ name: 'w', kind: 'state', length: 0, offset: 0.5 }] }, /tensor 1 is not/],
    ['the second tensor', { tensors: [tensors[0], { name: 'm', kind: 'state', length: 1 }] }, /tensor 2 is not/],
  ];

  it.each(wrongHeaders)('is refused when %s is wrong', (_, change, problem) => {
    expect(refusal(build({ ...header, tensors: [], ...change }, [0, 0, 0]))).toMatch(problem);
  });

  it('accepts what the checks allow: settings as an object, a seed and counts of 0, negative lossSum', () => {
    const h = { ...header, seed: 0, settings: { epochs: 3 }, progress: { ...progress, epoch: 0, lossSum: -1 }, tensors: [] };
    expect(decodeCheckpoint('ck', build(h)).header).toEqual(h);
  });
});
