/** The package's files, for the compiler's side; the runtime finds them the same way. */
export { packageFile, packageRoot, packageVersion } from '../runtime/package-root.js';
