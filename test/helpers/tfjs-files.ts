/**
 * TensorFlow.js Layers models to and from files, the way a TensorFlow.js user's code reads and
 * writes them (tf.io.fileSystem exists only in tfjs-node): model.json plus the weight files its
 * manifest names. Nothing here uses netc's own reader or writer.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs';

/** tf.loadLayersModel through an IO handler that reads model.json and its shards from disk. */
export async function loadLayersModelFrom(modelJsonPath: string): Promise<tf.LayersModel> {
  const handler: tf.io.IOHandler = {
    async load() {
      const json = JSON.parse(readFileSync(modelJsonPath, 'utf8'));
      const groups = json.weightsManifest as { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
      const buffers = groups.flatMap((g) => g.paths.map((p) => readFileSync(join(dirname(modelJsonPath), p))));
      const all = Buffer.concat(buffers);
      return {
        modelTopology: json.modelTopology,
        format: json.format,
        generatedBy: json.generatedBy,
        convertedBy: json.convertedBy,
        weightSpecs: groups.flatMap((g) => g.weights),
        weightData: all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength),
        ...(json.userDefinedMetadata ? { userDefinedMetadata: json.userDefinedMetadata } : {}),
      };
    },
  };
  return tf.loadLayersModel(handler);
}

/** model.save into a folder as model.json and weights.bin, as tfjs-node's file:// saver lays them out. */
export async function saveLayersModelTo(model: tf.LayersModel, dir: string): Promise<string> {
  mkdirSync(dir, { recursive: true });
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const data = artifacts.weightData as ArrayBuffer;
      writeFileSync(join(dir, 'weights.bin'), Buffer.from(data));
      const json = {
        modelTopology: artifacts.modelTopology,
        format: artifacts.format,
        generatedBy: artifacts.generatedBy,
        convertedBy: artifacts.convertedBy,
        weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs }],
      };
      writeFileSync(join(dir, 'model.json'), JSON.stringify(json));
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  return join(dir, 'model.json');
}

/** model.predict on n images [n, ...shape], as one Float32Array. */
export function predictWith(model: tf.LayersModel, images: Float32Array, shape: readonly number[]): Float32Array {
  const n = images.length / shape.reduce((a, d) => a * d, 1);
  return tf.tidy(() => (model.predict(tf.tensor(images, [n, ...shape])) as tf.Tensor).dataSync() as Float32Array);
}
