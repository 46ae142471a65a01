// addin/excel/insert.ts against office-addin-mock made strict (strict-mock.ts): a small model of new
// sheets records every write (values, number formats), table, chart and page setting, and each sync.
import { OfficeMockObject } from 'office-addin-mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  chunkRows,
  dateSerial,
  insertResultSheet,
  insertSummarySheet,
  summaryLayout,
  type ResultColumn,
  type SummarySheetData,
  type SummarySheetDong,
  type SummarySheetFigure,
  type SummarySheetFlag,
} from '../../addin/excel/insert.ts';
import { decodeArrow } from '../../addin/taskpane/arrow.ts';
import { loadDemo } from '../../service/demo.ts';
import { startService, type TestService } from '../support/service.ts';
import { strict } from './strict-mock.ts';

interface Rect {
  row: number;
  column: number;
  rows: number;
  columns: number;
}

interface SheetModel {
  name: string;
  /** Every values write, in order, with the sync it was sent in. */
  writes: (Rect & { values: unknown[][]; sync: number })[];
  formats: (Rect & { formats: unknown[][] })[];
  tables: (Rect & { hasHeaders: boolean; style?: string })[];
  charts: { type: string; source: Rect; seriesBy: string; title?: string; from?: Rect; to?: Rect }[];
  orientation?: string;
  printArea?: Rect;
  frozenRows?: number;
  active: boolean;
}

interface Model {
  existing: string[];
  sheets: SheetModel[];
  syncs: number;
  apiMinor: number;
}

const sentinel = (v: unknown) => typeof v === 'string' && v.startsWith('Error, ');

/** Records assignments of `prop` on a mock (the mock's own sentinel assignments are not writes). */
function onSet(mock: object, prop: string, record: (value: unknown) => void): void {
  let current: unknown = (mock as Record<string, unknown>)[prop];
  Object.defineProperty(mock, prop, {
    get: () => current,
    set: (v: unknown) => {
      current = v;
      if (!sentinel(v)) record(v);
    },
    configurable: true,
  });
}

function mockExcel(model: Model) {
  const created: OfficeMockObject[] = [];
  const track = <T extends OfficeMockObject>(m: T): T => (created.push(m), m);
  const rectOf = (range: unknown): Rect => (range as { _rect: Rect })._rect;

  const rangeMock = (sheet: SheetModel, rect: Rect) => {
    const mock = track(new OfficeMockObject({ values: [], numberFormat: [], format: { font: { bold: false, size: 11 }, autofitColumns() {} } }));
    Object.assign(mock, { _rect: rect });
    onSet(mock, 'values', (v) => {
      const values = v as unknown[][];
      expect(values).toHaveLength(rect.rows);
      for (const row of values) expect(row).toHaveLength(rect.columns);
      sheet.writes.push({ ...rect, values, sync: model.syncs });
    });
    onSet(mock, 'numberFormat', (v) => {
      const formats = v as unknown[][];
      expect(formats).toHaveLength(rect.rows);
      sheet.formats.push({ ...rect, formats });
    });
    return mock;
  };

  const sheetMock = (sheet: SheetModel) => {
    const mock = track(
      new OfficeMockObject({
        name: sheet.name,
        isNullObject: false,
        getRangeByIndexes: (row: number, column: number, rows: number, columns: number) => rangeMock(sheet, { row, column, rows, columns }),
        tables: {
          add(range: unknown, hasHeaders: boolean) {
            const table: SheetModel['tables'][number] = { ...rectOf(range), hasHeaders };
            sheet.tables.push(table);
            const t = track(new OfficeMockObject({ style: '', showBandedRows: true }));
            onSet(t, 'style', (v) => (table.style = String(v)));
            return t;
          },
        },
        charts: {
          add(type: string, source: unknown, seriesBy: string) {
            const chart: SheetModel['charts'][number] = { type, source: rectOf(source), seriesBy };
            sheet.charts.push(chart);
            const c = track(
              new OfficeMockObject({
                title: { text: '' },
                setPosition(from: unknown, to: unknown) {
                  chart.from = rectOf(from);
                  chart.to = rectOf(to);
                },
              }),
            );
            onSet((c as unknown as { title: object }).title, 'text', (v) => (chart.title = String(v)));
            return c;
          },
        },
        freezePanes: { freezeRows: (n: number) => (sheet.frozenRows = n) },
        pageLayout: { orientation: 'Portrait', setPrintArea: (range: unknown) => (sheet.printArea = rectOf(range)) },
        activate: () => (sheet.active = true),
      }),
    );
    onSet((mock as unknown as { pageLayout: object }).pageLayout, 'orientation', (v) => (sheet.orientation = String(v)));
    return mock;
  };

  const context = new OfficeMockObject({
    workbook: {
      worksheets: {
        add(name: string) {
          if (model.existing.includes(name)) throw Object.assign(new Error(`sheet ${name} exists`), { code: 'ItemAlreadyExists' });
          model.existing.push(name);
          const sheet: SheetModel = { name, writes: [], formats: [], tables: [], charts: [], active: false };
          model.sheets.push(sheet);
          return sheetMock(sheet);
        },
        getItemOrNullObject: (name: string) => track(new OfficeMockObject({ isNullObject: !model.existing.includes(name) })),
      },
    },
  });
  const rawSync = context.sync.bind(context);
  const strictContext = strict(
    Object.assign(context, {
      sync: async () => {
        model.syncs++;
        await rawSync();
        for (const m of created) await m.sync();
        await new Promise((resolve) => setTimeout(resolve, 0));
      },
    }),
    'context',
  );
  return {
    run: <T>(batch: (ctx: never) => Promise<T>): Promise<T> => batch(strictContext as never),
    isSetSupported: (name: string, version: string) => name === 'ExcelApi' && Number(version.split('.')[1] ?? 0) <= model.apiMinor,
  };
}

