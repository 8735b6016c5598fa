// Apart from render-requirements.ts (which loads the live checks and their AWS SDK clients), so the
// CLI's readiness report can use it without slowing every command's start.

/** A table cell: pipes escaped, line breaks folded. */
export const cell = (text: string) => text.replaceAll('|', '\\|').replaceAll('\n', ' ');
