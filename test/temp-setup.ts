/**
 * vitest global setup: every temporary folder a test, or a netc process a test starts, makes
 * goes under one folder for this run (TMPDIR is what os.tmpdir() reads, and the test processes
 * and their children inherit it), removed when the run ends. Without it each `npm test` left
 * a few hundred folders and 200 MB of run folders and checkpoints in /tmp.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

let root: string | undefined;

export function setup(): void {
  root = mkdtempSync(join(tmpdir(), 'netc-test-run-'));
  process.env.TMPDIR = root;
}

export function teardown(): void {
  if (root) rmSync(root, { recursive: true, force: true });
}
