/**
 * Text helpers. NFKC folds full-width digits and punctuation (３０，０００ → 30,000, ％ → %) and
 * compatibility forms; every comparison of headers and codes goes through `compactKey`.
 */

/** Unicode white space, including the no-break and ideographic spaces Excel cells collect. */
const spaces = /[\s\u00a0\u2000-\u200b\u3000\ufeff]+/gu;

/** ASCII and Hangul syllables are their own NFKC form: most cells skip the (slow) normalisation. */
const stable = /^[\x20-\x7e가-힣]*$/u;
const nfkc = (text: string) => (stable.test(text) ? text : text.normalize('NFKC'));

/** NFKC, stray spaces trimmed and runs of spaces made one. */
export function cleanText(text: string): string {
  return nfkc(text).replace(spaces, ' ').trim();
}

/** Middle dots and separators officials write between words of one name. */
const separators = /[·ㆍ\u119e・‧∙•.,/]/gu;

/** The key two spellings of one name share: NFKC, no spaces, no middle dots, lower case. */
export function compactKey(text: string): string {
  return nfkc(text).replace(spaces, '').replace(separators, '').toLowerCase();
}

/** No spaces at all (dong names: "가양 2동" → "가양2동"). */
export function withoutSpaces(text: string): string {
  return nfkc(text).replace(spaces, '');
}
