/**
 * `netc check --watch`: check, then check again whenever a spec or a base it extends is saved.
 * The folders of those files are watched, not the files, because editors often save by writing
 * a new file and renaming it over the old one, which ends a watch on the old file. Changes are
 * debounced (a save can be several events); each check clears the terminal and prints anew.
 * Ctrl-C stops watching, with exit status 0.
 */
import { watch, type FSWatcher } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';

export interface WatchOptions {
  /** wait this long after the last change before checking again (ms) */
  readonly debounceMs: number;
  readonly out: NodeJS.WriteStream;
  /** where the line "watching N files" goes: stderr when stdout carries JSON or SARIF */
  readonly status: NodeJS.WriteStream;
}

/** One check: what to print, and every file it read (the specs and their bases). */
export interface CheckRun {
  readonly output: string;
  readonly files: readonly string[];
}

export function watchChecks(check: () => CheckRun, options: WatchOptions): Promise<number> {
  const watchers = new Map<string, FSWatcher>();
  let names = new Set<string>();
  let timer: NodeJS.Timeout | undefined;

  const run = () => {
    const r = check();
    const clear = options.out.isTTY ? '\x1b[2J\x1b[3J\x1b[H' : '';
    names = new Set(r.files.map((f) => resolve(f)));
    options.out.write(`${clear}${r.output}`);
    options.status.write(`watching ${names.size} file${names.size === 1 ? '' : 's'} for changes; Ctrl-C stops\n`);
    follow();
  };
  const changed = (dir: string, name: string | null) => {
    if (name !== null && !names.has(resolve(dir, name))) return;
    clearTimeout(timer);
    timer = setTimeout(run, options.debounceMs);
  };
  /** Watch the folders of the files the last check read, and only those. */
  const follow = () => {
    const dirs = new Set([...names].map((f) => dirname(f)));
    for (const [dir, w] of watchers) {
      if (!dirs.has(dir)) {
        w.close();
        watchers.delete(dir);
      }
    }
    for (const dir of dirs) {
      if (watchers.has(dir)) continue;
      try {
        watchers.set(dir, watch(dir, (_event, name) => changed(dir, name === null ? null : basename(String(name)))));
      } catch {
        // a folder that does not exist (yet): the check has said the spec is missing
      }
    }
  };

  return new Promise((done) => {
    const stop = () => {
      clearTimeout(timer);
      for (const w of watchers.values()) w.close();
      process.off('SIGINT', stop);
      done(0);
    };
    process.on('SIGINT', stop);
    run();
  });
}