const newModel = (partial: Partial<Model> = {}): Model => ({ existing: ['Sheet1'], sheets: [], syncs: 0, apiMinor: 18, ...partial });

const columns: ResultColumn[] = [
  { field: 'dongName', header: '동', kind: 'text' },
  { field: 'executedKrw', header: '집행액', kind: 'money' },
  { field: 'executionRate', header: '집행률', kind: 'rate' },
  { field: 'executedOn', header: '집행일', kind: 'date' },
];
const rowsOf = (n: number) => Array.from({ length: n }, (_, i) => [`동${i}`, 1_000_000 + i, i / n, '2019-12-20']);

describe('insertResultSheet', () => {
  it('writes 12,000 rows in 3 chunks of at most 5,000, one sync each, then makes the table', async () => {
    const model = newModel();
    const name = await insertResultSheet('예산 집행', columns, rowsOf(12_000), mockExcel(model));
    expect(name).toBe('예산 집행');
    const sheet = model.sheets[0]!;
    expect(sheet.name).toBe('예산 집행');

    const [header, ...chunks] = sheet.writes;
    expect(header).toMatchObject({ row: 0, column: 0, rows: 1, columns: 4, values: [['동', '집행액', '집행률', '집행일']] });
    expect(chunks.map((c) => [c.row, c.rows])).toEqual([
      [1, 5000],
      [5001, 5000],
      [10001, 2000],
    ]);
    expect(chunks.every((c) => c.rows <= chunkRows)).toBe(true);
    // Each chunk goes in its own request: the sync count grows between chunks.
    expect(new Set(chunks.map((c) => c.sync)).size).toBe(3);
    expect(chunks[2]!.values.at(-1)).toEqual(['동11999', 1_011_999, 11_999 / 12_000, dateSerial('2019-12-20')]);
    expect(dateSerial('2019-12-20')).toBe(43819);

    // Number formats by column type, for every written row.
    expect(sheet.formats.map((f) => [f.row, f.rows])).toEqual(chunks.map((c) => [c.row, c.rows]));
    expect(sheet.formats[0]!.formats[0]).toEqual(['General', '#,##0', '0.0%', 'yyyy-mm-dd']);

    expect(sheet.tables).toEqual([{ row: 0, column: 0, rows: 12_001, columns: 4, hasHeaders: true, style: 'TableStyleMedium2' }]);
    expect(sheet.frozenRows).toBe(1);
    expect(sheet.active).toBe(true);
    // Name look-up, three chunks, the table and formatting.
    expect(model.syncs).toBe(5);
  });

  it('writes a small result in one request, under a free sheet name, blanks blank and formulas as text', async () => {
    const model = newModel({ existing: ['질의', '질의 (2)'] });
    const name = await insertResultSheet('질의', columns, [['=cmd', null, null, null]], mockExcel(model));
    expect(name).toBe('질의 (3)');
    expect(model.sheets[0]!.writes[1]!.values).toEqual([["'=cmd", '', '', '']]);
    expect(model.syncs).toBe(2);
  });

  it('cleans a sheet name Excel would refuse', async () => {
    const model = newModel();
    const name = await insertResultSheet('a/b:c*d?[e]' + 'x'.repeat(40), columns, [], mockExcel(model));
    expect(name).toHaveLength(31);
    expect(name).not.toMatch(/[[\]:*?/\\]/);
    expect(model.sheets[0]!.tables[0]).toMatchObject({ rows: 2, hasHeaders: true });
  });
});

