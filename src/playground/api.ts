/**
 * What the playground page asks of the compiler, as JSON: the diagnostics, layer summary and
 * drawing of a spec's text as it is typed (check), and its generated module (compile). The text
 * stands for the spec file the playground opened, so `extends` and data paths resolve beside it;
 * nothing is written to disk.
 */
import { analyze } from '../driver/analyze.js';
import { compileSpec } from '../driver/compile.js';
import type { Diagnostic } from '../diagnostics/diagnostics.js';
import { layerGraph } from '../report/layer-graph.js';
import { dotToSvg } from '../report/render.js';
import { ts } from 'ts-morph';
import type { CheckReply, CompileReply, PageDiagnostic } from './page/protocol.js';

/** The spec's diagnostics in the page's terms: the spec's own lines only (a base file's are named in the message). */
function pageDiagnostics(diagnostics: readonly Diagnostic[], file: string): PageDiagnostic[] {
  return diagnostics.map((d) => {
    const here = d.loc?.file === file ? d.loc : undefined;
    const elsewhere = d.loc && !here ? ` (in ${d.loc.file}:${d.loc.line}:${d.loc.column})` : '';
    return { severity: d.severity, code: d.code, message: d.message + elsewhere, line: here?.line ?? 1, column: here?.column ?? 1, length: here?.length ?? 0 };
  });
}

/** Check `text` as the spec at `file`: diagnostics, and where it lowers, the layers and the network drawn as SVG. */
export async function checkSpec(file: string, text: string): Promise<CheckReply> {
  const a = analyze(file, { training: true }, {}, new Map([[file, text]]));
  const diagnostics = pageDiagnostics(a.diagnostics, file);
  if (!a.ok || !a.summary || !a.loaded) return { diagnostics };
  const spec = a.loaded.spec;
  return {
    diagnostics,
    name: spec.name,
    summary: { params: a.summary.params, macs: a.summary.macs, layers: a.summary.layers.map((l) => ({ name: l.name, op: l.op, shape: l.shape, params: l.params, macs: l.macs })) },
    svg: await dotToSvg(layerGraph(a)),
    train: {
      dataset: typeof spec.train?.dataset === 'string' ? spec.train.dataset : 'files',
      loss: spec.train?.loss ?? 'categorical_crossentropy',
      batchSize: spec.train?.batch_size ?? 32,
      seed: spec.train?.seed ?? 1,
    },
  };
}

/**
 * Compile `text` as the spec at `file`: the module as a person would download it (importing
 * `netc/runtime`), and as JavaScript importing the page's runtime bundle from `runtimeUrl`.
 */
export function compileText(file: string, text: string, runtimeUrl: string): CompileReply {
  const c = compileSpec(file, { texts: new Map([[file, text]]), runtimeImport: 'netc/runtime' });
  if (!c.source || !c.analysis.loaded) return { diagnostics: pageDiagnostics(c.diagnostics, file) };
  const js = ts.transpileModule(c.source, { compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, verbatimModuleSyntax: false } }).outputText;
  // the emitter writes the runtime's import once, as this exact string
  return { diagnostics: pageDiagnostics(c.diagnostics, file), name: c.analysis.loaded.spec.name, ts: c.source, js: js.replace(/from ['"]netc\/runtime['"]/, `from ${JSON.stringify(runtimeUrl)}`) };
}
