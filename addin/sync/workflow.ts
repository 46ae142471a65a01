// The sync view's work, apart from the DOM: read a kind's table through the Excel layer, read its
// cells exactly as the import does (the shared normaliser), hand the rows to the sync engine, and
// put the answer back on the sheet (row ids, marks, pulled rows). Plain data in and out.
import {
  columnLetter,
  columnNumber,
  emptyReport,
  headerField,
  normaliseOfficeRange,
  parseRangeAddress,
  rowIdField,
  sheetMessage,
  type ReportIssue,
  type SheetReport,
} from '../../domain/normalise/index.ts';
import { moneyUnits, scaleNumber, unitShift, isMoneyUnit } from '../../domain/normalise/numbers.ts';
import { ReferenceIndex, type Reference } from '../../domain/reference.ts';
import { kinds, rowIdHeader, sheets, type FieldType, type Kind } from '../../domain/sheets.ts';
import type { Message } from '../../domain/messages.ts';
import { workbookName } from '../excel/document.ts';
import { templateSpecs, type ExcelLayer, type HeaderCandidates, type NoteMode, type TemplateInserted } from '../excel/index.ts';
import {
  createSyncEngine,
  type Conflict,
  type LocalRow,
  type RowValues,
  type SyncEngine,
  type SyncProgress,
  type SyncReport,
  type SyncTransport,
  type ServerRow,
  type TableWrite,
} from './index.ts';
import { fits, scopeOfRows, type TableScope } from './scope.ts';
import { agendaChoices } from './agenda-choices.ts';
import { marksFromReport, type CellItem, type MarkTable } from './marks.ts';
import type { ApiClient, Meta } from '../taskpane/api.ts';
import type { TableBinding, WorkbookMemory } from './state-store.ts';

/** A refused (or warned) cell, ready for the results list and the mark. */
export interface ResultItem {
  kind: Kind;
  tableName: string;
  /** Data row of the table (0-based) and table column (0 = 행ID). */
  row: number;
  column: number;
  /** The sheet's own address, e.g. I13. */
  address: string;
  status: 'rejected' | 'forbidden' | 'invalid' | 'warning';
  messages: Message[];
}

export interface DeleteCandidate {
  rowId: string;
  baseRevision: number;
  /** The row as this pane last saw it, when it did. */
  values?: RowValues;
}

export interface KindOutcome {
  kind: Kind;
  tableName: string;
  rowsRead: number;
  rowsSent: number;
  accepted: number;
  unchanged: number;
  refused: ResultItem[];
  warnings: ResultItem[];
  skipped: SkippedItem[];
  conflicts: Conflict[];
  deleteCandidates: DeleteCandidate[];
  pulled: number;
  /** Rows on the service this table does not hold: offered, never added unasked. */
  offers: Offers;
  /** How the reasons went on the cells: notes, comments, or the fill alone (before ExcelApi 1.10). */
  marksAs?: NoteMode;
  offline: boolean;
  failedBatches: SyncReport['failedBatches'];
}

/**
 * Rows on the service that a pull did not write into the table: those within the table's scope wait
 * for the official's yes (표에 추가), those outside it may go to a new sheet (새 시트에 넣기).
 */
export interface Offers {
  kind: Kind;
  tableName: string;
  scope?: TableScope;
  fits: ServerRow[];
  outside: ServerRow[];
}

/** What the official chose in the adopt dialog. */
export interface AdoptChoices {
  /** Headers mapped by hand (header → field, or 무시); the proposal's own map when not given. */
  map?: Record<string, string>;
  /** rows: the table owns the dongs, years and phases its rows hold; all: every row the token sees. */
  scope: 'rows' | 'all';
}

export interface ProgressInfo {
  kind: Kind;
  phase: 'read' | SyncProgress['phase'];
  rowsRead: number;
  rowCount: number;
  rowsToSend: number;
  rowsSent: number;
  rowsAccepted: number;
}