const figures: SummarySheetFigure[] = [
  {
    figure: 'discretionaryExecutionRate',
    label: '사업비 집행률',
    kind: 'rate',
    values: [
      { phase: 1, phaseName: '1단계', value: 0.82, median: 0.8 },
      { phase: 2, phaseName: '2단계', value: 0.88, median: 0.9 },
    ],
    continuing: { dongs: 8, values: [0.82, 0.86] },
  },
  {
    figure: 'assemblyTurnoutPer1000',
    label: '주민총회 참여율(천 명당)',
    kind: 'per1000',
    values: [
      { phase: 1, phaseName: '1단계', value: 21.4, median: 21.6 },
      { phase: 2, phaseName: '2단계', value: 20.6, median: 21 },
    ],
    continuing: { dongs: 8, values: [21.4, 20.9] },
  },
  {
    figure: 'completionRate',
    label: '완료율',
    kind: 'rate',
    values: [
      { phase: 1, phaseName: '1단계', value: 1, median: 1 },
      { phase: 2, phaseName: '2단계', value: 0.83, median: 1 },
    ],
    continuing: { dongs: 8, values: [1, 0.667] },
  },
  {
    figure: 'agendaCompletionRate',
    label: '의제 완료율',
    kind: 'rate',
    values: [
      { phase: 1, phaseName: '1단계', value: 1, median: 1 },
      { phase: 2, phaseName: '2단계', value: 0.6, median: 0.75 },
    ],
    continuing: { dongs: 8, values: [1, 0.95] },
  },
];
const flags: SummarySheetFlag[] = [
  { district: '서구', dongName: '갈마1동', figure: '완료율', phaseName: '2단계', reason: '낮음 (중앙값)', value: 0.4, against: 0.8, kind: 'rate' },
  { district: '대덕구', dongName: '송촌동', figure: '주민총회 참여율(천 명당)', phaseName: '2단계', reason: '하락 (이전 단계)', value: 12.5, against: 20.1, kind: 'per1000' },
];
const dongs: SummarySheetDong[] = ['진잠동', '가양2동', '갈마1동'].map((dongName, i) => ({
  district: '유성구',
  dongName,
  figures: {
    discretionaryExecutionRate: { phase1: 0.8 + i / 100, phase2: 0.9, delta: 0.1 - i / 100 },
    assemblyTurnoutPer1000: { phase1: 20 + i, phase2: null, delta: null },
    completionRate: { phase1: 1, phase2: 0.5, delta: -0.5 },
    agendaCompletionRate: { phase1: 1, phase2: 0.75, delta: -0.25 },
  },
}));
const labels: SummarySheetData['labels'] = {
  figure: '지표',
  value: '값',
  median: '중앙값',
  continuing: '계속 참여',
  continuingDongs: '계속 참여 동 수',
  district: '구',
  dong: '동',
  phase: '단계',
  reason: '지원 검토',
  against: '기준 값',
  change: '변화',
};
const summaryOf = (partial: Partial<SummarySheetData> = {}): SummarySheetData => ({
  title: '자치 장부 — 요약',
  subtitle: '지원 검토 2곳 / 20개 동 · 기준 시각 14:05',
  figures,
  flags,
  labels,
  ...partial,
});

