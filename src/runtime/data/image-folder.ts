/**
 * A folder of images with one subfolder per class, as Keras's image_dataset_from_directory
 * reads one: the classes are the subfolders' names in sorted order, each holding PNG and JPEG
 * files (in subfolders of its own too); names starting with a dot are skipped, and so are files
 * of other kinds. The test images are a second folder of the same classes, or a fraction of each
 * class's files, evenly spaced through its sorted list, so that the test set keeps the classes'
 * proportions and does not depend on the training seed.
 *
 * The examples of each split are kept in one fixed pseudo-random order (the same in every run),
 * so that validation_split's last fraction and --limit's first images mix the classes, as
 * Keras's shuffle before its validation split does.
 */
import { type Dirent, join, readdirSync, statSync } from '../platform/index.js';
import { hashSeed, Random } from '../random.js';
import { oneHot, toFloats, type Dataset, type LoadOptions, type Split } from './dataset.js';
import { decodeFolder, type DecodedFolder } from './image-cache.js';
import { ImageReadError, type ImageShape } from './images.js';

export const IMAGE_EXTENSIONS: readonly string[] = ['.png', '.jpg', '.jpeg'];

/** Labels are bytes (a Split's `classes`). */
export const MAX_CLASSES = 256;

/** Of each class's images, the fraction tested on when no test folder is named. */
export const DEFAULT_TEST_FRACTION = 0.2;

/** `dataset: { images, test }` as a spec writes it. */
export interface ImageFolderRef {
  readonly images: string;
  /** a folder of the same classes, or the fraction of each class to test on */
  readonly test?: string | number;
}

export const isImageFolderRef = (ref: unknown): ref is ImageFolderRef => typeof ref === 'object' && ref !== null && 'images' in ref;

/** What is wrong with a folder of images; `path` is the folder or file at fault. */
export type FolderProblem =
  | { readonly kind: 'missing'; readonly path: string; readonly what: string }
  | { readonly kind: 'classes'; readonly path: string; readonly classes: readonly string[] }
  | { readonly kind: 'class'; readonly path: string; readonly images: number; readonly others: readonly string[]; readonly fraction?: number }
  | { readonly kind: 'unreadable'; readonly path: string; readonly reason: string }
  | { readonly kind: 'differ'; readonly path: string; readonly train: string; readonly missing: readonly string[]; readonly extra: readonly string[] }
  | { readonly kind: 'count'; readonly path: string; readonly classes: number; readonly outputs: number };

export class ImageFolderError extends Error {
  constructor(
    /** the spec's key the folder comes from */
    readonly key: 'images' | 'test',
    readonly problem: FolderProblem,
  ) {
    super(`${problem.path}: ${problem.kind}`);
    this.name = 'ImageFolderError';
  }
}

export interface FolderListing {
  readonly dir: string;
  /** the class names: the subfolders, sorted */
  readonly classes: readonly string[];
  /** per class, its image files relative to `dir` ('/'-separated), sorted */
  readonly files: readonly (readonly string[])[];
}

const isImage = (name: string) => IMAGE_EXTENSIONS.some((ext) => name.toLowerCase().endsWith(ext));
const visible = (e: Dirent) => !e.name.startsWith('.');
const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** The classes and files of `dir`; a missing folder, fewer than two classes or an empty one throws. */
export function listImageFolder(dir: string, key: 'images' | 'test'): FolderListing {
  const fail = (problem: FolderProblem) => new ImageFolderError(key, problem);
  let isFolder: boolean;
  try {
    isFolder = statSync(dir).isDirectory();
  } catch {
    throw fail({ kind: 'missing', path: dir, what: 'does not exist' });
  }
  if (!isFolder) throw fail({ kind: 'missing', path: dir, what: 'is a file, not a folder' });
  const classes = readdirSync(dir, { withFileTypes: true })
    // a class folder may be a link to one (as Python's isdir follows links)
    .filter((e) => visible(e) && (e.isDirectory() || (e.isSymbolicLink() && statSync(join(dir, e.name), { throwIfNoEntry: false })?.isDirectory())))
    .map((e) => e.name)
    .sort(byName);
  if (classes.length < 2 || classes.length > MAX_CLASSES) throw fail({ kind: 'classes', path: dir, classes });
  const files = classes.map((name) => {
    const others: string[] = [];
    const found = walk(join(dir, name), name, others).sort(byName);
    if (found.length === 0) throw fail({ kind: 'class', path: join(dir, name), images: 0, others });
    return found;
  });
  return { dir, classes, files };
}

/** Image files under `dir`, as `prefix/...`; other files' names go to `others`. */
function walk(dir: string, prefix: string, others: string[]): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (!visible(e)) continue;
    const rel = `${prefix}/${e.name}`;
    if (e.isDirectory()) out.push(...walk(join(dir, e.name), rel, others));
    else if (isImage(e.name)) out.push(rel);
    else others.push(e.name);
  }
  return out;
}

/**
 * Which of a class's `n` sorted files are test images: round(n · fraction) of them, at least one
 * and never all, evenly spaced (the last of each run of n / t files).
 */
export function testPicks(n: number, fraction: number): boolean[] {
  const t = Math.min(n - 1, Math.max(1, Math.round(n * fraction)));
  return Array.from({ length: n }, (_, i) => Math.floor(((i + 1) * t) / n) > Math.floor((i * t) / n));
}

