/**
 * The JavaScript form of a generated module, for programs that plain `node` runs: the
 * TypeScript module with its types stripped (an ES module, comments kept) and its declarations
 * (`.d.ts`) beside it, so that editors and TypeScript programs still see every type.
 *
 * Both come from the TypeScript compiler's single-file transforms: the module declares every
 * type it exports (info: ModelInfo, the class's methods, createModel's return type), so neither
 * needs the runtime's sources to resolve.
 */
import { ts } from 'ts-morph';

export interface JavaScriptModule {
  /** the ES module */
  readonly js: string;
  /** its declarations */
  readonly dts: string;
}

const COMPILER_OPTIONS = { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, newLine: ts.NewLineKind.LineFeed };

export function javascriptOf(tsSource: string): JavaScriptModule {
  const js = ts.transpileModule(tsSource, { compilerOptions: COMPILER_OPTIONS }).outputText;
  const declarations = ts.transpileDeclaration(tsSource, { compilerOptions: COMPILER_OPTIONS, reportDiagnostics: true });
  // The emitter writes only what declarations can be read from; a failure here is a bug of netc's.
  const problem = declarations.diagnostics?.[0];
  if (problem) throw new Error(`netc: the module's declarations cannot be written: ${ts.flattenDiagnosticMessageText(problem.messageText, '\n')}`);
  return { js: twoSpaces(js), dts: twoSpaces(declarations.outputText) };
}

/**
 * The TypeScript printer indents by four spaces; the TypeScript module by two. Halving each
 * line's indentation keeps the two forms alike (a doc comment's ' * ' lines keep their one extra
 * space). Generated modules hold no multi-line strings, so only indentation changes.
 */
function twoSpaces(text: string): string {
  return text.replace(/^ +/gm, (s) => ' '.repeat(Math.floor(s.length / 4) * 2 + (s.length % 4)));
}