describe('insertSummarySheet', () => {
  it('writes the headline figures with medians and the same dongs in both phases, the flags with reasons, the dong table and a clustered column chart per headline figure, landscape', async () => {
    const model = newModel();
    const name = await insertSummarySheet(summaryOf(), dongs, mockExcel(model));
    expect(name).toBe('요약');
    const sheet = model.sheets[0]!;
    const layout = summaryLayout(figures.length, flags.length, dongs.length);

    expect(sheet.writes[0]).toMatchObject({ row: 0, column: 0, values: [['자치 장부 — 요약'], ['지원 검토 2곳 / 20개 동 · 기준 시각 14:05']] });
    const headlineHeader = sheet.writes.find((w) => w.row === layout.headlineTop && w.column === 0)!;
    expect(headlineHeader.values[0]).toEqual(['지표', '1단계 값', '1단계 중앙값', '2단계 값', '2단계 중앙값', '계속 참여 동 수', '계속 참여 1단계', '계속 참여 2단계']);
    const headlineBody = sheet.writes.find((w) => w.row === layout.headlineTop + 1 && w.column === 0)!;
    expect(headlineBody.values.map((r) => r[0])).toEqual(['사업비 집행률', '주민총회 참여율(천 명당)', '완료율', '의제 완료율']);
    expect(headlineBody.values[2]).toEqual(['완료율', 1, 1, 0.83, 1, 8, 1, 0.667]);
    // Each figure in its own unit: rates in %, per-1,000 as a number with one decimal (never %).
    const headlineFormats = sheet.formats.find((f) => f.row === layout.headlineTop + 1)!;
    expect(headlineFormats.formats.map((r) => r[1])).toEqual(['0.0%', '#,##0.0', '0.0%', '0.0%']);
    expect(headlineBody.values[3]).toEqual(['의제 완료율', 1, 1, 0.6, 0.75, 8, 1, 0.95]);
    expect(headlineFormats.formats[1]).toEqual(['General', '#,##0.0', '#,##0.0', '#,##0.0', '#,##0.0', '#,##0', '#,##0.0', '#,##0.0']);
    expect(sheet.tables[0]).toMatchObject({ row: layout.headlineTop, column: 0, rows: figures.length + 1, columns: 8, hasHeaders: true });

    // The flags: which dong, which figure and phase, why, and against what.
    const flagHeader = sheet.writes.find((w) => w.row === layout.flagTop && w.column === 0)!;
    expect(flagHeader.values[0]).toEqual(['구', '동', '지표', '단계', '지원 검토', '값', '기준 값']);
    const flagBody = sheet.writes.find((w) => w.row === layout.flagTop + 1 && w.column === 0)!;
    expect(flagBody.values).toEqual([
      ['서구', '갈마1동', '완료율', '2단계', '낮음 (중앙값)', 0.4, 0.8],
      ['대덕구', '송촌동', '주민총회 참여율(천 명당)', '2단계', '하락 (이전 단계)', 12.5, 20.1],
    ]);
    const flagFormats = sheet.formats.find((f) => f.row === layout.flagTop + 1)!;
    expect(flagFormats.formats.map((r) => r[5])).toEqual(['0.0%', '#,##0.0']);
    expect(sheet.tables[1]).toMatchObject({ row: layout.flagTop, rows: flags.length + 1, columns: 7 });

    const dongHeader = sheet.writes.find((w) => w.row === layout.dongTop && w.column === 0)!;
    expect(dongHeader.values[0]!.slice(0, 5)).toEqual(['구', '동', '사업비 집행률 1단계', '사업비 집행률 2단계', '사업비 집행률 변화']);
    const dongBody = sheet.writes.find((w) => w.row === layout.dongTop + 1 && w.column === 0)!;
    // Sorted by name, not ranked; a blank figure stays blank.
    expect(dongBody.values.map((r) => r[1])).toEqual(['가양2동', '갈마1동', '진잠동']);
    expect(dongBody.values[0]![6]).toBe('');
    const dongFormats = sheet.formats.find((f) => f.row === layout.dongTop + 1 && f.column === 0)!;
    expect(dongFormats.formats[0]!.slice(2, 8)).toEqual(['0.0%', '0.0%', '0.0%', '#,##0.0', '#,##0.0', '#,##0.0']);
    expect(sheet.tables[2]).toMatchObject({ row: layout.dongTop, rows: dongs.length + 1, columns: 2 + 3 * figures.length });

    expect(sheet.charts).toHaveLength(4);
    sheet.charts.forEach((chart, i) => {
      expect(chart.type).toBe('ColumnClustered');
      expect(chart.seriesBy).toBe('Columns');
      expect(chart.source).toEqual({ row: layout.dongTop, column: layout.chartDataLeft + i * 4, rows: dongs.length + 1, columns: 3 });
      expect(chart.title).toBe(`동별 ${figures[i]!.label}: 1단계 대 2단계`);
      expect(chart.from).toMatchObject({ row: layout.chartTop, column: i * layout.chartWidth });
      const block = sheet.writes.find((w) => w.row === layout.dongTop && w.column === layout.chartDataLeft + i * 4)!;
      expect(block.values).toEqual([['동', '1단계', '2단계']]);
    });
    // The charts' data sit right of every table, outside the print area.
    expect(layout.chartDataLeft).toBeGreaterThanOrEqual(8);
    expect(sheet.orientation).toBe('Landscape');
    expect(sheet.printArea).toMatchObject({ row: 0, column: 0 });
    expect(sheet.printArea!.columns).toBeLessThanOrEqual(layout.chartDataLeft);
    expect(model.syncs).toBe(2);
  });

  it('with no flag, keeps an empty flag table and the same layout', async () => {
    const model = newModel();
    await insertSummarySheet(summaryOf({ flags: [] }), dongs, mockExcel(model));
    const sheet = model.sheets[0]!;
    const layout = summaryLayout(figures.length, 0, dongs.length);
    expect(sheet.tables[1]).toMatchObject({ row: layout.flagTop, rows: 2, columns: 7 });
    expect(sheet.charts[0]!.from).toMatchObject({ row: layout.chartTop });
  });

  it('leaves the page layout alone before ExcelApi 1.9', async () => {
    const model = newModel({ apiMinor: 8, existing: ['요약'] });
    expect(await insertSummarySheet(summaryOf(), dongs, mockExcel(model))).toBe('요약 (2)');
    expect(model.sheets[0]!.orientation).toBeUndefined();
    expect(model.sheets[0]!.charts).toHaveLength(4);
  });
});

