/**
 * Image folders for tests: MNIST's first images written as PNG files, one subfolder per digit,
 * named by their index in MNIST so that a test can tell which image each file holds.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pngjs from 'pngjs';
import { readIdx } from '../../src/runtime/data/idx.js';
import { datasetFiles, type DatasetFiles } from '../../src/runtime/data/datasets.js';

export interface MnistImages {
  /** count × 784 bytes */
  readonly pixels: Uint8Array;
  readonly labels: Uint8Array;
}

/** The first `count` images of an MNIST split, as the IDX files hold them. */
export function mnistImages(split: 'train' | 'test', count: number): MnistImages {
  const f = datasetFiles('mnist', '.') as DatasetFiles;
  const images = readIdx(split === 'train' ? f.trainImages : f.testImages);
  const labels = readIdx(split === 'train' ? f.trainLabels : f.testLabels);
  return { pixels: images.data.slice(0, count * 784), labels: labels.data.slice(0, count) };
}

/** A gray PNG of `width` × `height` bytes. */
export function grayPng(bytes: Uint8Array, width: number, height: number): Buffer {
  const png = new pngjs.PNG({ width, height });
  for (let i = 0; i < width * height; i++) png.data.set([bytes[i]!, bytes[i]!, bytes[i]!, 255], i * 4);
  return pngjs.PNG.sync.write(png, { colorType: 0 });
}

/** `dir/<digit>/<index>.png` for each image; returns the files by MNIST index. */
export function writeMnistFolder(dir: string, images: MnistImages): string[] {
  const files: string[] = [];
  for (let i = 0; i < images.labels.length; i++) {
    const folder = join(dir, String(images.labels[i]));
    mkdirSync(folder, { recursive: true });
    files.push(join(folder, `${String(i).padStart(5, '0')}.png`));
    writeFileSync(files[i]!, grayPng(images.pixels.subarray(i * 784, (i + 1) * 784), 28, 28));
  }
  return files;
}