/** One table as read and normalised. */
export interface ReadTable {
  kind: Kind;
  tableName: string;
  /** The rows the table owns (its binding's scope); undefined: every row fits. */
  scope?: TableScope;
  report: SheetReport;
  /** Field of each table column (0 = 행ID); null for columns the service lacks (연번, …). */
  fields: (string | null)[];
  /** Money unit of each table column, null when not money. */
  units: (string | null)[];
  /** The 행ID of each data row as the table holds it. */
  rowIds: (string | null)[];
  /** Rows for the engine (blank and total rows are left out) and the data row each one is. */
  local: LocalRow[];
  bodyIndex: number[];
  /** The normaliser's refusals by data row, with the cell's column. */
  cellIssues: Map<number, ReportIssue[]>;
  /** Rows read past and not sent: blank, total (합계, 소계) and repeated header rows. */
  skipped: SkippedItem[];
  firstRow: number;
  firstColumn: number;
}

/** The adopt step's proposal: what the official confirms. */
export interface AdoptionProposal {
  candidates: HeaderCandidates;
  report: SheetReport;
  /** Header row within the region (0-based). */
  headerRow: number;
  /** Merged areas from the header down that adopting will unmerge and fill (A1 ranges); null when Excel cannot tell (before ExcelApi 1.13). */
  merges: string[] | null;
  /** The money unit a title row declares (e.g. 천원), kept for the table since the title stays outside it. */
  titleUnit?: string;
  /** The headers mapped by hand this proposal was read with. */
  map: Record<string, string>;
}

/** A row of the table that was read past, not sent (blank, total, repeated header). */
export interface SkippedItem {
  kind: Kind;
  /** The sheet's own row number. */
  sheetRow: number;
  reason: string;
  message: Message;
}

export const adoptMessages = {
  mergedUnknownFailed: {
    ko: 'Excel이 표를 만들지 못했습니다. 범위에 병합된 셀이 있으면 표를 만들 수 없습니다. 이 Excel 버전은 병합된 셀을 찾을 수 없으니(ExcelApi 1.13 필요), 병합을 해제하고 병합되었던 값을 각 행에 채운 뒤 다시 가져오세요.',
    en: 'Excel could not make the table. A range with merged cells cannot be a table, and this version of Excel cannot find them (ExcelApi 1.13 needed): unmerge the cells, fill their value into every row, then adopt again.',
  },
} satisfies Record<string, Message>;

export class SyncUiError extends Error {
  constructor(
    readonly code: string,
    readonly text: Message,
  ) {
    super(text.ko);
    this.name = 'SyncUiError';
  }
}

const notFound = (error: unknown) =>
  typeof error === 'object' && error !== null && 'code' in error && ['ItemNotFound', 'InvalidArgument'].includes(String((error as { code: unknown }).code));

/** The reference data /api/meta gives, as the normaliser's index. */
export function referenceFromMeta(meta: Meta): ReferenceIndex {
  // Every city the token sees, each with its own phases (a token of one city sees one).
  const reference: Reference = { cities: meta.cities, districts: meta.districts, dongs: meta.dongs, allocations: meta.allocations, expectedMilestones: meta.expectedMilestones };
  return new ReferenceIndex(reference);
}

export function transportOf(api: ApiClient): SyncTransport {
  return {
    push: (kind, body) => api.sync(kind, body, workbookName()),
    pull: (kind, since) => api.rows(kind, since),
    status: (batchId) => api.batchStatus(batchId),
  };
}

/** The sheet's address of a table cell. */
export function cellAddress(t: Pick<ReadTable, 'firstRow' | 'firstColumn'>, row: number, column: number): string {
  return `${columnLetter(t.firstColumn + column + 1)}${t.firstRow + row + 1}`;
}

/** Values as an official reads them in the table: dong by name, money in the column's unit. */
export function displayValues(values: RowValues, t: Pick<ReadTable, 'fields' | 'units'>, ref: ReferenceIndex): RowValues {
  const out: RowValues = { ...values };
  const dong = values.dong;
  if (typeof dong === 'string') {
    const known = ref.dongByCode.get(dong);
    if (known && ref.resolveDong(known.name) === known) out.dong = known.name;
  }
  t.fields.forEach((field, j) => {
    const unit = t.units[j];
    const v = field ? values[field] : undefined;
    if (field && unit && isMoneyUnit(unit) && moneyUnits[unit] !== 1 && typeof v === 'number') out[field] = scaleNumber(v, -unitShift(unit));
  });
  return out;
}

