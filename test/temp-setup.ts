/**
 * vitest global setup: every temporary folder a test, or a netc process a test starts, makes
 * goes under one folder for this run (TMPDIR is what os.tmpdir() reads, and the test processes
 * and their children inherit it), removed when the run ends. Without it each `npm test` left
 * a few hundred folders and 200 MB of run folders and checkpoints in /tmp.
 *
 * test/.generated/, where tests compile modules that vitest must import from inside the
 * project, loses what earlier runs left there more than an hour ago (not everything: another
 * vitest may be running at the same time).
 */
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

let root: string | undefined;

export function setup(): void {
  const generated = resolve('test/.generated');
  const old = Date.now() - 3600_000;
  if (existsSync(generated)) {
    for (const name of readdirSync(generated)) {
      const path = join(generated, name);
      // another vitest run may remove the same folder between the listing and here
      const mtime = statSync(path, { throwIfNoEntry: false })?.mtimeMs ?? Date.now();
      if (mtime < old) rmSync(path, { recursive: true, force: true });
    }
  }
  root = mkdtempSync(join(tmpdir(), 'netc-test-run-'));
  process.env.TMPDIR = root;
}

export function teardown(): void {
  if (root) rmSync(root, { recursive: true, force: true });
}