/** Where the training and test images come from, checked as far as the listings go. */
export interface FolderPlan {
  readonly train: FolderListing;
  /** a folder of the same classes, or the fraction of each class to test on */
  readonly test: FolderListing | number;
}

/** List the folders of a ref whose paths are resolved; throws ImageFolderError. */
export function planImageFolder(images: string, test: string | number = DEFAULT_TEST_FRACTION): FolderPlan {
  const train = listImageFolder(images, 'images');
  if (typeof test === 'number') {
    const small = train.files.findIndex((f) => f.length < 2);
    if (small >= 0) throw new ImageFolderError('test', { kind: 'class', path: join(images, train.classes[small]!), images: 1, others: [], fraction: test });
    return { train, test };
  }
  const tested = listImageFolder(test, 'test');
  const missing = train.classes.filter((c) => !tested.classes.includes(c));
  const extra = tested.classes.filter((c) => !train.classes.includes(c));
  if (missing.length > 0 || extra.length > 0) throw new ImageFolderError('test', { kind: 'differ', path: test, train: images, missing, extra });
  return { train, test: tested };
}

/** A decoded folder's examples: their pixels, classes and files, in the listing's order. */
interface Source {
  readonly pixels: Uint8Array;
  readonly labels: readonly number[];
  readonly files: readonly string[];
}

function source(l: FolderListing, pixels: Uint8Array): Source {
  return { pixels, labels: l.files.flatMap((f, c) => f.map(() => c)), files: l.files.flatMap((f) => f.map((x) => join(l.dir, x))) };
}

/** The data set of a plan, each image as the input of `shape`; `numClasses` is the network's. */
export function loadImageFolder(plan: FolderPlan, shape: ImageShape, numClasses: number, options: LoadOptions = {}): Dataset & ImageFolderInfo {
  const listing = plan.train;
  if (listing.classes.length !== numClasses) {
    throw new ImageFolderError('images', { kind: 'count', path: listing.dir, classes: listing.classes.length, outputs: numClasses });
  }
  // evaluating on a test folder (limit 0) needs none of the training images
  const decoded = options.limit === 0 && typeof plan.test !== 'number' ? { pixels: new Uint8Array(0), decoded: 0 } : decode(listing, shape, 'images');
  const train = source(listing, decoded.pixels);
  let test = train;
  let trainOrder: number[];
  let testOrder: number[];
  let count = decoded.decoded;
  if (typeof plan.test === 'number') {
    const picks = listing.files.flatMap((f) => testPicks(f.length, plan.test as number));
    trainOrder = picks.flatMap((p, i) => (p ? [] : [i]));
    testOrder = picks.flatMap((p, i) => (p ? [i] : []));
  } else {
    const tested = decode(plan.test, shape, 'test');
    count += tested.decoded;
    test = source(plan.test, tested.pixels);
    trainOrder = train.labels.map((_, i) => i);
    testOrder = test.labels.map((_, i) => i);
  }
  const size = shape[0] * shape[1] * shape[2];
  const a = split(train, fixedOrder(trainOrder, 'train'), size, numClasses, options.limit ?? Infinity);
  const b = split(test, fixedOrder(testOrder, 'test'), size, numClasses, options.testLimit ?? Infinity);
  return { train: a.split, test: b.split, imageShape: shape, numClasses, classNames: listing.classes, files: { train: a.files, test: b.files }, decoded: count };
}

function decode(l: FolderListing, shape: ImageShape, key: 'images' | 'test'): Pick<DecodedFolder, 'pixels' | 'decoded'> {
  try {
    return decodeFolder(l.dir, l.files.flat(), shape);
  } catch (e) {
    if (e instanceof ImageReadError) throw new ImageFolderError(key, { kind: 'unreadable', path: e.path, reason: e.reason });
    throw e;
  }
}

/** What a folder's data set adds to a Dataset: where each example came from, and how many files were decoded now. */
export interface ImageFolderInfo {
  readonly classNames: readonly string[];
  /** the file of each example of each split, in the split's order */
  readonly files: { readonly train: readonly string[]; readonly test: readonly string[] };
  /** files decoded by this load (0 when the caches held them all) */
  readonly decoded: number;
}

/** The split's examples in a fixed pseudo-random order, the same every run and for every seed. */
function fixedOrder(indices: number[], which: string): number[] {
  const order = Uint32Array.from(indices);
  new Random(hashSeed(0, `image folder ${which}`)).shuffle(order);
  return Array.from(order);
}

/** The examples `order` of a source (the first `limit` of them) as a split. */
function split(p: Source, all: readonly number[], size: number, numClasses: number, limit: number): { split: Split; files: string[] } {
  const order = all.slice(0, Math.min(all.length, limit));
  const bytes = new Uint8Array(order.length * size);
  order.forEach((i, k) => bytes.set(p.pixels.subarray(i * size, (i + 1) * size), k * size));
  const classes = Uint8Array.from(order, (i) => p.labels[i]!);
  return { split: { images: toFloats(bytes), labels: oneHot(classes, numClasses), classes, count: order.length }, files: order.map((i) => p.files[i]!) };
}
