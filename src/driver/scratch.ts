/**
 * Scratch folders for work a command does on the side (a checkpoint's spec compiled again, an
 * imported model checked): created under the system's temporary folder and removed when the
 * process exits, so `netc eval` run a thousand times leaves nothing behind. They live until exit,
 * not until the call returns, because diagnostics may still quote the files in them.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const made: string[] = [];

export function scratchDir(prefix: string): string {
  if (made.length === 0) process.once('exit', removeAll);
  const dir = mkdtempSync(join(tmpdir(), `netc-${prefix}-`));
  made.push(dir);
  return dir;
}

function removeAll(): void {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
}
