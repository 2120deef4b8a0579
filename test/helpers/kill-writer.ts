/**
 * Kill a checkpoint writer at random moments and read what it left: a child process writes
 * checkpoints to one path in a loop with netc's writeCheckpoint (from dist/, as `netc train`
 * runs it), printing each step once written; it is killed with SIGKILL after a random delay, and
 * the file at the path must then read back as one whole checkpoint, the last one the child
 * reported written or the one it was writing — the old or the new, never a torn mix. Used by
 * test/runtime/checkpoint.test.ts (atomic replacement) and test/robustness/faults.test.ts.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import fc from 'fast-check';
import { expect } from 'vitest';
import { readCheckpoint } from '../../src/runtime/checkpoint.js';

const CHECKPOINT_JS = 'dist/src/runtime/checkpoint.js';

/** The child: checkpoints of `floats` values, all equal to the step, from step `start` on. */
const WRITER = `
import { writeCheckpoint } from ${JSON.stringify(pathToFileURL(resolve(CHECKPOINT_JS)).href)};
const [path, floats, start] = process.argv.slice(2);
for (let step = Number(start); ; step++) {
  const v = new Float32Array(Number(floats)).fill(step);
  writeCheckpoint(path, {
    header: { model: 'kill', netcVersion: '0', spec: 'x', source: 'x', seed: 0, learningRate: 0.1,
      progress: { epoch: 0, batch: step, step, lossSum: 0, correct: 0, seen: 0, seconds: 0 } },
    params: { w: v }, state: { w: v.subarray(0, 16) } });
  process.stdout.write(step + '\\n');
}
`;

export interface KillOptions {
  readonly kills: number;
  /** floats per checkpoint: larger files take longer to write, so more kills land mid-write */
  readonly floats: number;
  /** the longest random delay between the child's first write and its kill, in ms */
  readonly maxDelayMs: number;
  /** of the random delays */
  readonly seed: number;
  /** stop early once this many kills landed mid-write (`kills` is then the most tried) */
  readonly untilMidWrites?: number;
  /** called after each kill, before its failure (if any) is thrown */
  readonly onKill?: (k: KillResult) => void;
}

export interface KillResult {
  /** the last step the child reported written (0: none yet) */
  readonly reported: number;
  /** the step of the checkpoint left at the path, when it read back whole */
  readonly found?: number;
  /** the child left its temporary file: it died between opening it and renaming it */
  readonly midWrite: boolean;
  /** why what was left is not the old or the new checkpoint */
  readonly error?: unknown;
}

export interface KillReport {
  readonly dir: string;
  readonly path: string;
  readonly results: readonly KillResult[];
}

export async function killWriters(o: KillOptions): Promise<KillReport> {
  expect(existsSync(CHECKPOINT_JS), 'npm run build first (npm test and the vitest global setup do)').toBe(true);
  const dir = mkdtempSync(join(tmpdir(), 'netc-kill-'));
  const script = join(dir, 'writer.mjs');
  writeFileSync(script, WRITER);
  const path = join(dir, 'checkpoint.netc');
  const delays = fc.sample(fc.integer({ min: 0, max: o.maxDelayMs }), { numRuns: o.kills, seed: o.seed });
  const results: KillResult[] = [];
  let reported = 0;
  for (let k = 0; k < o.kills; k++) {
    const before = new Set(readdirSync(dir));
    const child = spawn(process.execPath, [script, path, String(o.floats), String(reported + 1)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => (out += String(d)));
    const started = new Promise<void>((ok) => child.stdout.once('data', () => ok()));
    // 'close', not 'exit': every line the child printed has been read by then
    const closed = new Promise<void>((ok) => child.on('close', () => ok()));
    await Promise.race([started, closed]);
    await new Promise((ok) => setTimeout(ok, delays[k]));
    child.kill('SIGKILL');
    await closed;
    const steps = out.split('\n').filter(Boolean).map(Number);
    if (steps.length > 0) reported = steps[steps.length - 1]!;
    const midWrite = readdirSync(dir).some((f) => f.startsWith('checkpoint.netc.tmp-') && !before.has(f));
    let result: KillResult;
    try {
      const c = readCheckpoint(path);
      const step = c.header.progress.step;
      // the old checkpoint (the last reported) or the new one (the next, written but not yet reported)
      expect([reported, reported + 1], `after kill ${k + 1}`).toContain(step);
      expect(c.params.w!.length).toBe(o.floats);
      expect(c.params.w!.every((x) => x === step) && c.state.w!.every((x) => x === step), `one whole checkpoint after kill ${k + 1}`).toBe(true);
      reported = step;
      result = { reported, found: step, midWrite };
    } catch (error) {
      result = { reported, midWrite, error };
    }
    results.push(result);
    o.onKill?.(result);
    if (result.error) throw result.error;
    if (o.untilMidWrites !== undefined && results.filter((r) => r.midWrite).length >= o.untilMidWrites) break;
  }
  return { dir, path, results };
}
