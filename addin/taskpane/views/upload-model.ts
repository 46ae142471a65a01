// What the 파일 올리기 view shows, apart from the DOM: the import report's shape (as `jachi import
// --json` gives it), the header as read with each column's field after the official's own mapping,
// and how many rows a report would store. Pure: unit-tested without a DOM (test/addin/upload-model.test.ts).
export type Message = { ko: string; en: string };

export interface Issue {
  row: number;
  column: string;
  message: Message;
}

export interface SheetReport {
  sheet: string;
  kind: string | null;
  header: { row: number; columns: { column: string; header: string; field: string }[]; ignored: { column: string; header: string }[] } | null;
  rejected: Issue[];
  warnings: Issue[];
  counts: { accepted: number; rejected: number; skipped: number };
  error?: { code: string; message: Message; candidates?: { column: string; header: string }[] };
}

export interface Report {
  file: string;
  encoding?: string;
  sheets: SheetReport[];
  batches?: unknown[];
}

/** What the import's `map` says for a header the official chose not to read. */
export const ignoreWord = '무시';

/** A sheet column's place: A < B < … < Z < AA. */
export const columnOrder = (a: string) => a.length * 1000 + [...a].reduce((n, ch) => n * 26 + ch.charCodeAt(0) - 64, 0);

/** One column of the header as read: its letter, its header, and the field it is read as ('' : not read). */
export interface MappedColumn {
  column: string;
  header: string;
  field: string;
}

/** The header's columns in sheet order, each with the field the official mapped it to, else the one the service read; the row id is not offered. */
export function mappedColumns(sheet: SheetReport, map: Readonly<Record<string, string>>): MappedColumn[] {
  if (!sheet.header || !sheet.kind) return [];
  const all = [...sheet.header.columns.map((c) => ({ ...c })), ...sheet.header.ignored.map((c) => ({ ...c, field: '' }))].sort(
    (a, b) => columnOrder(a.column) - columnOrder(b.column),
  );
  return all.filter((c) => c.field !== 'rowId').map((c) => ({ column: c.column, header: c.header, field: map[c.header] === ignoreWord ? '' : (map[c.header] ?? c.field) }));
}

/** The import's `map` entry for a field chosen in the pane ('' : not read). */
export const mapEntry = (field: string) => (field === '' ? ignoreWord : field);

/** The rows a report would store (sheets that could not be read store none). */
export function acceptedRows(report: Report): number {
  return report.sheets.reduce((n, sh) => n + (sh.error ? 0 : sh.counts.accepted), 0);
}