/** What the workflow's steps share: the service, the reference, the Excel layer, the engine and memory. */
interface Workflow {
  api: ApiClient;
  meta: Meta;
  layer: ExcelLayer;
  memory: WorkbookMemory;
  ref: ReferenceIndex;
  engine: SyncEngine;
  /** Last values seen per kind and row, to show rows offered as deletes. */
  seen: Map<Kind, Map<string, RowValues>>;
}

export function createSyncWorkflow(options: { api: ApiClient; meta: Meta; layer: ExcelLayer; memory: WorkbookMemory; engine?: SyncEngine }) {
  const { api, meta, layer, memory } = options;
  const ref = referenceFromMeta(meta);
  const engine = options.engine ?? createSyncEngine({ transport: transportOf(api), store: memory.engineStore });
  const w: Workflow = { api, meta, layer, memory, ref, engine, seen: new Map() };
  return {
    engine,
    ref,
    binding: (kind: Kind) => binding(w, kind),
    insertTemplates: () => insertTemplates(w),
    proposeAdoption: (kind?: Kind, map?: Record<string, string>) => proposeAdoption(w, kind, map),
    adopt: (proposal: AdoptionProposal, choices?: AdoptChoices) => adopt(w, proposal, choices),
    read: (kind: Kind, onRead?: (rowsRead: number, rowCount: number) => void) => read(w, kind, onRead),
    syncKind: (kind: Kind, onProgress?: (p: ProgressInfo) => void) => syncKind(w, kind, onProgress),
    pullKind: (kind: Kind) => pullKind(w, kind),
    takeOffered: (kind: Kind, rowIds: readonly string[]) => takeOffered(w, kind, rowIds),
    offeredToSheet: (kind: Kind, rowIds: readonly string[]) => offeredToSheet(w, kind, rowIds),
    resolve: (kind: Kind, rowId: string, choice: 'mine' | 'theirs') => resolve(w, kind, rowId, choice),
    confirmDeletes: (kind: Kind, rowIds: readonly string[]) => engine.confirmDeletes(kind, rowIds),
    pendingBatches: () => engine.pendingBatches(),
  };
}

async function binding(w: Workflow, kind: Kind): Promise<TableBinding | undefined> {
  return (await w.memory.tables())[kind];
}

/** Inserts a template table per kind (those missing) and remembers them. */
async function insertTemplates(w: Workflow): Promise<TemplateInserted[]> {
  const specs = templateSpecs(w.meta.kinds.map((k) => ({ kind: k.kind, sheet: k.sheet, columns: k.columns })));
  const out = await w.layer.insertTemplates(specs);
  for (const t of out) if (!(await binding(w, t.kind))) await w.memory.setTable(t.kind, { table: t.table });
  return out;
}

/**
 * A range whose header names too few fields for the normaliser to find it: its first row with two
 * or more filled cells stands as the header, each column as the official has mapped it so far (or
 * not at all), and the required fields it lacks block 확인 until they are mapped. Undefined when no
 * row has two filled cells (nothing to map).
 */
function unmappedHeader(candidates: HeaderCandidates, kind: Kind, topRow: number, firstColumn: number, map: Record<string, string>): SheetReport | undefined {
  const filled = (v: unknown) => v !== null && v !== undefined && String(v).trim() !== '';
  const index = candidates.rows.findIndex((row) => row.filter(filled).length >= 2);
  if (index < 0) return undefined;
  const cells = candidates.rows[index]!.map((v, j) => ({ column: columnLetter(firstColumn + j), header: filled(v) ? String(v).trim() : '' })).filter((c) => c.header !== '');
  const fieldOf = (header: string) => (map[header] && map[header] !== '무시' && sheets[kind].columns.some((c) => c.field === map[header]) ? map[header]! : undefined);
  const report = emptyReport(candidates.sheet, kind);
  report.header = {
    row: topRow + index,
    columns: cells.filter((c) => fieldOf(c.header)).map((c) => ({ ...c, field: fieldOf(c.header)!, unit: null })),
    ignored: cells.filter((c) => !fieldOf(c.header)),
  };
  const mapped = new Set(report.header.columns.map((c) => c.field));
  const missing = sheets[kind].columns.filter((c) => c.required && !mapped.has(c.field)).map((c) => ({ field: c.field, header: c.header, label: c.label }));
  report.error = {
    code: 'missing_columns',
    message: sheetMessage('missing_columns', candidates.sheet, missing.map((m) => m.header).join(', ')),
    missing,
    candidates: report.header.ignored,
  };
  return report;
}

