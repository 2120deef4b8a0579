/** Types of ./browser.mjs, for the tests that bundle with its options. */
import type { BuildOptions } from 'esbuild';

export declare const browserBundleOptions: BuildOptions & { metafile: true; write: false };
export declare const playgroundBundleOptions: BuildOptions & { metafile: true; write: false };
export declare function buildBrowserRuntime(): Promise<void>;
