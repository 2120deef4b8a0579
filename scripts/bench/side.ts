/**
 * One side of `npm run bench`, in its own process so that its peak memory is its own: trains
 * LeNet-5 (batch 128) for a number of steps on MNIST, then predicts the 10,000 test images, and
 * prints one JSON line. Sides: netc with a backend and thread count, or TensorFlow.js.
 *
 *   tsx scripts/bench/side.ts netc fast 2 200
 *   tsx scripts/bench/side.ts tfjs - 1 3
 */
import { createModel } from '../../generated/lenet5.js';
import { Batcher, loadDataset } from '../../src/runtime/data/dataset.js';
import { datasetFiles, type DatasetFiles } from '../../src/runtime/data/datasets.js';

const [kind = 'netc', backend = 'fast', threadsArg = '2', stepsArg = '200'] = process.argv.slice(2);
const threads = Number(threadsArg);
const steps = Number(stepsArg);
const BATCH = 128;
const data = loadDataset(datasetFiles('mnist', '.') as DatasetFiles, 10);
const order = Uint32Array.from({ length: data.train.count }, (_, i) => i);
const batcher = new Batcher(data.train, BATCH);
const batchAt = (s: number) => batcher.gather(order, (s * BATCH) % (data.train.count - BATCH), BATCH);

async function netc(): Promise<{ train: number; infer: number }> {
  const model = createModel({ seed: 1, backend, threads });
  for (let s = 0; s < 5; s++) model.trainStep(batcher.images, batcher.labels, batchAt(s));
  const t0 = performance.now();
  for (let s = 0; s < steps; s++) model.trainStep(batcher.images, batcher.labels, batchAt(s));
  const train = (steps * BATCH) / ((performance.now() - t0) / 1000);
  model.predict(data.test.images.subarray(0, 1000 * 784), 1000); // warm-up
  const t1 = performance.now();
  model.predict(data.test.images, data.test.count); // in batches of 1,000 (the module's inferBatch)
  const infer = data.test.count / ((performance.now() - t1) / 1000);
  model.close();
  return { train, infer };
}

async function tfjs(): Promise<{ train: number; infer: number }> {
  const tf = await import('@tensorflow/tfjs');
  await tf.setBackend('cpu');
  const m = tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 6, kernelSize: 5, activation: 'tanh' }),
      tf.layers.averagePooling2d({ poolSize: 2, strides: 2 }),
      tf.layers.conv2d({ filters: 16, kernelSize: 5, activation: 'tanh' }),
      tf.layers.averagePooling2d({ poolSize: 2, strides: 2 }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 120, activation: 'tanh' }),
      tf.layers.dense({ units: 84, activation: 'tanh' }),
      tf.layers.dense({ units: 10, activation: 'softmax' }),
    ],
  });
  m.compile({ optimizer: tf.train.adam(0.001), loss: 'categoricalCrossentropy' });
  const step = async (s: number) => {
    const n = batchAt(s);
    const x = tf.tensor4d(batcher.images.subarray(0, n * 784), [n, 28, 28, 1]);
    const y = tf.tensor2d(batcher.labels.subarray(0, n * 10), [n, 10]);
    await m.trainOnBatch(x, y);
    x.dispose();
    y.dispose();
  };
  await step(0);
  const t0 = performance.now();
  for (let s = 0; s < steps; s++) await step(s + 1);
  const train = (steps * BATCH) / ((performance.now() - t0) / 1000);
  const x = tf.tensor4d(data.test.images.subarray(0, 1000 * 784), [1000, 28, 28, 1]);
  const t1 = performance.now();
  (m.predict(x) as import('@tensorflow/tfjs').Tensor).dataSync();
  const infer = 1000 / ((performance.now() - t1) / 1000);
  return { train, infer };
}

const r = kind === 'tfjs' ? await tfjs() : await netc();
const peakMiB = process.resourceUsage().maxRSS / 1024;
process.stdout.write(JSON.stringify({ side: kind === 'tfjs' ? 'tfjs' : `netc-${backend}-${threads}`, steps, ...r, peakMiB }) + '\n');
