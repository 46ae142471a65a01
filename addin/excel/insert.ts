// Results into the workbook: any comparison or query result as a formatted Excel table on a new sheet,
// and a printable summary sheet with native charts. Plain data in; the only Excel.run calls for it.
// Large results are written in chunks of at most `chunkRows` rows, one sync per chunk (never a sync
// per row); the table is made over the written range at the end, which Excel does fastest.
import type { ValueKind } from '../taskpane/ui/format.ts';
import { guardFormula } from '../../domain/formula-guard.ts';
import { officeHost, type ExcelHost } from './office-types.ts';
import { freeNameCandidates } from './quiet.ts';

/** How a column's values read: the task pane's value kinds (addin/taskpane/ui/format.ts). */
export type ColumnKind = ValueKind;

export interface ResultColumn {
  field: string;
  /** The Korean header (from the metric definitions). */
  header: string;
  kind: ColumnKind;
}

export const chunkRows = 5000;

export const excelFormats: Record<ColumnKind, string> = {
  money: '#,##0',
  rate: '0.0%',
  per1000: '#,##0.0',
  percent: '0.0"%"',
  decimal: '#,##0.0',
  count: '#,##0',
  year: '0',
  date: 'yyyy-mm-dd',
  datetime: 'yyyy-mm-dd hh:mm',
  text: 'General',
};

/** Excel.ChartType.columnClustered and Excel.ChartSeriesBy.columns (office.js enums are strings). */
export const chartType = 'ColumnClustered' satisfies `${Excel.ChartType}`;
export const seriesByColumns = 'Columns' satisfies `${Excel.ChartSeriesBy}`;

/** Days since 1899-12-30, Excel's date serial (the 1900 system), for a YYYY-MM-DD date. */
export function dateSerial(iso: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (!m) return null;
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) / 86_400_000 + 25_569;
}

/** A timestamp as a serial with the time of day, in the reader's own time zone. */
export function dateTimeSerial(iso: string): number | null {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return null;
  return (date.getTime() - date.getTimezoneOffset() * 60_000) / 86_400_000 + 25_569;
}

/** One value as a cell takes it: numbers stay numbers, dates become serials, a blank stays blank. */
export function toCell(value: unknown, kind: ColumnKind): string | number | boolean {
  if (value === null || value === undefined) return '';
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'number' || typeof value === 'boolean') return value;
  if (value instanceof Date) return dateTimeSerial(value.toISOString()) ?? '';
  const text = String(value);
  if (kind === 'date') return dateSerial(text.slice(0, 10)) ?? text;
  if (kind === 'datetime') return dateTimeSerial(text) ?? text;
  // Text that Excel would read as a formula stays text.
  return guardFormula(text);
}

/** A sheet name Excel accepts: no []:*?/\, at most 31 characters, not blank. */
export function sheetNameOf(name: string): string {
  const clean = name
    .replace(/[[\]:*?/\\]/g, ' ')
    .replace(/^'+|'+$/g, '')
    .trim()
    .slice(0, 31);
  return clean || '결과';
}

const candidates = (base: string) => freeNameCandidates(base, 20);

/** Adds a sheet under the first free name of `base`, `base (2)`, …: one sync for all the look-ups. */
async function addSheet(context: Excel.RequestContext, base: string): Promise<{ sheet: Excel.Worksheet; name: string }> {
  const names = candidates(sheetNameOf(base));
  const looks = names.map((n) => {
    const s = context.workbook.worksheets.getItemOrNullObject(n);
    s.load('isNullObject');
    return s;
  });
  await context.sync();
  const free = names.find((_, i) => looks[i]!.isNullObject);
  const name = free ?? `${sheetNameOf(base).slice(0, 20)} ${Date.now() % 1_000_000}`;
  return { sheet: context.workbook.worksheets.add(name), name };
}