describe('results fetched as Arrow, into a sheet', () => {
  let service: TestService;
  beforeAll(async () => {
    service = await startService();
    await loadDemo(service.store);
  }, 60_000);
  afterAll(() => service?.close());

  it('decodes the service’s Arrow exactly as its JSON (BIGINT, DATE, TIMESTAMP), and inserts it', async () => {
    const url = '/api/compare/spending/rows?dong=가양2동&phase=1';
    const json = (await service.json('GET', url, 'analyst')).body as { columns: { name: string }[]; rows: Record<string, unknown>[] };
    const res = await service.call('GET', url, 'analyst', undefined, { accept: 'application/vnd.apache.arrow.stream' });
    expect(res.headers.get('content-type')).toContain('arrow');
    const decoded = await decodeArrow(new Uint8Array(await res.arrayBuffer()));
    expect(decoded.columns.map((c) => c.name)).toEqual(json.columns.map((c) => c.name));
    expect(decoded.columns.find((c) => c.name === 'executedOn')?.kind).toBe('date');
    expect(decoded.columns.find((c) => c.name === 'updatedAt')?.kind).toBe('datetime');
    const asObjects = decoded.rows.map((r) => Object.fromEntries(decoded.columns.map((c, i) => [c.name, r[i]])));
    expect(asObjects.map((r) => ({ ...r, updatedAt: Date.parse(String(r.updatedAt)) }))).toEqual(json.rows.map((r) => ({ ...r, updatedAt: Date.parse(String(r.updatedAt)) })));

    const model = newModel();
    const cols: ResultColumn[] = decoded.columns.map((c) => ({ field: c.name, header: c.name, kind: c.name.endsWith('Krw') ? 'money' : c.kind === 'count' ? 'count' : c.kind }));
    await insertResultSheet('자료 행', cols, decoded.rows, mockExcel(model));
    const body = model.sheets[0]!.writes[1]!;
    expect(body.rows).toBe(json.rows.length);
    const at = (field: string) => cols.findIndex((c) => c.field === field);
    expect(body.values[0]![at('executedOn')]).toBe(dateSerial(String(json.rows[0]!.executedOn)));
    expect(model.sheets[0]!.formats[0]!.formats[0]![at('budgetKrw')]).toBe('#,##0');
    expect(model.sheets[0]!.formats[0]!.formats[0]![at('updatedAt')]).toBe('yyyy-mm-dd hh:mm');
  });
});
