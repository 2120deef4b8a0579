/**
 * `netc lsp`: a Language Server over stdio. Diagnostics on open and (debounced) on change, of
 * the unsaved text, with the bases it extends read from their open buffers or from disk;
 * hover, completion, go-to-definition, quick fixes and renaming layers. Every handler catches what it throws: the server
 * logs it to the client's console and answers with nothing, and never exits over a document.
 */
import {
  CodeActionKind,
  createConnection,
  DidChangeWatchedFilesNotification,
  ProposedFeatures,
  TextDocuments,
  TextDocumentSyncKind,
  type Connection,
  type InitializeResult,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { specSchema } from '../ir/schema.js';
import { complete } from './completion.js';
import { definition } from './definition.js';
import { toLsp } from './diagnostics.js';
import { hover } from './hover.js';
import { quickFixes } from './quick-fix.js';
import { prepareRename, rename } from './rename.js';
import { uriToPath } from './uris.js';
import { Workspace } from './workspace.js';
import { looksLikeSpec, type Tree } from './yaml-point.js';
import { isMap, isScalar } from 'yaml';

export interface ServerOptions {
  /** wait this long after the last change before analyzing (ms) */
  readonly debounceMs: number;
}

export const DEFAULT_SERVER_OPTIONS: ServerOptions = { debounceMs: 200 };

/** Run the server on the process's stdin and stdout until the client ends it. */
export function startServer(options: ServerOptions = DEFAULT_SERVER_OPTIONS): Promise<void> {
  const connection = createConnection(ProposedFeatures.all, process.stdin, process.stdout);
  const closed = new Promise<void>((done) => connection.onExit(() => done()));
  serve(connection, options);
  connection.listen();
  return closed;
}

export function serve(connection: Connection, options: ServerOptions): void {
  const documents = new TextDocuments(TextDocument);
  const workspace = new Workspace();
  const timers = new Map<string, NodeJS.Timeout>();
  const schema = specSchema();

  /** Run `fn`; on a throw, log it and answer `fallback`. */
  const guard = <T>(what: string, fn: () => T, fallback: T): T => {
    try {
      return fn();
    } catch (e) {
      connection.console.error(`netc lsp: ${what} failed: ${(e as Error)?.stack ?? String(e)}`);
      return fallback;
    }
  };

  const isSpec = (doc: TextDocument) => looksLikeSpec(doc.getText(), workspace.tree(doc));

  const publish = (doc: TextDocument) =>
    guard(
      `checking ${doc.uri}`,
      () => {
        if (workspace.get(doc.uri) !== doc) return; // closed meanwhile
        if (!isSpec(doc)) {
          void connection.sendDiagnostics({ uri: doc.uri, version: doc.version, diagnostics: [] });
          return;
        }
        const analysis = workspace.analysis(doc);
        const file = uriToPath(doc.uri);
        const diagnostics = toLsp(analysis.diagnostics, file, analysis.sources, workspace.uris(), extendsRange(doc, workspace.tree(doc)));
        void connection.sendDiagnostics({ uri: doc.uri, version: doc.version, diagnostics });
      },
      undefined,
    );

  /** Check the document and the open documents that extend it, after a pause in typing. */
  const schedule = (doc: TextDocument, delay: number) => {
    clearTimeout(timers.get(doc.uri));
    timers.set(
      doc.uri,
      setTimeout(() => {
        timers.delete(doc.uri);
        const readers = workspace.readers(uriToPath(doc.uri));
        for (const r of readers) workspace.forget(r.uri);
        for (const d of [doc, ...readers]) publish(d);
      }, delay),
    );
  };

  let watchFiles = false;
  connection.onInitialize(({ capabilities }): InitializeResult => {
    watchFiles = capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration === true;
    return {
      capabilities: {
        textDocumentSync: TextDocumentSyncKind.Incremental,
        hoverProvider: true,
        definitionProvider: true,
        completionProvider: { triggerCharacters: [':', ' ', '[', ',', '{'] },
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
        renameProvider: { prepareProvider: true },
      },
      serverInfo: { name: 'netc' },
    };
  });
  // A base saved by another program, or changed by git: check every open spec again.
  connection.onInitialized(() => {
    if (watchFiles) void connection.client.register(DidChangeWatchedFilesNotification.type, { watchers: [{ globPattern: '**/*.{yaml,yml}' }] });
  });
  connection.onDidChangeWatchedFiles(() =>
    guard(
      'watched files',
      () => {
        workspace.forgetAll();
        for (const d of workspace.all()) schedule(d, options.debounceMs);
      },
      undefined,
    ),
  );
  documents.onDidOpen(({ document }) => {
    workspace.open(document);
    schedule(document, 0);
  });
  documents.onDidChangeContent(({ document }) => {
    workspace.open(document);
    schedule(document, options.debounceMs);
  });
  documents.onDidClose(({ document }) =>
    guard(
      `closing ${document.uri}`,
      () => {
        clearTimeout(timers.get(document.uri));
        timers.delete(document.uri);
        // the specs that read its buffer read the file on disk from now on
        const readers = workspace.readers(uriToPath(document.uri));
        workspace.close(document.uri);
        void connection.sendDiagnostics({ uri: document.uri, diagnostics: [] });
        for (const r of readers) {
          workspace.forget(r.uri);
          schedule(r, 0);
        }
      },
      undefined,
    ),
  );

  /** The open document, when it is a spec; netc has nothing to say about other YAML. */
  const at = (uri: string) => {
    const doc = workspace.get(uri);
    return doc && isSpec(doc) ? doc : undefined;
  };
  connection.onHover(({ textDocument, position }) =>
    guard(
      'hover',
      () => {
        const doc = at(textDocument.uri);
        if (!doc) return null;
        const shapes = () => {
          const analysis = workspace.analysis(doc);
          const good = analysis.ok ? analysis : workspace.good(doc.uri);
          return { summary: good?.summary, stale: good !== analysis };
        };
        return hover(doc, workspace.tree(doc), doc.offsetAt(position), schema, shapes);
      },
      null,
    ),
  );
  connection.onCompletion(({ textDocument, position }) =>
    guard(
      'completion',
      () => {
        const doc = at(textDocument.uri);
        return doc ? complete(doc, workspace.tree(doc), doc.offsetAt(position), uriToPath(doc.uri), schema, workspace.texts()) : [];
      },
      [],
    ),
  );
  connection.onDefinition(({ textDocument, position }) =>
    guard(
      'definition',
      () => {
        const doc = at(textDocument.uri);
        return doc ? definition(doc, workspace.tree(doc), doc.offsetAt(position), uriToPath(doc.uri), workspace.texts(), workspace.uris()) : null;
      },
      null,
    ),
  );
  connection.onCodeAction(({ textDocument, context }) =>
    guard('code actions', () => (at(textDocument.uri) ? quickFixes(textDocument.uri, context.diagnostics) : []), []),
  );
  connection.onPrepareRename(({ textDocument, position }) =>
    guard(
      'prepare rename',
      () => {
        const doc = at(textDocument.uri);
        return doc ? prepareRename(doc, workspace.tree(doc), doc.offsetAt(position)) : null;
      },
      null,
    ),
  );
  connection.onRenameRequest(({ textDocument, position, newName }) =>
    guard(
      'rename',
      () => {
        const doc = at(textDocument.uri);
        return doc ? rename(doc, workspace.tree(doc), doc.offsetAt(position), newName) : null;
      },
      null,
    ),
  );
  documents.listen(connection);
}

/** The range of the document's `extends:` value, where problems of its bases are shown. */
function extendsRange(doc: TextDocument, tree: Tree) {
  const node = isMap(tree.doc.contents) ? tree.doc.contents.get('extends', true) : undefined;
  if (!isScalar(node) || !node.range) return undefined;
  return { start: doc.positionAt(node.range[0]), end: doc.positionAt(node.range[1]) };
}