/** Writes rows under a header at (top, left), `chunkRows` at a time, with each column's format. */
async function writeBlock(
  context: Excel.RequestContext,
  sheet: Excel.Worksheet,
  top: number,
  left: number,
  columns: ResultColumn[],
  rows: readonly (readonly unknown[])[],
  formats?: (row: number) => string[],
): Promise<Excel.Range> {
  const width = columns.length;
  const header = sheet.getRangeByIndexes(top, left, 1, width);
  header.values = [columns.map((c) => guardFormula(c.header))];
  header.format.font.bold = true;
  const rowFormat = columns.map((c) => excelFormats[c.kind]);
  for (let start = 0; start < rows.length; start += chunkRows) {
    const chunk = rows.slice(start, start + chunkRows);
    const range = sheet.getRangeByIndexes(top + 1 + start, left, chunk.length, width);
    range.values = chunk.map((row) => columns.map((c, j) => toCell(row[j], c.kind)));
    range.numberFormat = chunk.map((_, i) => formats?.(start + i) ?? rowFormat);
    // One sync per chunk keeps each request under Excel's payload limit.
    if (rows.length > chunkRows) await context.sync();
  }
  return sheet.getRangeByIndexes(top, left, Math.max(1, rows.length) + 1, width);
}

/**
 * Any comparison or query result as an Excel table on a new sheet named after it. Rows are arrays in
 * the order of `columns`. Answers with the sheet's name.
 */
export async function insertResultSheet(name: string, columns: ResultColumn[], rows: readonly (readonly unknown[])[], host: ExcelHost = officeHost()): Promise<string> {
  if (!columns.length) throw new Error('A result without columns cannot be inserted.');
  return host.run(async (context) => {
    const { sheet, name: sheetName } = await addSheet(context, name);
    const whole = await writeBlock(context, sheet, 0, 0, columns, rows);
    const table = sheet.tables.add(whole, true);
    table.style = 'TableStyleMedium2';
    // Widths from the header and the first rows: autofit over a large range is slow.
    sheet.getRangeByIndexes(0, 0, Math.min(rows.length, 200) + 1, columns.length).format.autofitColumns();
    sheet.freezePanes.freezeRows(1);
    sheet.activate();
    await context.sync();
    return sheetName;
  });
}

export interface SummarySheetFigure {
  figure: string;
  label: string;
  /** rate (a ratio, shown in %) or per1000 (one decimal): each figure in its own unit. */
  kind: ColumnKind;
  /** The city's rows (all cohorts) per phase: the group's value and median. */
  values: { phase: number; phaseName: string; value: number | null; median: number | null }[];
  /** The same dongs in both phases (continuing rows): how many, and the value per phase as in `values`. */
  continuing: { dongs: number | null; values: (number | null)[] };
}

/** One reason a dong may need support (a summary row of kind dong). */
export interface SummarySheetFlag {
  district: string;
  dongName: string;
  figure: string;
  phaseName: string;
  /** 낮음 or 하락, with what it is measured against. */
  reason: string;
  value: number | null;
  /** The group's median (낮음) or the dong's previous phase (하락). */
  against: number | null;
  kind: ColumnKind;
}

export interface SummarySheetData {
  title: string;
  /** "지원 검토 3곳 / 20개 동 · 기준 시각 14:05", under the title. */
  subtitle: string;
  figures: SummarySheetFigure[];
  flags: SummarySheetFlag[];
  /** Korean labels of the sheet's headers. */
  labels: {
    figure: string;
    value: string;
    median: string;
    continuing: string;
    continuingDongs: string;
    district: string;
    dong: string;
    phase: string;
    reason: string;
    against: string;
    change: string;
  };
}

export interface SummarySheetDong {
  district: string;
  dongName: string;
  figures: Record<string, { phase1: number | null; phase2: number | null; delta: number | null }>;
}

/** Dongs a chart shows at most (a column chart of hundreds of dongs is unreadable and slow). */
export const chartDongs = 40;

/** Where the summary sheet puts things (0-based rows and columns), for the sheet and its tests. */
export function summaryLayout(figures: number, flags: number, dongs: number) {
  const headlineTop = 3;
  const flagTop = headlineTop + figures + 2;
  const chartTop = flagTop + Math.max(1, flags) + 3;
  const chartHeight = 16;
  const dongTop = chartTop + chartHeight + 2;
  const dongWidth = 2 + 3 * figures;
  const chartWidth = 6;
  // What is printed: the tables (the headline table has 8 columns) and the charts side by side.
  const printWidth = Math.max(dongWidth, 8, figures * chartWidth);
  // The charts' source blocks (동, 1단계, 2단계) sit right of all that, outside the print area.
  const chartDataLeft = printWidth + 2;
  return { headlineTop, flagTop, chartTop, chartHeight, chartWidth, dongTop, dongWidth, printWidth, chartDataLeft, chartRows: Math.min(dongs, chartDongs) };
}

