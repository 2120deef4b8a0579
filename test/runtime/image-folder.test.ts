/**
 * Images folders: the listing (classes sorted, hidden and other files skipped), the test split,
 * the decoded images against MNIST's IDX bytes, and the cache beside the folder.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { toFloats } from '../../src/runtime/data/dataset.js';
import { ImageFolderError, listImageFolder, loadImageFolder, planImageFolder, testPicks } from '../../src/runtime/data/image-folder.js';
import { grayPng, mnistImages, writeMnistFolder, type MnistImages } from '../helpers/image-folder.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'netc-images-'));
const SHAPE = [28, 28, 1] as const;
/** the MNIST index a test file holds: its name */
const indexOf = (file: string) => Number(basename(file, '.png'));
const caches = (dir: string) => readdirSync(dir).filter((n) => n.startsWith('.netc-cache-'));

function thrown(f: () => unknown): ImageFolderError {
  try {
    f();
  } catch (e) {
    if (e instanceof ImageFolderError) return e;
    throw e;
  }
  throw new Error('nothing was thrown');
}

describe('listImageFolder', () => {
  it('lists classes (linked ones too) in sorted order and their PNG and JPEG files, nested ones too, skipping hidden and other files', () => {
    const dir = tmp();
    const png = grayPng(new Uint8Array(4), 2, 2);
    for (const f of ['zebra/1.png', 'ant/b.JPG', 'ant/a.png', 'ant/deeper/c.jpeg', 'ant/notes.txt', 'ant/.hidden.png', 'Bee/x.png', '.git/y.png']) {
      mkdirSync(join(dir, f, '..'), { recursive: true });
      writeFileSync(join(dir, f), png);
    }
    writeFileSync(join(dir, 'README.txt'), 'not a class');
    const elsewhere = tmp();
    mkdirSync(join(elsewhere, 'yak'));
    writeFileSync(join(elsewhere, 'yak', '1.png'), png);
    symlinkSync(join(elsewhere, 'yak'), join(dir, 'yak'));
    const l = listImageFolder(dir, 'images');
    expect(l.classes).toEqual(['Bee', 'ant', 'yak', 'zebra']); // code-point order, as Python's sorted()
    expect(l.files).toEqual([['Bee/x.png'], ['ant/a.png', 'ant/b.JPG', 'ant/deeper/c.jpeg'], ['yak/1.png'], ['zebra/1.png']]);
  });

  it('refuses a missing folder, a file, fewer than two classes and a class without images', () => {
    const dir = tmp();
    expect(thrown(() => listImageFolder(join(dir, 'nope'), 'images')).problem).toEqual({ kind: 'missing', path: join(dir, 'nope'), what: 'does not exist' });
    writeFileSync(join(dir, 'file'), '');
    expect(thrown(() => listImageFolder(join(dir, 'file'), 'test')).problem.kind).toBe('missing');
    mkdirSync(join(dir, 'only', 'cat'), { recursive: true });
    writeFileSync(join(dir, 'only', 'cat', '1.png'), grayPng(new Uint8Array(1), 1, 1));
    expect(thrown(() => listImageFolder(join(dir, 'only'), 'images')).problem).toEqual({ kind: 'classes', path: join(dir, 'only'), classes: ['cat'] });
    mkdirSync(join(dir, 'only', 'dog'));
    writeFileSync(join(dir, 'only', 'dog', 'dog.gif'), 'GIF89a');
    const e = thrown(() => listImageFolder(join(dir, 'only'), 'test'));
    expect(e.key).toBe('test');
    expect(e.problem).toEqual({ kind: 'class', path: join(dir, 'only', 'dog'), images: 0, others: ['dog.gif'] });
  });
});

describe('testPicks', () => {
  it.each([
    [5, 0.2, [false, false, false, false, true]],
    [10, 0.2, [false, false, false, false, true, false, false, false, false, true]],
    [10, 0.5, [false, true, false, true, false, true, false, true, false, true]],
    [3, 0.2, [false, false, true]], // at least one
    [2, 0.9, [false, true]], // never all
  ])('%i files, fraction %f', (n, f, want) => expect(testPicks(n, f)).toEqual(want));
});