/**
 * Adopt, step 1: the selection's region, with its header mapped through the normaliser and the
 * official's own mapping (`map`). A header with unknown columns or a missing required field comes
 * back with its error, for the official to map by hand; only a range without any header fails.
 */
async function proposeAdoption(w: Workflow, kind?: Kind, map: Record<string, string> = {}): Promise<AdoptionProposal> {
  const candidates = await w.layer.readHeaderCandidates(30);
  const top = /!?\$?([A-Z]+)\$?(\d+)/.exec(candidates.address.slice(candidates.address.lastIndexOf('!') + 1));
  const topRow = top ? Number(top[2]) : 1;
  const firstColumn = top ? (columnNumber(top[1]!) ?? 1) : 1;
  let report = normaliseOfficeRange({ name: candidates.sheet, values: candidates.rows, address: candidates.address, merges: candidates.merges ?? [] }, { ref: w.ref, kind, map });
  // A header whose words the normaliser does not know (fewer than two fields): the official maps it by hand.
  if (!report.header || !report.kind) report = unmappedHeader(candidates, kind ?? kinds[0], topRow, firstColumn, map) ?? report;
  if (!report.header || !report.kind) {
    throw new SyncUiError('adopt_no_header', report.error?.message ?? { ko: '이 범위에서 머리글 줄을 찾지 못했습니다.', en: 'No header row was found in this range.' });
  }
  const headerSheetRow = report.header.row;
  // Merged areas from the header down stand in the way of a table; those above (titles) stay.
  const merges =
    candidates.merges === null || candidates.tableName
      ? candidates.tableName
        ? []
        : null
      : candidates.merges.filter((a) => (parseRangeAddress(a)?.bottom ?? 0) >= headerSheetRow);
  return { candidates, report, headerRow: headerSheetRow - topRow, merges, titleUnit: titleUnitOf(report), map };
}

/**
 * Adopt, step 2, once the official confirmed the mapping (and the unmerging, when shown): the table
 * is made and bound with the mapping, then read once to learn the rows it owns (its scope).
 */
async function adopt(w: Workflow, proposal: AdoptionProposal, choices: AdoptChoices = { scope: 'rows' }): Promise<string> {
  const kind = proposal.report.kind as Kind;
  if (proposal.report.error) throw new SyncUiError(proposal.report.error.code, proposal.report.error.message);
  const tables = await w.memory.tables();
  const base = sheets[kind].table;
  const taken = Object.values(tables).some((b) => b?.table === base);
  const newName = taken ? `${base}_${Date.now().toString(36)}` : base;
  let tableName: string;
  try {
    ({ tableName } = await w.layer.adoptRange({
      tableName: proposal.candidates.tableName,
      sheet: proposal.candidates.sheet,
      address: proposal.candidates.address,
      headerRow: proposal.headerRow,
      newName,
      merges: proposal.merges,
    }));
  } catch (error) {
    // Without ExcelApi 1.13 the merged cells could not be w.seen; Excel then refuses the table.
    if (proposal.merges === null && !proposal.candidates.tableName) throw new SyncUiError('adopt_merged_unknown', adoptMessages.mergedUnknownFailed);
    throw error;
  }
  // A unit declared in a title row above the header stays outside the table: remember it, with the
  // headers mapped by hand, so every sync reads the table as the official saw it in the dialog.
  const map = choices.map ?? proposal.map;
  const bound: TableBinding = { table: tableName };
  if (proposal.titleUnit) bound.unit = proposal.titleUnit;
  if (Object.keys(map).length > 0) bound.map = { ...map };
  await w.memory.setTable(kind, bound);
  if (choices.scope === 'rows') {
    const t = await read(w, kind);
    const scope = t
      ? scopeOfRows(
          t.local.filter((r) => !r.errors).map((r) => r.values),
          w.ref,
        )
      : undefined;
    if (scope) await w.memory.setTable(kind, { ...bound, scope });
  }
  return tableName;
}

