/**
 * An images folder's facts for checking the network against it: its images are made into the
 * input's shape (gray or RGB), so only the channels must be 1 or 3, and its classes are its
 * subfolders. Only the folders are listed here; the files are decoded when training loads them.
 * Each problem is a diagnostic at the spec's key of the folder at fault.
 */
import { dirname, join, isAbsolute } from 'node:path';
import { DEFAULT_TEST_FRACTION, ImageFolderError, MAX_CLASSES, planImageFolder, type FolderPlan, type ImageFolderRef } from '../runtime/data/image-folder.js';
import type { ImageShape } from '../runtime/data/images.js';
import type { Diagnostic } from '../diagnostics/diagnostics.js';
import { Messages } from '../diagnostics/messages.js';
import type { SourceMap } from './source.js';

const KEY = ['train', 'dataset'] as const;

/** The folders' paths, each relative to the file that wrote it (a base spec, perhaps); a fraction stays a number. */
export function imageFolderPaths(ref: ImageFolderRef, map: SourceMap): { images: string; test: string | number } {
  const at = (p: string, key: string) => (isAbsolute(p) ? p : join(dirname(map.locate([...KEY, key]).file), p));
  return { images: at(ref.images, 'images'), test: typeof ref.test === 'string' ? at(ref.test, 'test') : (ref.test ?? DEFAULT_TEST_FRACTION) };
}

/** The folders listed and checked; or the diagnostic of the first problem. */
export function imageFolderPlan(ref: ImageFolderRef, map: SourceMap): FolderPlan | Diagnostic {
  const paths = imageFolderPaths(ref, map);
  try {
    return planImageFolder(paths.images, paths.test);
  } catch (e) {
    if (e instanceof ImageFolderError) return imageFolderDiagnostic(e, ref, map);
    throw e;
  }
}

/** What dataset-facts.ts's DatasetFacts holds, for an images folder. */
export function imageFolderFacts(ref: ImageFolderRef, map: SourceMap, input: readonly [number, number, number]): { label: string; image: [number, number, number]; classes: number } | Diagnostic {
  if (!imageShapeOf(input)) return Messages.ImageChannels.at(map.locate(['input', 'shape']), input);
  const plan = imageFolderPlan(ref, map);
  if ('code' in plan) return plan;
  return { label: `the images folder ${plan.train.dir}`, image: [...input], classes: plan.train.classes.length };
}

/** The input shape an images folder is made into, when the spec's input is gray or RGB. */
export function imageShapeOf(input: readonly [number, number, number]): ImageShape | undefined {
  const [h, w, c] = input;
  return c === 1 || c === 3 ? [h, w, c] : undefined;
}

export function imageFolderDiagnostic(e: ImageFolderError, ref: ImageFolderRef, map: SourceMap): Diagnostic {
  // a fraction written nowhere is the default's: the images folder is the place to point at
  const at = map.locate([...KEY, e.key === 'test' && ref.test === undefined ? 'images' : e.key]);
  const p = e.problem;
  switch (p.kind) {
    case 'missing':
      return Messages.ImageFolderMissing.at(at, e.key, p.path, p.what);
    case 'classes':
      return Messages.ImageFolderClasses.at(at, p.path, p.classes, MAX_CLASSES);
    case 'class':
      return Messages.ImageClassTooSmall.at(at, p.path, p.others, p.fraction);
    case 'unreadable':
      return Messages.ImageUnreadable.at(at, p.path, p.reason);
    case 'differ':
      return Messages.ImageClassesDiffer.at(at, p.path, p.train, p.missing, p.extra);
    case 'count':
      return Messages.DataFile.at(at, p.path, `holds ${p.classes} class folders now, but the network has ${p.outputs} outputs; run 'netc check' on the spec`);
  }
}