/** The headline table: 지표 | <phase> 값 | <phase> 중앙값 … | 계속 참여 동 수 | 계속 참여 <phase> …; answers its width. */
async function writeHeadline(context: Excel.RequestContext, sheet: Excel.Worksheet, summary: SummarySheetData, phaseNames: string[], top: number): Promise<number> {
  const { figures, labels } = summary;
  const columns: ResultColumn[] = [
    { field: 'figure', header: labels.figure, kind: 'text' },
    ...phaseNames.flatMap((p): ResultColumn[] => [
      { field: `${p}-value`, header: `${p} ${labels.value}`, kind: 'decimal' },
      { field: `${p}-median`, header: `${p} ${labels.median}`, kind: 'decimal' },
    ]),
    { field: 'continuingDongs', header: labels.continuingDongs, kind: 'count' },
    ...phaseNames.map((p): ResultColumn => ({ field: `${p}-continuing`, header: `${labels.continuing} ${p}`, kind: 'decimal' })),
  ];
  const rows = figures.map((f) => [f.label, ...f.values.flatMap((v) => [v.value, v.median]), f.continuing.dongs, ...phaseNames.map((_, i) => f.continuing.values[i] ?? null)]);
  // Each figure in its own unit: a decimal column takes the row's figure's format.
  const range = await writeBlock(context, sheet, top, 0, columns, rows, (i) => columns.map((c) => (c.kind === 'decimal' ? excelFormats[figures[i]!.kind] : excelFormats[c.kind])));
  sheet.tables.add(range, true).style = 'TableStyleMedium2';
  return columns.length;
}

/** The dongs that may need support: 구 | 동 | 지표 | 단계 | 사유 | 값 | 기준 값, each in its figure's unit. */
async function writeFlags(context: Excel.RequestContext, sheet: Excel.Worksheet, summary: SummarySheetData, top: number): Promise<void> {
  const { flags, labels } = summary;
  const columns: ResultColumn[] = [
    { field: 'district', header: labels.district, kind: 'text' },
    { field: 'dongName', header: labels.dong, kind: 'text' },
    { field: 'figure', header: labels.figure, kind: 'text' },
    { field: 'phase', header: labels.phase, kind: 'text' },
    { field: 'reason', header: labels.reason, kind: 'text' },
    { field: 'value', header: labels.value, kind: 'decimal' },
    { field: 'against', header: labels.against, kind: 'decimal' },
  ];
  const rows = flags.map((f) => [f.district, f.dongName, f.figure, f.phaseName, f.reason, f.value, f.against]);
  const range = await writeBlock(context, sheet, top, 0, columns, rows, (i) => columns.map((c) => (c.kind === 'decimal' ? excelFormats[flags[i]!.kind] : excelFormats[c.kind])));
  sheet.tables.add(range, true).style = 'TableStyleLight10';
}

/** The dong table: 구 | 동 | per figure: 1단계, 2단계, 변화; the dongs in Korean order. */
async function writeDongTable(
  context: Excel.RequestContext,
  sheet: Excel.Worksheet,
  summary: SummarySheetData,
  sorted: readonly SummarySheetDong[],
  phaseNames: string[],
  top: number,
): Promise<void> {
  const { figures, labels } = summary;
  const columns: ResultColumn[] = [
    { field: 'district', header: labels.district, kind: 'text' },
    { field: 'dongName', header: labels.dong, kind: 'text' },
    ...figures.flatMap((f): ResultColumn[] => [
      { field: `${f.figure}Phase1`, header: `${f.label} ${phaseNames[0] ?? '1단계'}`, kind: f.kind },
      { field: `${f.figure}Phase2`, header: `${f.label} ${phaseNames[1] ?? '2단계'}`, kind: f.kind },
      { field: `${f.figure}Delta`, header: `${f.label} ${labels.change}`, kind: f.kind },
    ]),
  ];
  const rows = sorted.map((d) => [
    d.district,
    d.dongName,
    ...figures.flatMap((f) => {
      const v = d.figures[f.figure];
      return [v?.phase1 ?? null, v?.phase2 ?? null, v?.delta ?? null];
    }),
  ]);
  const range = await writeBlock(context, sheet, top, 0, columns, rows);
  sheet.tables.add(range, true).style = 'TableStyleLight9';
}