/**
 * The table's row ids, and its rows with every copy of a row made anonymous: a copied row carries
 * its original's hidden id, and only the first keeps it (the engine gives the copy a new one), so
 * the normaliser does not refuse the copy as a duplicate.
 */
function withFirstIds(rows: unknown[][], idColumn: number): { rowIds: (string | null)[]; values: unknown[][] } {
  const rowIds: (string | null)[] = [];
  const seenIds = new Set<string>();
  const values = rows.map((row) => {
    const raw = idColumn >= 0 ? row[idColumn] : null;
    const id = typeof raw === 'string' && raw.trim() !== '' ? raw.trim() : null;
    rowIds.push(id);
    if (id === null || !seenIds.has(id)) {
      if (id !== null) seenIds.add(id);
      return row;
    }
    const copy = [...row];
    copy[idColumn] = '';
    return copy;
  });
  return { rowIds, values };
}

/**
 * The table's body rows as the engine takes them: each read row with its values (remembered in
 * `memo` by id) or its cells' issues, by its place in the body; blank, total and repeated header
 * rows are left out.
 */
function localRows(report: ReturnType<typeof normaliseOfficeRange>, firstRow: number, rowIds: (string | null)[], count: number, memo: Map<string, RowValues>) {
  const bodyOf = (sheetRow: number) => sheetRow - firstRow - 1;
  const accepted = new Map(report.rows.map((r) => [bodyOf(r.row), r.values]));
  const cellIssues = new Map<number, ReportIssue[]>();
  for (const issue of report.rejected) {
    const i = bodyOf(issue.row);
    const list = cellIssues.get(i) ?? [];
    list.push(issue);
    cellIssues.set(i, list);
  }
  const local: LocalRow[] = [];
  const bodyIndex: number[] = [];
  const firstId = new Set<string>();
  for (let i = 0; i < count; i++) {
    const v = accepted.get(i);
    const issues = cellIssues.get(i);
    if (!v && !issues) continue; // blank, total or repeated header row
    const id = rowIds[i] && !firstId.has(rowIds[i]!) ? rowIds[i]! : null;
    if (id) firstId.add(id);
    bodyIndex.push(i);
    if (issues) local.push({ rowId: id, values: {}, errors: issues.map((x) => ({ field: x.field, code: x.code, message: x.message })) });
    else {
      local.push({ rowId: id, values: v! });
      if (id) memo.set(id, v!);
    }
  }
  return { local, bodyIndex, cellIssues };
}

/** Reads and normalises a kind's table; undefined when the workbook has no table for it. */
async function read(w: Workflow, kind: Kind, onRead?: (rowsRead: number, rowCount: number) => void): Promise<ReadTable | undefined> {
  const bound = await binding(w, kind);
  if (!bound) return undefined;
  let table;
  try {
    table = await w.layer.readTable(bound.table, { onProgress: onRead });
  } catch (error) {
    if (notFound(error)) return undefined;
    throw error;
  }
  const headers = table.headers.map((h) => String(h ?? '').trim());
  const idColumn = headers.indexOf(rowIdHeader);
  const { rowIds, values } = withFirstIds(table.values, idColumn);
  const report = normaliseOfficeRange(
    {
      name: table.sheet,
      values: [withUnit(headers, bound.unit, kind), ...values],
      numberFormat: [headers.map(() => 'General'), ...table.numberFormat],
      valueTypes: [headers.map(() => 'String'), ...table.valueTypes],
      address: `${columnLetter(table.firstColumn + 1)}${table.firstRow}`,
    },
    { ref: w.ref, kind, map: bound.map },
  );
  if (report.error) throw new SyncUiError(report.error.code, report.error.message);
  const fields: (string | null)[] = headers.map(() => null);
  const units: (string | null)[] = headers.map(() => null);
  for (const c of report.header?.columns ?? []) {
    const j = (columnNumber(c.column) ?? 0) - 1 - table.firstColumn;
    if (j < 0 || j >= fields.length) continue;
    fields[j] = c.field;
    units[j] = c.unit;
  }
  if (idColumn >= 0) fields[idColumn] = rowIdField;
  // The engine compares and sends rows over the columns this table has (a sheet may lack some).
  w.engine.tableColumns(
    kind,
    fields.filter((f): f is string => f !== null && f !== rowIdField),
  );

  const memo = w.seen.get(kind) ?? new Map<string, RowValues>();
  w.seen.set(kind, memo);
  const { local, bodyIndex, cellIssues } = localRows(report, table.firstRow, rowIds, values.length, memo);
  const skipped: SkippedItem[] = report.skipped.map((x) => ({ kind, sheetRow: x.row, reason: x.reason, message: x.message }));
  return {
    kind,
    tableName: bound.table,
    scope: bound.scope,
    report,
    fields,
    units,
    rowIds,
    local,
    bodyIndex,
    cellIssues,
    skipped,
    firstRow: table.firstRow,
    firstColumn: table.firstColumn,
  };
}

