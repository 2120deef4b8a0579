/**
 * `npm run generate`: rewrites everything netc commits that is derived from its sources —
 * the spec schema from the op registry. Tests fail when a committed file differs from this.
 */
import { writeFileSync } from 'node:fs';
import { schemaText } from '../src/spec/schema-def.js';
import { packageFile } from '../src/spec/package-root.js';

const schemaFile = packageFile('specs', 'netc.schema.json');
writeFileSync(schemaFile, schemaText());
console.log(`wrote ${schemaFile}`);
