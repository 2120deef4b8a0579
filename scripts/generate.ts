/**
 * `npm run generate`: rewrites everything netc commits that is derived from its sources — the
 * spec schema from the op registry, the sweep file's schema, and generated/<name>.ts for every spec in specs/. Tests fail
 * when a committed file differs from what this writes.
 */
import { readdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { compileSpec, generatedFile } from '../src/driver/compile.js';
import { formatDiagnostic } from '../src/diagnostics/diagnostics.js';
import { packageFile, packageRoot } from '../src/runtime/package-root.js';
import { schemaText } from '../src/ir/schema.js';
import { sweepSchemaText } from '../src/sweep/schema.js';

process.chdir(packageRoot());
const schemaFile = packageFile('specs', 'netc.schema.json');
writeFileSync(schemaFile, schemaText());
console.log(`wrote ${relative(packageRoot(), schemaFile)}`);
const sweepSchemaFile = packageFile('specs', 'netc-sweep.schema.json');
writeFileSync(sweepSchemaFile, sweepSchemaText());
console.log(`wrote ${relative(packageRoot(), sweepSchemaFile)}`);

let failed = false;
for (const f of readdirSync('specs').filter((f) => f.endsWith('.yaml')).sort()) {
  const c = compileSpec(join('specs', f));
  if (!c.source) {
    failed = true;
    console.error(c.diagnostics.map(formatDiagnostic).join('\n') || `specs/${f}: ${c.stoppedBecause}`);
    continue;
  }
  const out = generatedFile(packageFile('generated'), c.analysis.loaded!.spec.name);
  writeFileSync(out, c.source);
  console.log(`wrote ${relative(packageRoot(), out)}`);
}
process.exitCode = failed ? 1 : 0;
