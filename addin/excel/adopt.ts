// 기존 표 가져오기: an official's own range read for its header, then made a table with a hidden 행ID.
import { rowIdHeader } from '../../domain/sheets.ts';
import { guardFormula } from '../../domain/formula-guard.ts';
import { loud, quiet, type Supports } from './quiet.ts';
import type { ExcelHost } from './office-types.ts';

export interface HeaderCandidates {
  sheet: string;
  address: string;
  /** The table the selection is in, if any. */
  tableName: string | null;
  /** The first rows of the region (a title row may sit above the header). */
  rows: unknown[][];
  /** Merged areas in the region (A1 ranges without the sheet); null when Excel cannot tell (before ExcelApi 1.13). */
  merges: string[] | null;
}

export interface AdoptTarget {
  tableName: string | null;
  sheet: string;
  address: string;
  headerRow: number;
  newName: string;
  merges?: readonly string[] | null;
}

/** The A1 ranges of a RangeAreas address ("'S 1'!A2:A4, 'S 1'!C2" → A2:A4, C2), sheet names left out. */
export function areaAddresses(address: string): string[] {
  const out: string[] = [];
  for (const m of address.matchAll(/!\$?([A-Z]{1,3})\$?(\d+)(?::\$?([A-Z]{1,3})\$?(\d+))?/g)) out.push(m[3] ? `${m[1]}${m[2]}:${m[3]}${m[4]}` : `${m[1]}${m[2]}`);
  return out;
}

/**
 * Adopt, step 1: the block of the selection (or the table it is in), its first rows and its merged
 * areas. Outside a table the block is the selection's current region widened to every used row of
 * the sheet, so title rows above a blank row and rows below a blank row (totals, later lines) are
 * part of it, as an official sees the sheet. Tables of a range need ExcelApi 1.9, merged areas 1.13
 * (before them: no table found, merges unknown as null).
 */
export async function readHeaderCandidates(host: ExcelHost, supports: Supports, maxRows = 10): Promise<HeaderCandidates> {
  return host.run(async (context) => {
    const selected = context.workbook.getSelectedRange();
    const region = selected.getSurroundingRegion();
    region.load(['address', 'rowIndex', 'columnIndex', 'rowCount', 'columnCount']);
    const sheet = region.worksheet;
    sheet.load('name');
    const used = sheet.getUsedRange(true);
    used.load(['rowIndex', 'rowCount']);
    // Not getFirst(): in Excel it fails the whole sync when the selection is in no table.
    const tables = supports('1.9') ? selected.getTables(false) : undefined;
    tables?.load('items/name');
    await context.sync();
    const tableName = tables?.items[0]?.name ?? null;

    const top = tableName ? region.rowIndex : Math.min(region.rowIndex, used.rowIndex);
    const bottom = tableName ? region.rowIndex + region.rowCount : Math.max(region.rowIndex + region.rowCount, used.rowIndex + used.rowCount);
    const block = tableName ? region : sheet.getRangeByIndexes(top, region.columnIndex, bottom - top, region.columnCount);
    if (!tableName) block.load('address');
    const head = block.getRow(0).getResizedRange(Math.min(maxRows, bottom - top) - 1, 0);
    head.load('values');
    const merged = supports('1.13') ? block.getMergedAreasOrNullObject() : undefined;
    merged?.load(['isNullObject', 'address']);
    await context.sync();
    const merges = merged ? (merged.isNullObject ? [] : areaAddresses(merged.address)) : null;
    return { sheet: sheet.name, address: block.address, tableName, rows: head.values, merges };
  });
}

/**
 * Unmerges the merged areas from the header down (Excel makes no table over them); an area below the
 * header gets its value (the top-left cell's) in every cell it spanned. Load, sync; write, sync.
 * Answers the areas unmerged.
 */
async function unmergeBelowHeader(context: Excel.RequestContext, sheet: Excel.Worksheet, region: Excel.Range, target: AdoptTarget): Promise<string[]> {
  const areas = (target.merges ?? []).map((address) => {
    const area = sheet.getRange(address);
    area.load(['values', 'numberFormat', 'rowIndex', 'rowCount', 'columnCount']);
    return { address, area };
  });
  await context.sync();
  const headerIndex = region.rowIndex + target.headerRow;
  const inTable = areas.filter(({ area }) => area.rowIndex + area.rowCount - 1 >= headerIndex && area.rowIndex < region.rowIndex + region.rowCount);
  if (inTable.length === 0) return [];
  const unmerged: string[] = [];
  for (const { address, area } of inTable) {
    area.unmerge();
    unmerged.push(address);
    if (area.rowIndex <= headerIndex) continue; // a header cell keeps its text in its first cell
    // The merged cell's value (a formula's result): written back, text must stay text.
    const first: unknown = area.values[0]?.[0] ?? '';
    const value = typeof first === 'string' ? guardFormula(first) : first;
    const format: unknown = area.numberFormat[0]?.[0] ?? 'General';
    area.values = Array.from({ length: area.rowCount }, () => Array.from({ length: area.columnCount }, () => value));
    area.numberFormat = Array.from({ length: area.rowCount }, () => Array.from({ length: area.columnCount }, () => format));
  }
  await context.sync();
  return unmerged;
}

/** Puts the hidden 행ID column first when the table lacks it. Load, sync; write, sync. */
async function ensureRowIdColumn(context: Excel.RequestContext, table: Excel.Table, supports: Supports): Promise<void> {
  const header = table.getHeaderRowRange();
  header.load('values');
  table.load('name');
  await context.sync();
  const headers = (header.values[0] ?? []).map((h: unknown) => String(h).trim());
  if (headers[0] === rowIdHeader) return;
  const quieted = quiet(context, supports);
  const column = table.columns.add(0, undefined, rowIdHeader);
  column.getDataBodyRange().numberFormat = [['@']];
  column.getRange().columnHidden = true;
  await context.sync();
  await loud(context, quieted);
}

/**
 * Adopt, step 2 (after the official confirmed the mapping): make the range a table from its header
 * row down if it is not one (merged areas unmerged and filled first), and put the hidden 행ID column
 * first if it is missing.
 */
export async function adoptRange(host: ExcelHost, supports: Supports, target: AdoptTarget): Promise<{ tableName: string; unmerged: string[] }> {
  return host.run(async (context) => {
    let table: Excel.Table;
    let unmerged: string[] = [];
    if (target.tableName) {
      table = context.workbook.tables.getItem(target.tableName);
    } else {
      const sheet = context.workbook.worksheets.getItemOrNullObject(target.sheet);
      const region = sheet.getRange(target.address);
      region.load(['rowCount', 'columnCount', 'rowIndex']);
      unmerged = await unmergeBelowHeader(context, sheet, region, target);
      const body = region.getRow(target.headerRow).getResizedRange(region.rowCount - target.headerRow - 1, 0);
      table = sheet.tables.add(body, true);
      table.name = target.newName;
    }
    await ensureRowIdColumn(context, table, supports);
    return { tableName: table.name, unmerged };
  });
}
