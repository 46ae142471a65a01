/**
 * Text a spreadsheet would read as a formula: it starts with = + - @, or with a tab, CR or LF
 * (which Excel and others skip before reading the rest). Such text written into a workbook or a
 * CSV file gets a leading apostrophe, which Excel takes as "this cell is text" and does not show.
 */
export const formulaLead = /^[=+\-@\t\r\n]/;

/** `text` as a spreadsheet cell must receive it to keep it text (an apostrophe before formula-like text). */
export function asSheetText(text: string): string {
  return formulaLead.test(text) ? `'${text}` : text;
}
