/** R9: replies that withdraw the SMS channel, in any case, width or punctuation. */
const KEYWORDS = new Set(['T', 'TD', '退订', 'R', 'N', 'STOP', '取消']);

/** Returns the recognised keyword, or null for any other reply (which is stored, not acted on). */
export function recogniseOptOut(text: string): string | null {
  // NFKC folds full-width letters (ＴＤ) to ASCII; then drop spaces and punctuation around the word.
  const folded = text
    .normalize('NFKC')
    .replace(/[\s\p{P}\p{S}]+/gu, '')
    .toUpperCase();
  return KEYWORDS.has(folded) ? folded : null;
}
