// The only place that calls Excel.run (through ExcelHost). Plain data in, plain data out: no proxy
// object leaves addin/excel. Each operation queues its work and syncs once; the exceptions are
// documented where they are (chunked reads sync once per chunk; reading before writing is the
// split-loop pattern: queue every load, sync, then queue every write, sync). The operations live in
// a file per job (templates, adopt, tables, cell-marks); this one hands them the host.
import { officeHost, type ExcelHost } from './office-types.ts';
import { insertTemplates, type TemplateSpec } from './templates.ts';
import { adoptRange, readHeaderCandidates, type AdoptTarget } from './adopt.ts';
import { readTable, selectCell, setListChoices, writeRowIds, writeRows, type ListChoices } from './tables.ts';
import { markCells, noteMode, type CellMark } from './cell-marks.ts';
import type { Supports } from './quiet.ts';
import type { TableWrite } from '../sync/types.ts';
import type { ColumnKind } from './insert.ts';

export { templateSpecs, numberFormats, type TemplateColumn, type TemplateInserted, type TemplateSpec } from './templates.ts';
export { areaAddresses, type AdoptTarget, type HeaderCandidates } from './adopt.ts';
export { cellValue, isPayloadTooLarge, type ListChoices, type TableRead } from './tables.ts';
export { markColours, notePrefix, type CellMark, type MarkKind, type NoteMode } from './cell-marks.ts';
export { freeNameCandidates } from './quiet.ts';

/** A column of a sheet of copies (copyToSheet): its field, Korean header, and how its values read. */
export interface CopyColumn {
  field: string;
  header: string;
  kind: ColumnKind;
}

export function createExcelLayer(host: ExcelHost = officeHost()) {
  const supports: Supports = (version) => host.isSetSupported('ExcelApi', version);
  return {
    noteMode: () => noteMode(supports),
    insertTemplates: (specs?: readonly TemplateSpec[]) => insertTemplates(host, supports, specs),
    readHeaderCandidates: (maxRows?: number) => readHeaderCandidates(host, supports, maxRows),
    adoptRange: (target: AdoptTarget) => adoptRange(host, supports, target),
    readTable: (tableName: string, options?: { chunkRows?: number; onProgress?: (rowsRead: number, rowCount: number) => void }) => readTable(host, tableName, options),
    writeRowIds: (tableName: string, writes: readonly { index: number; rowId: string }[]) => writeRowIds(host, supports, tableName, writes),
    markCells: (tableName: string, marks: readonly CellMark[], clear: { rows: readonly number[]; columnCount: number }) => markCells(host, supports, tableName, marks, clear),
    writeRows: (tableName: string, fields: readonly (string | null)[], rowIds: readonly (string | null)[], writes: readonly TableWrite[], options?: { appendAt?: number }) =>
      writeRows(host, supports, tableName, fields, rowIds, writes, options),
    selectCell: (tableName: string, row: number, column: number) => selectCell(host, tableName, row, column),
    setListChoices: (tableName: string, column: number, groups: readonly ListChoices[]) => setListChoices(host, supports, tableName, column, groups),
    /**
     * Rows put on a new sheet as a formatted table (a copy to read, not a synced table), under the
     * first free name of `name`. insert.ts is loaded on first use, as for the pane's results.
     */
    copyToSheet: async (name: string, columns: CopyColumn[], rows: readonly (readonly unknown[])[]) => (await import('./insert.ts')).insertResultSheet(name, columns, rows, host),
  };
}

export type ExcelLayer = ReturnType<typeof createExcelLayer>;
