export const ENTRIES: Record<string, string>;
/** Compiles the CLI and the server into dist/; returns the directory. */
export function buildDist(): Promise<string>;
