/**
 * What a generated module may contain, checked on its syntax tree: one import of the runtime,
 * constant tables of offsets and values, the `info` literal, one class whose methods are
 * straight-line kernel calls, and `createModel`. Any other statement — a call the spec smuggled
 * in through a name, a description or a path — is reported, and so is a kernel call that went
 * missing (swallowed by a comment that did not end where it should).
 */
import { ts } from 'ts-morph';

export interface ModuleFacts {
  readonly problems: string[];
  /** the string literals of `info` by property (name, source, ...) */
  readonly strings: Map<string, string>;
  readonly runtimeImport?: string;
  /** `k.<kernel>(...)` calls in the schedules */
  readonly kernelCalls: number;
}

const TABLE = /^(P|T|I|S|VALUES_\w+)$/;

export function inspectModule(source: string): ModuleFacts {
  const sf = ts.createSourceFile('module.ts', source, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const problems: string[] = [];
  const strings = new Map<string, string>();
  let runtimeImport: string | undefined;
  let kernelCalls = 0;
  const bad = (n: ts.Node, why: string) => problems.push(`${why}: ${n.getText(sf).slice(0, 160)}`);
  const parseErrors = (sf as unknown as { parseDiagnostics: ts.Diagnostic[] }).parseDiagnostics ?? [];
  for (const d of parseErrors) problems.push(`syntax error: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`);

  /** A literal the info object or a table may hold: numbers, strings, booleans, table references, lists and objects of those. */
  const literal = (e: ts.Expression, key: string): void => {
    if (ts.isNumericLiteral(e) || e.kind === ts.SyntaxKind.TrueKeyword || e.kind === ts.SyntaxKind.FalseKeyword) return;
    if (ts.isPrefixUnaryExpression(e) && e.operator === ts.SyntaxKind.MinusToken && ts.isNumericLiteral(e.operand)) return;
    if (ts.isIdentifier(e) && (TABLE.test(e.text) || e.text === 'NaN' || e.text === 'Infinity')) return;
    if (ts.isStringLiteral(e)) return void strings.set(key, e.text);
    if (ts.isPropertyAccessExpression(e) && ts.isIdentifier(e.expression) && TABLE.test(e.expression.text)) return;
    if (ts.isArrayLiteralExpression(e)) return e.elements.forEach((x) => literal(x, key));
    if (ts.isObjectLiteralExpression(e)) {
      for (const p of e.properties) {
        if (!ts.isPropertyAssignment(p) || !(ts.isIdentifier(p.name) || ts.isStringLiteral(p.name))) bad(p, 'not a plain property');
        else literal(p.initializer, key ? `${key}.${p.name.text}` : p.name.text);
      }
      return;
    }
    bad(e, 'not a literal');
  };

  const kernelArg = (e: ts.Expression): boolean =>
    ts.isNumericLiteral(e) ||
    (ts.isPrefixUnaryExpression(e) && e.operator === ts.SyntaxKind.MinusToken && ts.isNumericLiteral(e.operand)) ||
    (ts.isIdentifier(e) && ['n', 'lr', 'step', 'NaN', 'Infinity'].includes(e.text)) ||
    (ts.isPropertyAccessExpression(e) && ((ts.isIdentifier(e.expression) && /^(P|T|I|S|Act)$/.test(e.expression.text)) || (e.expression.kind === ts.SyntaxKind.ThisKeyword && e.name.text === 'stepSeed'))) ||
    (ts.isBinaryExpression(e) && e.operatorToken.kind === ts.SyntaxKind.AsteriskToken && ts.isIdentifier(e.left) && e.left.text === 'n' && ts.isNumericLiteral(e.right));

  const methodStatement = (s: ts.Statement): void => {
    if (ts.isVariableStatement(s)) {
      const d = s.declarationList.declarations;
      const ok = d.length === 1 && ts.isIdentifier(d[0]!.name) && d[0]!.name.text === 'k' && d[0]!.initializer?.getText(sf) === 'this.kernels';
      if (!ok) bad(s, 'unexpected declaration in a schedule');
      return;
    }
    if (ts.isExpressionStatement(s)) {
      const e = s.expression;
      if (ts.isVoidExpression(e) && ts.isIdentifier(e.expression)) return; // void n;
      if (ts.isCallExpression(e) && ts.isPropertyAccessExpression(e.expression) && ts.isIdentifier(e.expression.expression) && e.expression.expression.text === 'k') {
        kernelCalls++;
        for (const a of e.arguments) if (!kernelArg(a)) bad(a, 'unexpected kernel argument');
        return;
      }
    }
    bad(s, 'unexpected statement in a schedule');
  };

  for (const st of sf.statements) {
    if (ts.isImportDeclaration(st)) {
      if (runtimeImport !== undefined) bad(st, 'a second import');
      runtimeImport = (st.moduleSpecifier as ts.StringLiteral).text;
      const names = st.importClause?.namedBindings && ts.isNamedImports(st.importClause.namedBindings) ? st.importClause.namedBindings.elements.map((e) => e.name.text) : [];
      if (names.join(',') !== 'Act,CompiledModel,ModelInfo,ModelOptions' || st.importClause?.name) bad(st, 'unexpected imports');
    } else if (ts.isVariableStatement(st)) {
      for (const d of st.declarationList.declarations) {
        const name = d.name.getText(sf);
        if (name === 'info' && d.initializer && ts.isObjectLiteralExpression(d.initializer)) literal(d.initializer, '');
        else if (TABLE.test(name) && d.initializer) {
          const init = ts.isAsExpression(d.initializer) ? d.initializer.expression : d.initializer;
          if (!ts.isObjectLiteralExpression(init) && !ts.isArrayLiteralExpression(init)) bad(d, 'a table that is not a literal');
          else literal(init, name);
        } else bad(d, 'unexpected top-level declaration');
      }
    } else if (ts.isClassDeclaration(st)) {
      const heritage = st.heritageClauses?.map((h) => h.getText(sf)).join(' ');
      if (heritage !== 'extends CompiledModel') bad(st, 'a class that does not extend CompiledModel');
      for (const m of st.members) {
        if (ts.isConstructorDeclaration(m)) {
          if (m.body?.statements.map((x) => x.getText(sf)).join(' ') !== 'super(info, options);') bad(m, 'unexpected constructor');
        } else if (ts.isMethodDeclaration(m) && ['trainSchedule', 'inferSchedule', 'updateSchedule'].includes(m.name.getText(sf))) {
          m.body?.statements.forEach(methodStatement);
        } else bad(m, 'unexpected class member');
      }
    } else if (ts.isFunctionDeclaration(st) && st.name?.text === 'createModel') {
      const body = st.body?.statements ?? [];
      const ok = body.length === 1 && ts.isReturnStatement(body[0]!) && /^new \w+\(options\)$/.test(body[0]!.expression?.getText(sf) ?? '');
      if (!ok) bad(st, 'unexpected createModel');
    } else bad(st, 'unexpected top-level statement');
  }
  if (runtimeImport === undefined) problems.push('no import of the runtime');
  return { problems, strings, ...(runtimeImport !== undefined ? { runtimeImport } : {}), kernelCalls };
}
