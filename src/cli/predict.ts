/** `netc predict <run folder or checkpoint> <image file | test index>`: the class and its probabilities. */
import { existsSync } from 'node:fs';
import { parse, UsageError } from './args.js';
import { isImageFolderRef } from '../runtime/data/image-folder.js';
import { classNamesOf, loadSpecData } from '../driver/data.js';
import { restore } from '../driver/from-checkpoint.js';
import { imageFromFile } from './image.js';
import { style } from './output.js';
import { printDiagnostics } from './print-diagnostics.js';
import { Messages } from '../diagnostics/messages.js';

export const predictUsage = `usage: netc predict <run folder or checkpoint> <image.png | image.jpg | index> [--json]

Prints the predicted class of one image and the probability of every class. The image is a PNG
or JPEG file, or the index of an image in the data set's test split. A model trained on an
images folder gets the file made as the folder's images were (gray or RGB, resized); any other
is scaled to the network's input and inverted if its background is light, as MNIST's digits are
white on black.

  --json    print one JSON document {image, label?, predicted, class, probabilities}`;

export async function runPredict(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } });
  if (values.help) {
    process.stdout.write(predictUsage + '\n');
    return 0;
  }
  if (positionals.length !== 2) throw new UsageError('name a run folder or checkpoint, then a PNG or JPEG file or a test image index');
  const [from, what] = positionals as [string, string];
  const isIndex = /^\d+$/.test(what) && !existsSync(what);
  // a file that is not there is a mistake in the input, as for every command (exit 1), not in the command line
  if (!isIndex && !existsSync(what)) {
    printDiagnostics([Messages.CannotRead.at(undefined, what, 'no such file; name a PNG or JPEG file, or a test image by its index (a whole number)')]);
    return 1;
  }
  const r = await restore(from, { threads: 1 }); // one image: a worker would only cost
  if (Array.isArray(r)) {
    printDiagnostics(r);
    return 1;
  }
  const info = r.model.info;
  const ds = r.loaded.spec.train?.dataset;
  const names = classNamesOf(ds, info.classes, r.checkpoint.header.classNames);
  let pixels: Float32Array;
  let label: number | undefined;
  let note = '';
  if (isIndex) {
    const data = loadSpecData(r.loaded, info.classes, { limit: 0 });
    if ('code' in data) {
      printDiagnostics([data]);
      return 1;
    }
    const i = Number(what);
    if (i >= data.test.count) throw new UsageError(`the test split has ${data.test.count} images; the index must be below that`);
    const size = data.test.images.length / data.test.count;
    pixels = data.test.images.slice(i * size, (i + 1) * size);
    label = data.test.classes[i];
    note = `test image ${i}, labelled ${names[label!]}`;
  } else {
    try {
      const img = imageFromFile(what, info.inputShape, isImageFolderRef(ds));
      pixels = img.pixels;
      note = `${what}, ${img.width}×${img.height}${img.width !== info.inputShape[1] || img.height !== info.inputShape[0] ? ` scaled to ${info.inputShape[1]}×${info.inputShape[0]}` : ''}${img.inverted ? ', inverted' : ''}`;
    } catch (e) {
      process.stderr.write(`netc predict: ${what} is not a PNG or JPEG image netc can read (${(e as Error).message})\n`);
      return 1;
    }
  }
  const probs = r.model.predict(pixels, 1);
  let best = 0;
  for (let c = 1; c < info.classes; c++) if (probs[c]! > probs[best]!) best = c;
  if (values.json) {
    process.stdout.write(JSON.stringify({ image: what, ...(label !== undefined ? { label } : {}), predicted: best, class: names[best], probabilities: Array.from(probs) }, null, 2) + '\n');
    return 0;
  }
  const s = style();
  const lines = [`${note}`, `predicted: ${s.bold(names[best]!)} (${(100 * probs[best]!).toFixed(1)}%)`];
  for (let c = 0; c < info.classes; c++) {
    const bar = '█'.repeat(Math.round(30 * probs[c]!));
    const row = `  ${names[c]!.padEnd(Math.max(...names.map((n) => n.length)))}  ${(100 * probs[c]!).toFixed(1).padStart(5)}%  ${bar}`;
    lines.push(c === best ? s.bold(row) : row);
  }
  process.stdout.write(lines.join('\n') + '\n');
  return 0;
}
