/**
 * The open documents as netc sees them: each document's path, the texts of all of them (which
 * analysis reads instead of the files on disk, so that unsaved edits of a base count), and the
 * analysis of each document's current version, with the last one that had no errors (whose
 * shapes hover keeps showing while a person types).
 */
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { analyze, type Analysis } from '../driver/analyze.js';
import { uriToPath } from './uris.js';
import { parseTree, type Tree } from './yaml-point.js';

interface Analyzed {
  readonly version: number;
  readonly analysis: Analysis;
}

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

  /** The analysis of the document's current text, made now if there is none yet. */
  analysis(doc: TextDocument): Analysis {
    const had = this.current.get(doc.uri);
    if (had && had.version === doc.version) return had.analysis;
    const analysis = analyze(uriToPath(doc.uri), { training: true }, {}, this.texts());
    this.current.set(doc.uri, { version: doc.version, analysis });
    if (analysis.ok && analysis.summary) this.lastGood.set(doc.uri, analysis);
    return analysis;
  }

  /** The newest analysis without errors, if any. */
  good(uri: string): Analysis | undefined {
    return this.lastGood.get(uri);
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
