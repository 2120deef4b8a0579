/**
 * Quick fixes: a diagnostic with one likely repair (a misspelt key, op, value or layer name and
 * the name it is closest to) carries the replacement text as its `fix`, which toLsp passes on in
 * the protocol diagnostic's `data`; the editor asks for the actions of the diagnostics under the
 * cursor and gets, for each, the edit that writes the replacement over the diagnostic's range.
 */
import { CodeActionKind, type CodeAction, type Diagnostic as LspDiagnostic } from 'vscode-languageserver/node';

/** What toLsp keeps in a protocol diagnostic's `data`. */
export interface FixData {
  readonly fix: string;
}

const fixOf = (d: LspDiagnostic): string | undefined => {
  const data = d.data as Partial<FixData> | undefined;
  return d.source === 'netc' && typeof data?.fix === 'string' ? data.fix : undefined;
};

/** The quick fixes for the diagnostics the editor sent (those at the cursor or selection). */
export function quickFixes(uri: string, diagnostics: readonly LspDiagnostic[]): CodeAction[] {
  const actions: CodeAction[] = [];
  for (const d of diagnostics) {
    const fix = fixOf(d);
    if (fix === undefined) continue;
    actions.push({
      title: `Change to '${fix}'`,
      kind: CodeActionKind.QuickFix,
      diagnostics: [d],
      isPreferred: true,
      edit: { changes: { [uri]: [{ range: d.range, newText: fix }] } },
    });
  }
  return actions;
}
