/** The compiled file for `name` when dist/ is current for it (relative to `root`), else undefined. */
export function currentBuild(name: string, root?: string): string | undefined;
/** Runs entry `name` from dist/ when current, else `source` through tsx. */
export function launch(name: string, source: string): Promise<void>;
