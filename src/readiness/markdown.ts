/** A markdown table cell: pipes escaped, line breaks folded. */
export const cell = (text: string) => text.replaceAll('|', '\\|').replaceAll('\n', ' ');
