// Text a spreadsheet would run as a formula (CSV / formula injection): a value that starts with
// = + - @, or with a tab, CR or LF (which Excel and others skip before reading the rest). Every cell the add-in writes into Excel and every text cell the
// service exports (CSV, .xlsx) goes through this one test, so the two cannot drift apart.

/** The same test as a regular expression source, for SQL (DuckDB `regexp_matches`). */
export const formulaLikePattern = '^[=+\\-@\\t\\r\\n]';

const formulaLike = new RegExp(formulaLikePattern);

/** True when a spreadsheet would read `text` as a formula. */
export function isFormulaLike(text: string): boolean {
  return formulaLike.test(text);
}

/** `text` as a spreadsheet shows it as text: formula-like text gets a leading apostrophe. */
export function guardFormula(text: string): string {
  return isFormulaLike(text) ? `'${text}` : text;
}