describe('an images folder of MNIST digits', () => {
  let train: MnistImages;
  let test: MnistImages;
  let dir: string;

  beforeAll(() => {
    train = mnistImages('train', 200);
    test = mnistImages('test', 100);
    dir = tmp();
    writeMnistFolder(join(dir, 'train'), train);
    writeMnistFolder(join(dir, 'test'), test);
  });

  it('decodes to the IDX files’ bytes, bit for bit, with the labels of the folders', () => {
    const data = loadImageFolder(planImageFolder(join(dir, 'train'), join(dir, 'test')), SHAPE, 10);
    expect(data.classNames).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    for (const [split, truth] of [['train', train], ['test', test]] as const) {
      const s = data[split];
      const files = data.files[split];
      expect(s.count).toBe(truth.labels.length);
      expect(new Set(files.map(indexOf)).size).toBe(s.count); // every image once
      const bytes = new Uint8Array(s.count * 784);
      files.forEach((f, k) => bytes.set(truth.pixels.subarray(indexOf(f) * 784, (indexOf(f) + 1) * 784), k * 784));
      expect(s.images).toEqual(toFloats(bytes)); // as loadImages makes IDX bytes into floats
      expect(Array.from(s.classes)).toEqual(files.map((f) => truth.labels[indexOf(f)]));
      expect(Array.from(s.labels.subarray(0, 10)).indexOf(1)).toBe(s.classes[0]);
    }
  });

  it('keeps one fixed order that mixes the classes, and --limit takes its first images', () => {
    const plan = planImageFolder(join(dir, 'train'), join(dir, 'test'));
    const a = loadImageFolder(plan, SHAPE, 10);
    const b = loadImageFolder(plan, SHAPE, 10, { limit: 20, testLimit: 5 });
    expect(b.files.train).toEqual(a.files.train.slice(0, 20));
    expect(b.test.count).toBe(5);
    const evaluation = loadImageFolder(plan, SHAPE, 10, { limit: 0 });
    expect([evaluation.train.count, evaluation.test.count]).toEqual([0, 100]);
    expect(evaluation.files.test).toEqual(a.files.test);
    expect(new Set(b.train.classes).size).toBeGreaterThan(5); // not the folder's order, class by class
  });

  it('tests on a fraction of each class, evenly spaced, when no test folder is named', () => {
    const data = loadImageFolder(planImageFolder(join(dir, 'train'), 0.25), SHAPE, 10);
    const all = listImageFolder(join(dir, 'train'), 'images');
    expect(data.train.count + data.test.count).toBe(200);
    expect(new Set([...data.files.train, ...data.files.test]).size).toBe(200);
    all.files.forEach((files, c) => {
      const tested = data.files.test.filter((f) => basename(join(f, '..')) === String(c)).length;
      expect(tested).toBe(Math.round(files.length * 0.25));
    });
  });

  it('is decoded once: the second load reads the cache, and a changed file makes it decode again', () => {
    const folder = tmp();
    writeMnistFolder(folder, mnistImages('train', 60));
    const plan = () => planImageFolder(folder, 0.2);
    const first = loadImageFolder(plan(), SHAPE, 10);
    expect(first.decoded).toBe(60);
    expect(caches(folder)).toHaveLength(1);
    const second = loadImageFolder(plan(), SHAPE, 10);
    expect(second.decoded).toBe(0);
    expect(second.train.images).toEqual(first.train.images);
    expect(second.test.images).toEqual(first.test.images);
    // another shape is a cache of its own
    expect(loadImageFolder(plan(), [14, 14, 1], 10).decoded).toBe(60);
    expect(caches(folder)).toHaveLength(2);
    // a file rewritten (the same size, another time): decoded again, the outdated cache of its shape removed
    const file = first.files.train[0]!;
    const future = new Date(Date.now() + 60_000);
    writeFileSync(file, grayPng(new Uint8Array(784).fill(255), 28, 28));
    utimesSync(file, future, future);
    const third = loadImageFolder(plan(), SHAPE, 10);
    expect(third.decoded).toBe(60);
    expect(third.train.images.subarray(0, 784).every((v) => v === 1)).toBe(true);
    expect(caches(folder)).toHaveLength(2);
    // a damaged cache is not believed
    const cache = join(folder, caches(folder).find((n) => n.includes('28x28x1'))!);
    const bytes = readFileSync(cache);
    bytes[100] = bytes[100]! ^ 0xff;
    writeFileSync(cache, bytes);
    const fourth = loadImageFolder(plan(), SHAPE, 10);
    expect(fourth.decoded).toBe(60);
    expect(fourth.train.images).toEqual(third.train.images);
  });

  it('names a file it cannot decode', () => {
    const folder = tmp();
    writeMnistFolder(folder, mnistImages('train', 60));
    const bad = join(folder, '5', 'broken.png');
    writeFileSync(bad, 'not a png at all');
    const e = thrown(() => loadImageFolder(planImageFolder(folder, 0.2), SHAPE, 10));
    expect(e.problem).toEqual({ kind: 'unreadable', path: bad, reason: 'is neither a PNG nor a JPEG (it starts with the bytes 6e 6f 74 20)' });
  });

  it('refuses a test folder of other classes, and a class of one image when testing on a fraction', () => {
    const folder = tmp();
    const png = grayPng(new Uint8Array(784), 28, 28);
    for (const f of ['train/a/1.png', 'train/b/1.png', 'train/b/2.png', 'test/a/1.png', 'test/c/1.png']) {
      mkdirSync(join(folder, f, '..'), { recursive: true });
      writeFileSync(join(folder, f), png);
    }
    const differ = thrown(() => planImageFolder(join(folder, 'train'), join(folder, 'test')));
    expect(differ.problem).toEqual({ kind: 'differ', path: join(folder, 'test'), train: join(folder, 'train'), missing: ['b'], extra: ['c'] });
    const small = thrown(() => planImageFolder(join(folder, 'train'), 0.2));
    expect(small.key).toBe('test');
    expect(small.problem).toEqual({ kind: 'class', path: join(folder, 'train', 'a'), images: 1, others: [], fraction: 0.2 });
  });
});