/** Where the table's rows and cells are, for the marks (marks.ts). */
function markTable(w: Workflow, t: ReadTable, rowOfId: Map<string, number>): MarkTable {
  return {
    fields: t.fields,
    rowOfIndex: (index) => t.bodyIndex[index],
    rowOfId: (rowId) => rowOfId.get(rowId),
    cellIssues: (row) => t.cellIssues.get(row)?.map((c) => ({ column: (columnNumber(c.column) ?? 0) - 1 - t.firstColumn, message: c.message })),
  };
}

/**
 * Marks this round's cells and clears the rows marked before that are now fine; returns the cells
 * for the results list.
 */
async function mark(
  w: Workflow,
  t: ReadTable,
  report: SyncReport,
  conflicts: Conflict[],
  rowOfId: Map<string, number>,
  idOfRow: (string | null)[],
): Promise<{ refused: ResultItem[]; warnings: ResultItem[]; marksAs?: NoteMode }> {
  const before = [...new Set(await w.memory.marked(t.kind))];
  const { refused, warnings, marks, clearRows } = marksFromReport({ ...report, conflicts }, markTable(w, t, rowOfId), before);
  const marksAs = marks.length > 0 || clearRows.length > 0 ? await w.layer.markCells(t.tableName, marks, { rows: clearRows, columnCount: t.fields.length }) : undefined;
  const markedRows = new Set(marks.map((m) => m.row));
  await w.memory.setMarked(
    t.kind,
    [...markedRows].map((r) => idOfRow[r]).filter((id): id is string => !!id),
  );
  const item = (x: CellItem): ResultItem => ({ kind: t.kind, tableName: t.tableName, ...x, address: cellAddress(t, x.row, x.column) });
  return { refused: refused.map(item), warnings: warnings.map(item), marksAs };
}

/**
 * Where rows added to the table go: above a total row (합계, 소계) the official keeps below the data,
 * right after the last data row; at the end when there is none.
 */
export function appendIndex(t: Pick<ReadTable, 'bodyIndex' | 'skipped' | 'firstRow'>): number | undefined {
  const last = t.bodyIndex.length > 0 ? Math.max(...t.bodyIndex) : -1;
  const totalBelow = t.skipped.some((x) => x.reason === 'total' && x.sheetRow - t.firstRow - 1 > last);
  return totalBelow ? last + 1 : undefined;
}

async function writeBack(w: Workflow, t: ReadTable, rowIds: (string | null)[], writes: TableWrite[]): Promise<number> {
  if (writes.length === 0) return 0;
  const shown = writes.map((x): TableWrite => (x.type === 'upsert' ? { ...x, values: displayValues(x.values, t, w.ref) } : x));
  const done = await w.layer.writeRows(
    t.tableName,
    t.fields.map((f) => (f === rowIdField ? null : f)),
    rowIds,
    shown,
    { appendAt: appendIndex(t) },
  );
  return done.updated + done.appended + done.removed;
}

/** A pull that adds nothing unasked: rows the table does not hold are offered (engine `take`). */
const offerAll = { take: () => false };

/** The offered rows of a kind, split by the table's scope. */
function offersOf(w: Workflow, t: Pick<ReadTable, 'kind' | 'tableName' | 'scope'>, offered: readonly ServerRow[]): Offers {
  const out: Offers = { kind: t.kind, tableName: t.tableName, scope: t.scope, fits: [], outside: [] };
  for (const row of offered) (fits(t.scope, row.values, w.ref) ? out.fits : out.outside).push(row);
  return out;
}

