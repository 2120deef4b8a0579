/**
 * Writing a file so that a crash at any moment leaves either the old file or the new one, never
 * a torn mix: write a temporary file beside it, flush it to disk, rename it over the target.
 * A writer killed mid-write leaves its temporary file (`<name>.tmp-<pid>`) behind; the next
 * successful write of the same file removes those whose process is gone.
 */
import { basename, closeSync, dirname, fsyncSync, join, openSync, process, readdirSync, renameSync, rmSync, writeSync } from './platform/index.js';

export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  const tmp = `${path}.tmp-${process.pid}`;
  const fd = openSync(tmp, 'w');
  try {
    const bytes = typeof data === 'string' ? Buffer.from(data) : data;
    let at = 0;
    while (at < bytes.length) at += writeSync(fd, bytes, at, bytes.length - at);
    fsyncSync(fd);
  } catch (e) {
    closeSync(fd);
    rmSync(tmp, { force: true });
    throw e;
  }
  closeSync(fd);
  try {
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
  syncFolder(dirname(path));
  removeStaleTemporaries(path);
}

/** Remove `<name>.tmp-<pid>` files beside `path` left by processes that no longer run. */
function removeStaleTemporaries(path: string): void {
  const prefix = `${basename(path)}.tmp-`;
  let names: string[];
  try {
    names = readdirSync(dirname(path));
  } catch {
    return;
  }
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const pid = Number(name.slice(prefix.length));
    if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid || alive(pid)) continue;
    rmSync(join(dirname(path), name), { force: true });
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: it runs, as another user
    return (e as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

/**
 * Flush the folder's entry for the renamed file, so that after a power cut the name points at
 * the new file or the old one. Best effort: some systems cannot open a folder for this.
 */
function syncFolder(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // the rename itself is still atomic
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
