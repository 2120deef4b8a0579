/** The patterns names in a spec must follow; the schema and the validator share them. */

/** Layer names become identifiers in generated code, so they are restricted to a safe pattern. */
export const LAYER_NAME = { pattern: '^[A-Za-z_][A-Za-z0-9_]*$', maxLength: 64 } as const;
/** A spec's name becomes a file name under generated/: letters, digits, '_' and '-'. */
export const SPEC_NAME = { pattern: '^[A-Za-z][A-Za-z0-9_-]*$', maxLength: 64 } as const;
