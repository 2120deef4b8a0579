/**
 * `mkdir -p` that always ends. Node 20's `mkdirSync(path, { recursive: true })` loops forever
 * where a folder's parent exists but cannot hold folders and says ENOENT for them (`/proc/x`):
 * it keeps recreating the parent. Here each missing folder is made once, from the nearest one
 * that exists, and the first error is thrown as it came (ENOENT, EACCES, ENOTDIR, EROFS).
 */
import { dirname, mkdirSync, resolve, statSync } from './platform/index.js';

export function makeDirs(path: string): void {
  const dir = resolve(path);
  const missing: string[] = [];
  // up to the nearest path that exists: a folder, or a file that the next mkdir reports (ENOTDIR)
  for (let at = dir; !exists(at); at = dirname(at)) {
    missing.push(at);
    if (dirname(at) === at) break; // the root itself is missing: mkdirSync below says why
  }
  if (missing.length === 0 && !isDirectory(dir)) mkdirSync(dir); // a file is there: EEXIST
  for (const d of missing.reverse()) {
    try {
      mkdirSync(d);
    } catch (e) {
      // another process made it meanwhile
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || !isDirectory(d)) throw e;
    }
  }
}

function exists(path: string): boolean {
  try {
    statSync(path);
    return true;
  } catch {
    return false;
  }
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