/** Read → sync → row ids → pull → marks → pulled rows. Undefined when there is no table. */
async function syncKind(w: Workflow, kind: Kind, onProgress?: (p: ProgressInfo) => void): Promise<KindOutcome | undefined> {
  let rowCount = 0;
  const t = await read(w, kind, (rowsRead, count) => {
    rowCount = count;
    onProgress?.({ kind, phase: 'read', rowsRead, rowCount: count, rowsToSend: 0, rowsSent: 0, rowsAccepted: 0 });
  });
  if (!t) return undefined;
  const idOfRow = [...t.rowIds];
  const report = await w.engine.sync(kind, t.local, {
    onProgress: (p) =>
      onProgress?.({ kind, phase: p.phase, rowsRead: p.rowsRead, rowCount: rowCount || p.rowsRead, rowsToSend: p.rowsToSend, rowsSent: p.rowsSent, rowsAccepted: p.rowsAccepted }),
    writeIds: async (writes) => {
      const body = writes.map((x) => ({ index: t.bodyIndex[x.index]!, rowId: x.rowId }));
      await w.layer.writeRowIds(t.tableName, body);
      for (const x of body) idOfRow[x.index] = x.rowId;
    },
  });
  // The table's rows with their ids as they are now, for the pull's view of unsent edits.
  const local = t.local.map((row, k) => ({ ...row, rowId: idOfRow[t.bodyIndex[k]!] ?? row.rowId }));
  const rowOfId = new Map<string, number>();
  idOfRow.forEach((id, i) => {
    if (id && !rowOfId.has(id)) rowOfId.set(id, i);
  });
  let pulled: TableWrite[] = [];
  let conflicts = report.conflicts;
  if (!report.offline) {
    try {
      const pull = await w.engine.pull(kind, local, offerAll);
      pulled = pull.tableWrites;
      conflicts = pull.conflicts;
    } catch (error) {
      if (!(error instanceof Error && 'status' in error && (error as { status: number }).status === 0)) throw error;
    }
  }
  const { refused, warnings, marksAs } = await mark(w, t, report, conflicts, rowOfId, idOfRow);
  const pulledCount = await writeBack(w, t, idOfRow, pulled);
  if (kind === 'spending' || kind === 'agendas') await refreshAgendaChoices(w);
  const memo = w.seen.get(kind);
  return {
    kind,
    tableName: t.tableName,
    rowsRead: report.rowsRead,
    rowsSent: report.rowsSent,
    accepted: report.accepted,
    unchanged: report.unchanged,
    refused,
    warnings,
    skipped: t.skipped,
    conflicts,
    deleteCandidates: report.deleteCandidates.map((d) => ({ ...d, values: memo?.get(d.rowId) })),
    pulled: pulledCount,
    offers: offersOf(w, t, await w.engine.offered(kind)),
    marksAs,
    offline: report.offline,
    failedBatches: report.failedBatches,
  };
}

/**
 * Fetches what changed on the service and writes it into the table: updates and removals of the rows
 * it holds. Rows it does not hold come back as offers.
 */
async function pullKind(w: Workflow, kind: Kind): Promise<{ written: number; conflicts: Conflict[]; offers: Offers } | undefined> {
  const t = await read(w, kind);
  if (!t) return undefined;
  const result = await w.engine.pull(kind, t.local, offerAll);
  const written = await writeBack(w, t, t.rowIds, result.tableWrites);
  if (kind === 'spending' || kind === 'agendas') await refreshAgendaChoices(w);
  return { written, conflicts: result.conflicts, offers: offersOf(w, t, result.offered) };
}

/** Offered rows the official said yes to, added to the table (above its total row). Answers how many. */
async function takeOffered(w: Workflow, kind: Kind, rowIds: readonly string[]): Promise<number> {
  const t = await read(w, kind);
  if (!t) return 0;
  const writes = await w.engine.takeOffered(kind, rowIds);
  const written = await writeBack(w, t, t.rowIds, writes);
  if (kind === 'spending' || kind === 'agendas') await refreshAgendaChoices(w);
  return written;
}

