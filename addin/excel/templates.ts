// 서식 표 넣기: a template table per kind, each on a new sheet, never over an existing one.
import { metaColumns, rowIdHeader, sheets, kinds, type Kind } from '../../domain/sheets.ts';
import { fieldNumberFormats } from '../../domain/number-formats.ts';
import { freeNameCandidates, loud, quiet, type Supports } from './quiet.ts';
import type { ExcelHost } from './office-types.ts';

export interface TemplateColumn {
  field: string;
  header: string;
  type: string;
  codes?: readonly string[];
}

/** What inserting a template did: the table, the sheet it was put on (when created), and whether it has drop-down lists. */
export interface TemplateInserted {
  kind: Kind;
  table: string;
  created: boolean;
  sheet?: string;
  /** A sheet of the kind's name was there already: the table went on `sheet` instead. */
  renamed?: boolean;
  dropDowns: boolean;
}

export interface TemplateSpec {
  kind: Kind;
  sheet: string;
  table: string;
  columns: readonly TemplateColumn[];
}

/** The templates, one per kind, from the sheet definitions (or from /api/meta's columns when given). */
export function templateSpecs(metaKinds?: { kind: string; sheet: string; columns: TemplateColumn[] }[]): TemplateSpec[] {
  return kinds.map((kind) => {
    const fromMeta = metaKinds?.find((k) => k.kind === kind);
    return { kind, sheet: fromMeta?.sheet ?? sheets[kind].sheet, table: sheets[kind].table, columns: fromMeta?.columns ?? metaColumns(kind) };
  });
}

/** Number formats of the template's columns by field type: domain/number-formats.ts, as the .xlsx export. */
export const numberFormats: Readonly<Record<string, string | undefined>> = fieldNumberFormats;

/** Per template: its table if the workbook has it, and each sheet name it could go on. Queued, not synced. */
function lookUp(wb: Excel.Workbook, specs: readonly TemplateSpec[]) {
  return specs.map((spec) => {
    const table = wb.tables.getItemOrNullObject(spec.table);
    table.load('isNullObject');
    const names = freeNameCandidates(spec.sheet).map((name) => {
      const sheet = wb.worksheets.getItemOrNullObject(name);
      sheet.load('isNullObject');
      return { name, sheet };
    });
    return { table, names };
  });
}

/** Queues one template table on a new sheet: header, hidden 행ID, number formats, drop-down lists. */
function addTemplate(wb: Excel.Workbook, spec: TemplateSpec, sheetName: string, dropDowns: boolean): void {
  const sheet = wb.worksheets.add(sheetName);
  const headers = [rowIdHeader, ...spec.columns.map((c) => c.header)];
  const headerRange = sheet.getRangeByIndexes(0, 0, 1, headers.length);
  headerRange.values = [headers];
  const table = sheet.tables.add(headerRange, true);
  table.name = spec.table;
  const idColumn = table.columns.getItemAt(0);
  idColumn.getDataBodyRange().numberFormat = [['@']];
  idColumn.getRange().columnHidden = true;
  spec.columns.forEach((column, j) => {
    const body = table.columns.getItemAt(j + 1).getDataBodyRange();
    const format = numberFormats[column.type];
    if (format) body.numberFormat = [[format]];
    if (dropDowns && column.codes && column.codes.length > 0 && !column.codes.some((c) => c.includes(','))) {
      body.dataValidation.rule = { list: { inCellDropDown: true, source: column.codes.join(',') } };
    }
  });
  sheet.freezePanes.freezeRows(1);
}

/**
 * Inserts the template tables that are missing, each on a new sheet: under the kind's sheet name,
 * or, when a sheet of that name exists (the official's own), the first free `예산집행 (2)`, … —
 * never over an existing sheet. Drop-down lists need ExcelApi 1.8 (data validation): before it the
 * tables come without them (`dropDowns: false`). Load, sync; write, sync.
 */
export async function insertTemplates(host: ExcelHost, supports: Supports, specs: readonly TemplateSpec[] = templateSpecs()): Promise<TemplateInserted[]> {
  const dropDowns = supports('1.8');
  return host.run(async (context) => {
    const wb = context.workbook;
    const existing = lookUp(wb, specs);
    await context.sync();

    const quieted = quiet(context, supports);
    const out: TemplateInserted[] = [];
    const taken = new Set<string>();
    specs.forEach((spec, i) => {
      const e = existing[i]!;
      if (!e.table.isNullObject) {
        out.push({ kind: spec.kind, table: spec.table, created: false, dropDowns });
        return;
      }
      const free = e.names.find((n) => n.sheet.isNullObject && !taken.has(n.name));
      if (!free) throw new Error(`no free sheet name for ${spec.sheet}`);
      taken.add(free.name);
      addTemplate(wb, spec, free.name, dropDowns);
      out.push({ kind: spec.kind, table: spec.table, created: true, sheet: free.name, renamed: free.name !== spec.sheet, dropDowns });
    });
    await context.sync();
    await loud(context, quieted);
    return out;
  });
}