/** One chart per headline figure, over its own block (동, 1단계, 2단계), side by side above the dong table. */
function addCharts(sheet: Excel.Worksheet, summary: SummarySheetData, sorted: readonly SummarySheetDong[], phaseNames: string[], layout: ReturnType<typeof summaryLayout>): void {
  const charted = sorted.slice(0, layout.chartRows);
  summary.figures.forEach((f, i) => {
    const left = layout.chartDataLeft + i * 4;
    const blockColumns: ResultColumn[] = [
      { field: 'dongName', header: summary.labels.dong, kind: 'text' },
      { field: 'phase1', header: phaseNames[0] ?? '1단계', kind: f.kind },
      { field: 'phase2', header: phaseNames[1] ?? '2단계', kind: f.kind },
    ];
    const header = sheet.getRangeByIndexes(layout.dongTop, left, 1, 3);
    header.values = [blockColumns.map((c) => guardFormula(c.header))];
    header.format.font.bold = true;
    if (charted.length) {
      const body = sheet.getRangeByIndexes(layout.dongTop + 1, left, charted.length, 3);
      body.values = charted.map((d) => [guardFormula(d.dongName), d.figures[f.figure]?.phase1 ?? '', d.figures[f.figure]?.phase2 ?? '']);
      body.numberFormat = charted.map(() => blockColumns.map((c) => excelFormats[c.kind]));
    }
    const source = sheet.getRangeByIndexes(layout.dongTop, left, charted.length + 1, 3);
    const chart = sheet.charts.add(chartType, source, seriesByColumns);
    const more = sorted.length > charted.length ? ` (${charted.length}/${sorted.length}곳)` : '';
    chart.title.text = `동별 ${f.label}: ${phaseNames.join(' 대 ')}${more}`;
    chart.setPosition(
      sheet.getRangeByIndexes(layout.chartTop, i * layout.chartWidth, 1, 1),
      sheet.getRangeByIndexes(layout.chartTop + layout.chartHeight - 1, (i + 1) * layout.chartWidth - 1, 1, 1),
    );
  });
}

/**
 * A summary sheet: the headline figures (the group's value and median per phase, and the same dongs
 * in both phases), the dongs that may need support with their reasons, a native clustered column
 * chart of phase 1 against phase 2 per dong for each headline figure, and the dong table; landscape
 * and with a print area where the API set allows (page layout is ExcelApi 1.9). Answers with the
 * sheet's name.
 */
export async function insertSummarySheet(summary: SummarySheetData, phases: SummarySheetDong[], host: ExcelHost = officeHost()): Promise<string> {
  const phaseNames = summary.figures[0]?.values.map((v) => v.phaseName) ?? ['1단계', '2단계'];
  const layout = summaryLayout(summary.figures.length, summary.flags.length, phases.length);
  const printable = host.isSetSupported('ExcelApi', '1.9');
  const sorted = [...phases].sort((a, b) => a.dongName.localeCompare(b.dongName, 'ko'));
  return host.run(async (context) => {
    const { sheet, name } = await addSheet(context, '요약');
    const title = sheet.getRangeByIndexes(0, 0, 2, 1);
    title.values = [[summary.title], [summary.subtitle]];
    title.format.font.bold = true;
    const headlineWidth = await writeHeadline(context, sheet, summary, phaseNames, layout.headlineTop);
    await writeFlags(context, sheet, summary, layout.flagTop);
    await writeDongTable(context, sheet, summary, sorted, phaseNames, layout.dongTop);
    addCharts(sheet, summary, sorted, phaseNames, layout);
    sheet
      .getRangeByIndexes(layout.headlineTop, 0, Math.min(sorted.length, 200) + layout.dongTop - layout.headlineTop + 1, Math.max(layout.dongWidth, headlineWidth))
      .format.autofitColumns();
    if (printable) {
      sheet.pageLayout.orientation = 'Landscape';
      sheet.pageLayout.setPrintArea(sheet.getRangeByIndexes(0, 0, layout.dongTop + sorted.length + 1, layout.printWidth));
    }
    sheet.activate();
    await context.sync();
    return name;
  });
}
