/**
 * `netc check --format sarif`: the diagnostics as one SARIF 2.1.0 log, the format GitHub code
 * scanning reads. The rules are the whole message catalogue (id = the code, a short description
 * from the message's name, its default level); each result points at its file (a URI relative to
 * the working folder), line and column, its end when the diagnostic has a length, and its notes
 * as related locations, and its repair, where it has one (a misspelling's likely meaning), as a fix.
 */
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Analysis } from '../driver/analyze.js';
import type { Diagnostic, SourceLoc } from '../diagnostics/diagnostics.js';
import { Messages } from '../diagnostics/messages.js';
import { packageVersion } from '../runtime/package-root.js';

export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';

/** Words of a message's name, as a sentence: `NeedsFlatInput` → "Needs flat input". */
const WORDS: Record<string, string> = { yaml: 'YAML', tfjs: 'TensorFlow.js', ir: 'IR', idx: 'IDX' };
export function describeName(name: string): string {
  const words = name.split(/(?<=[a-z0-9])(?=[A-Z])/).map((w) => WORDS[w.toLowerCase()] ?? w.toLowerCase());
  const text = words.join(' ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

const level = (severity: Diagnostic['severity']) => (severity === 'error' ? 'error' : 'warning');

function rules() {
  return Object.entries(Messages)
    .map(([name, m]) => ({
      id: m.code,
      name,
      shortDescription: { text: describeName(name) },
      defaultConfiguration: { level: level(m.severity) },
    }))
    .sort((a, b) => a.id.localeCompare(b.id));
}

/** A file as a URI reference: relative to `cwd` when inside it, a file URI otherwise. */
export function artifactUri(file: string, cwd: string): string {
  const rel = relative(cwd, resolve(cwd, file));
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) return pathToFileURL(resolve(cwd, file)).href;
  return rel.split(sep).map(encodeURIComponent).join('/');
}

/** Where a place's underline ends (line and column, from 1), when its text is known. */
function endOf(loc: SourceLoc, text: string | undefined): { endLine: number; endColumn: number } | undefined {
  if (loc.length <= 0 || text === undefined) return undefined;
  const lines = text.split('\n');
  let line = loc.line;
  let column = loc.column + loc.length;
  // a length past the end of its line continues on the next lines (the newline counts as one)
  while (line <= lines.length && column > (lines[line - 1]?.length ?? 0) + 1 && line < lines.length) {
    column -= (lines[line - 1]?.length ?? 0) + 1;
    line++;
  }
  return { endLine: line, endColumn: Math.max(1, column) };
}

function physicalLocation(loc: SourceLoc | undefined, file: string, sources: ReadonlyMap<string, string>, cwd: string) {
  const at = loc ?? { file, line: 1, column: 1, length: 0 };
  return {
    artifactLocation: { uri: artifactUri(at.file, cwd) },
    region: { startLine: at.line, startColumn: at.column, ...endOf(at, sources.get(at.file)) },
  };
}

/** A diagnostic's repair as a SARIF fix: its text written over the diagnostic's region. */
function fixOf(text: string, at: ReturnType<typeof physicalLocation>) {
  return {
    description: { text: `Change to '${text}'` },
    artifactChanges: [{ artifactLocation: at.artifactLocation, replacements: [{ deletedRegion: at.region, insertedContent: { text } }] }],
  };
}

export function sarifLog(results: readonly Analysis[], cwd = process.cwd()) {
  const catalogue = rules();
  const index = new Map(catalogue.map((r, i) => [r.id, i]));
  const out = results.flatMap((r) =>
    r.diagnostics.map((d) => {
      const related = (d.related ?? []).filter((x) => x.loc);
      const notes = (d.related ?? []).filter((x) => !x.loc).map((x) => x.message);
      return {
        ruleId: d.code,
        ...(index.has(d.code) ? { ruleIndex: index.get(d.code)! } : {}),
        level: level(d.severity),
        message: { text: [d.message, ...notes].join('\n') },
        locations: [{ physicalLocation: physicalLocation(d.loc, r.file, r.sources, cwd) }],
        ...(related.length > 0
          ? { relatedLocations: related.map((x, id) => ({ id, physicalLocation: physicalLocation(x.loc, r.file, r.sources, cwd), message: { text: x.message } })) }
          : {}),
        ...(d.fix !== undefined && d.loc && d.loc.length > 0 ? { fixes: [fixOf(d.fix, physicalLocation(d.loc, r.file, r.sources, cwd))] } : {}),
      };
    }),
  );
  return {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [{ tool: { driver: { name: 'netc', version: packageVersion(), rules: catalogue } }, columnKind: 'utf16CodeUnits', results: out }],
  };
}
