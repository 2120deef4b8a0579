/**
 * The spec editor: CodeMirror 6 with YAML highlighting and netc's diagnostics as lint marks at
 * their lines, checked by the server a moment after each edit (and the check's other results —
 * layers, drawing — handed to `onChecked`).
 */
import { basicSetup, EditorView } from 'codemirror';
import { yaml } from '@codemirror/lang-yaml';
import { linter, lintGutter, type Diagnostic } from '@codemirror/lint';
import type { Text } from '@codemirror/state';
import type { CheckReply, PageDiagnostic } from '../protocol.js';

/** Milliseconds after the last keystroke before the spec is checked. */
const CHECK_DELAY = 250;

/** netc's line and column (from 1) as a span of the document, at least one character where there is one. */
function span(doc: Text, d: PageDiagnostic): { from: number; to: number } {
  const line = doc.line(Math.min(Math.max(d.line, 1), doc.lines));
  const from = Math.min(line.from + Math.max(d.column, 1) - 1, line.to);
  return { from, to: Math.min(Math.max(from + d.length, from + 1), line.to) };
}

export function createEditor(parent: HTMLElement, text: string, check: (text: string) => Promise<CheckReply>, onChecked: (reply: CheckReply) => void): EditorView {
  const lint = linter(
    async (view): Promise<Diagnostic[]> => {
      const reply = await check(view.state.doc.toString());
      onChecked(reply);
      return reply.diagnostics.map((d) => ({ ...span(view.state.doc, d), severity: d.severity, source: d.code, message: d.message }));
    },
    { delay: CHECK_DELAY },
  );
  return new EditorView({ doc: text, parent, extensions: [basicSetup, yaml(), lintGutter(), lint] });
}