/** How a field's values read on a sheet of copies. */
const copyKinds: Partial<Record<FieldType, 'money' | 'count' | 'date' | 'year'>> = { money: 'money', count: 'count', date: 'date', year: 'year' };

/**
 * Offered rows put on a new sheet of their own, as a copy to read (not a synced table: its rows stay
 * the service's, and are offered again when they change there). Answers the new sheet's name.
 */
async function offeredToSheet(w: Workflow, kind: Kind, rowIds: readonly string[]): Promise<string | undefined> {
  const wanted = new Set(rowIds);
  const rows = (await w.engine.offered(kind)).filter((r) => wanted.has(r.rowId));
  if (rows.length === 0) return undefined;
  const columns = sheets[kind].columns.map((c) => ({ field: c.field, header: c.header, kind: copyKinds[c.type] ?? ('text' as const) }));
  const noUnits = { fields: columns.map((c) => c.field), units: columns.map(() => null) };
  const values = rows.map((r) => {
    const shown = displayValues(r.values, noUnits, w.ref);
    return columns.map((c) => shown[c.field] ?? null);
  });
  const years = [
    ...new Set(rows.map((r) => r.values.fiscalYear ?? (typeof r.values.date === 'string' ? r.values.date.slice(0, 4) : undefined)).filter((y) => y !== undefined && y !== null)),
  ].sort();
  const name = await w.layer.copyToSheet(`${sheets[kind].sheet} ${years.length > 0 && years.length <= 3 ? years.join('·') : '서비스'}`, columns, values);
  await w.engine.dropOffered(kind, [...wanted]);
  return name;
}

/**
 * Puts on each spending line's 관련 의제 cell a drop-down of its dong's agendas of that year, from
 * the workbook's 자치계획 table as it is now (after a sync or pull of either). Nothing when either
 * table is missing.
 */
async function refreshAgendaChoices(w: Workflow): Promise<void> {
  const agendas = await read(w, 'agendas');
  const spending = agendas ? await read(w, 'spending') : undefined;
  const column = spending?.fields.indexOf('agenda') ?? -1;
  if (!agendas || !spending || column < 0) return;
  const lines = spending.local.map((row, k) => ({ row: spending.bodyIndex[k]!, values: row.values }));
  await w.layer.setListChoices(
    spending.tableName,
    column,
    agendaChoices(
      agendas.local.map((r) => r.values),
      lines,
      w.ref,
    ),
  );
}

/** Resolves a conflict; "theirs" writes the service's row into the table at once. */
async function resolve(w: Workflow, kind: Kind, rowId: string, choice: 'mine' | 'theirs'): Promise<void> {
  const writes = await w.engine.resolveConflict(kind, rowId, choice);
  if (writes.length === 0) return;
  const t = await read(w, kind);
  if (t) await writeBack(w, t, t.rowIds, writes);
}

export type SyncWorkflow = ReturnType<typeof createSyncWorkflow>;

/** Headers as given to the normaliser: money columns without a unit get the table's declared one. */
function withUnit(headers: string[], unit: string | undefined, kind: Kind): string[] {
  if (!unit) return headers;
  const money = new Set(sheets[kind].columns.filter((c) => c.type === 'money').map((c) => c.field));
  return headers.map((h) => {
    if (h === rowIdHeader || /[(（[［]/.test(h)) return h;
    const field = headerField(kind, h);
    return field && money.has(field) ? `${h}(${unit})` : h;
  });
}

/**
 * The money unit declared above the header, when every money column took it from there (headers
 * that carry their own unit keep it in the table and need nothing remembered).
 */
function titleUnitOf(report: SheetReport): string | undefined {
  const kind = report.kind;
  if (!kind || !report.header) return undefined;
  const money = new Set(sheets[kind].columns.filter((c) => c.type === 'money').map((c) => c.field));
  const moneyColumns = report.header.columns.filter((c) => money.has(c.field));
  if (moneyColumns.length === 0) return undefined;
  const units = new Set(moneyColumns.map((c) => c.unit));
  const unit = units.size === 1 ? [...units][0] : undefined;
  if (!unit || unit === '원') return undefined;
  // A unit written in a header itself stays in the table's header.
  if (moneyColumns.some((c) => /[(（[［]/.test(c.header))) return undefined;
  return unit;
}
