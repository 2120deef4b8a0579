/**
 * Documents are named by URI in the protocol and by absolute path in netc's diagnostics. A
 * document that is not a file (an editor's `untitled:` buffer) gets a path in the working
 * folder, so that a relative `extends:` in it is read from there.
 */
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export function uriToPath(uri: string): string {
  if (uri.startsWith('file:')) {
    try {
      return fileURLToPath(uri);
    } catch {
      // a file URI with a host or a bad escape: fall through to a name in the working folder
    }
  }
  const name = uri.replace(/^[a-z][a-z0-9+.-]*:/i, '').replace(/[^A-Za-z0-9._-]+/g, '_') || 'untitled';
  return resolve(name);
}

/** The URI of a path: the one the client named it by when it is open, a file URI otherwise. */
export function pathToUri(path: string, open: ReadonlyMap<string, string>): string {
  return open.get(resolve(path)) ?? pathToFileURL(path).href;
}
