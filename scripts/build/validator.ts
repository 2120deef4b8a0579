/**
 * The last step of `npm run build`: ajv's validator of the op registry's schema, compiled once
 * here rather than on every run of `netc check` (src/spec/validate.ts loads it).
 */
import { writeFileSync } from 'node:fs';
import { specSchema } from '../../src/ir/schema.js';
import { precompiledPath, validatorModule } from '../../src/spec/validate.js';

writeFileSync(precompiledPath(), validatorModule(specSchema()));
