/**
 * The open documents as netc sees them: each document's path, the texts of all of them (which
 * analysis reads instead of the files on disk, so that unsaved edits of a base count), and the
 * analysis of each document's current version, with the last one that had no errors (whose
 * shapes hover keeps showing while a person types).
 */
import { statSync } from 'node:fs';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { resolve } from 'node:path';
import { analyze, type Analysis } from '../driver/analyze.js';
import { uriToPath } from './uris.js';
import { parseTree, type Tree } from './yaml-point.js';

interface Analyzed {
  readonly version: number;
  readonly analysis: Analysis;
  /** the files read from disk (bases not open), with their modification times then */
  readonly disk: ReadonlyMap<string, number>;
}

const mtime = (file: string): number => statSync(file, { throwIfNoEntry: false })?.mtimeMs ?? -1;

export class Workspace {
  private readonly docs = new Map<string, TextDocument>();
  private readonly current = new Map<string, Analyzed>();
  private readonly lastGood = new Map<string, Analysis>();
  private readonly trees = new Map<string, { readonly version: number; readonly tree: Tree }>();

  open(doc: TextDocument): void {
    this.docs.set(doc.uri, doc);
  }

  close(uri: string): void {
    this.docs.delete(uri);
    this.current.delete(uri);
    this.lastGood.delete(uri);
    this.trees.delete(uri);
  }

  get(uri: string): TextDocument | undefined {
    return this.docs.get(uri);
  }

  all(): TextDocument[] {
    return [...this.docs.values()];
  }

  /** path → text of every open document */
  texts(): Map<string, string> {
    return new Map(this.all().map((d) => [uriToPath(d.uri), d.getText()]));
  }

  /** path → URI of every open document */
  uris(): Map<string, string> {
    return new Map(this.all().map((d) => [uriToPath(d.uri), d.uri]));
  }

  /** The document's current text parsed leniently, parsed once per version. */
  tree(doc: TextDocument): Tree {
    const had = this.trees.get(doc.uri);
    if (had && had.version === doc.version) return had.tree;
    const tree = parseTree(doc.getText());
    this.trees.set(doc.uri, { version: doc.version, tree });
    return tree;
  }

  /**
   * The analysis of the document's current text, made now if there is none yet, or if a base it
   * read from disk has changed there since (saved by another program, or by git).
   */
  analysis(doc: TextDocument): Analysis {
    const had = this.current.get(doc.uri);
    if (had && had.version === doc.version && [...had.disk].every(([f, t]) => mtime(f) === t)) return had.analysis;
    const texts = this.texts();
    const file = uriToPath(doc.uri);
    const analysis = analyze(file, { training: true }, {}, texts);
    const disk = new Map([...analysis.sources.keys()].filter((f) => f !== file && !texts.has(resolve(f))).map((f) => [f, mtime(f)]));
    this.current.set(doc.uri, { version: doc.version, analysis, disk });
    if (analysis.ok && analysis.summary) this.lastGood.set(doc.uri, analysis);
    return analysis;
  }

  /** The newest analysis without errors, if any. */
  good(uri: string): Analysis | undefined {
    return this.lastGood.get(uri);
  }

  /** Forget every analysis, as when files change on disk. */
  forgetAll(): void {
    this.current.clear();
  }

  /** Forget the document's analysis, as when a base it reads changes. */
  forget(uri: string): void {
    this.current.delete(uri);
  }

  /** The open documents whose last analysis read `path` (they extend it), besides `path` itself. */
  readers(path: string): TextDocument[] {
    return this.all().filter((d) => uriToPath(d.uri) !== path && this.current.get(d.uri)?.analysis.sources.has(path));
  }
}
