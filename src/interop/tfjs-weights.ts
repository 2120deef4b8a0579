/**
 * A Layers model's weights: each group of the manifest is its shard files concatenated, holding
 * its weights one after another as little-endian float32. Quantized or other types are refused,
 * as are shards that are missing, short or too long.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Diagnostic } from '../diagnostics/diagnostics.js';
import { Messages } from '../diagnostics/messages.js';
import type { PathSegment, SourceMap } from '../spec/source.js';
import { float32Values, isObject, type WeightGroup } from './tfjs-format.js';

/** Every weight of the manifest by its name, read from the shards beside model.json. */
export function readWeights(path: string, doc: Record<string, unknown>, map: SourceMap): Map<string, Float32Array> | Diagnostic {
  const fail = (at: PathSegment[], problem: string): Diagnostic => Messages.TfjsModelFile.at(map.locate(at), path, problem);
  const groups = doc.weightsManifest as WeightGroup[] | undefined;
  if (!Array.isArray(groups)) return fail([], 'has no weightsManifest, so it holds no weights; import it without --checkpoint');
  const out = new Map<string, Float32Array>();
  for (const [g, group] of groups.entries()) {
    if (!isObject(group) || !Array.isArray(group.paths) || !Array.isArray(group.weights)) return fail(['weightsManifest', g], 'is not a weights group {paths, weights}');
    const parts: Buffer[] = [];
    for (const [i, p] of group.paths.entries()) {
      const at = ['weightsManifest', g, 'paths', i];
      if (typeof p !== 'string' || p === '') return fail(at, 'is not the name of a weight file');
      const file = join(dirname(path), p);
      if (!existsSync(file)) return fail(at, `names the weight file ${file}, which does not exist; keep the shards beside model.json`);
      try {
        parts.push(readFileSync(file));
      } catch (e) {
        return fail(at, `names the weight file ${file}, which cannot be read (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
      }
    }
    const bytes = new Uint8Array(Buffer.concat(parts));
    let offset = 0;
    for (const [i, w] of group.weights.entries()) {
      const where = ['weightsManifest', g, 'weights', i];
      const shapeOk = isObject(w) && Array.isArray(w.shape) && w.shape.every((d) => Number.isSafeInteger(d) && (d as number) >= 0);
      if (!isObject(w) || typeof w.name !== 'string' || !shapeOk) return fail(where, 'is not a weight {name, shape of whole numbers, dtype}');
      if (w.dtype !== 'float32' || w.quantization !== undefined) {
        return fail(where, `stores '${w.name}' as ${w.quantization ? 'quantized values' : String(w.dtype)}; netc reads float32 weights: convert the model without quantization`);
      }
      const count = (w.shape as number[]).reduce((a, d) => a * d, 1);
      if (offset + 4 * count > bytes.length) return fail(where, `needs more bytes for '${w.name}' than its weight files hold (${bytes.length}); a shard is missing or truncated`);
      out.set(w.name, float32Values(bytes, offset, count));
      offset += 4 * count;
    }
    if (offset !== bytes.length) return fail(['weightsManifest', g], `has weight files of ${bytes.length} bytes, but its weights take ${offset}`);
  }
  return out;
}
