import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { DuckDBConnection } from '@duckdb/node-api';
import '../../service/workbook/exceljs-utf8.ts';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { codeLists, kinds, rowIdHeader, sheets, type Kind } from '../../domain/index.ts';
import { loadDemo } from '../../service/demo.ts';
import { exportDownload, exportRows, listSheetName, type ExportFormat } from '../../service/store/export/index.ts';
import type { Actor } from '../../service/store/store.ts';
import { readWorkbook } from '../../service/workbook/index.ts';
import { parseCsv } from '../support/csv.ts';
import { pyarrow } from './python.ts';
import { batch, spendingRow, startService, type TestService } from '../support/service.ts';

let svc: TestService;
let admin: Actor;
let out: string;
/** Live rows as the API serves them, by rowId, per kind. */
const stored = {} as Record<Kind, Map<string, Record<string, unknown>>>;
let tombstone: string;

const tricky = {
  korean: randomUUID(),
  formula: randomUUID(),
  blank: randomUUID(),
};

const run = <T>(work: (connection: DuckDBConnection) => Promise<T>) => svc.store.withReader(work);
const exportTo = (kind: Kind, format: ExportFormat, file: string, options?: Parameters<typeof exportRows>[4]) => run((c) => exportRows(c, kind, format, join(out, file), options));

beforeAll(async () => {
  svc = await startService();
  out = mkdtempSync(join(svc.dir, 'out-'));
  await loadDemo(svc.store);
  const actor = await svc.store.authenticate(svc.tokens.admin);
  if (!actor || actor === 'expired') throw new Error('no admin');
  admin = actor;
  tombstone = randomUUID();
  const answer = await svc.store.sync(
    'spending',
    batch([
      { rowId: tricky.korean, values: spendingRow({ dong: '도마1동', phase: 2, fiscalYear: 2020, item: '마을 "한마당", 2회\n개최', note: '주민 제안 (쉼표, 따옴표 ") 포함' }) },
      { rowId: tricky.formula, values: spendingRow({ category: '자체 사업비', item: '=SUM(A1:A9)', note: '-3 감액 @주의' }) },
      { rowId: tricky.blank, values: spendingRow({ category: '기타', executedKrw: null, executedOn: null, fundingSource: null, item: null }) },
      { rowId: tombstone, values: spendingRow({ category: '기타', item: '지울 행' }) },
    ]),
    admin,
  );
  expect(answer.results.every((r) => r.status === 'accepted')).toBe(true);
  const deleted = await svc.store.sync('spending', batch([], [{ rowId: tombstone, baseRevision: answer.results[3]!.revision! }]), admin);
  expect(deleted.results[0]!.status).toBe('accepted');
  for (const kind of kinds) {
    const { rows } = await svc.store.pull(kind, 0, admin);
    stored[kind] = new Map(rows.filter((r) => !r.deleted).map((r) => [r.rowId, r.values]));
  }
  expect(stored.spending.has(tombstone)).toBe(false);
});

afterAll(() => svc?.close());

const dongCode = (name: string) => {
  const found = svc.store.reference.resolveDong(name);
  if (found && found !== 'ambiguous') return found.code;
  // A district's or the city's own row shows the unit's name.
  const unit = svc.store.reference.resolveUnit(name);
  if (!unit) throw new Error(`unknown dong ${name}`);
  return unit.code;
};

/** A CSV cell back to the API's typed value (the export neutralised formula-looking text with '). */
function fromCsv(kind: Kind, field: string, text: string): unknown {
  const column = sheets[kind].columns.find((c) => c.field === field)!;
  if (text === '') return null;
  switch (column.type) {
    case 'dong':
      return dongCode(text);
    case 'phase':
    case 'year':
    case 'money':
    case 'count':
    case 'percent':
      return Number(text);
    case 'boolean':
      return text === 'true';
    case 'text':
      return /^'[=+\-@\t\r]/.test(text) ? text.slice(1) : text;
    default:
      return text;
  }
}

describe('CSV', () => {
  it.each(kinds)('%s: BOM, Korean headers with 행ID first, every live row equal to the stored one', async (kind) => {
    const result = await exportTo(kind, 'csv', `${kind}.csv`);
    const bytes = readFileSync(join(out, `${kind}.csv`));
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const [header, ...rows] = parseCsv(bytes.subarray(3).toString('utf8'));
    const fields = sheets[kind].columns.map((c) => c.field);
    expect(header).toEqual([rowIdHeader, ...sheets[kind].columns.map((c) => c.header)]);
    expect(rows).toHaveLength(stored[kind].size);
    expect(result.rows).toBe(stored[kind].size);
    for (const row of rows) {
      const [rowId, ...cells] = row;
      const values = Object.fromEntries(fields.map((f, i) => [f, fromCsv(kind, f, cells[i]!)]));
      expect(values, rowId).toEqual(stored[kind].get(rowId!));
    }
  });

  it('writes Korean text with quotes, commas and line breaks intact, neutralises formula-looking text, a blank as nothing', async () => {
    await exportTo('spending', 'csv', 'tricky.csv');
    const text = readFileSync(join(out, 'tricky.csv'), 'utf8');
    const rows = new Map(parseCsv(text.slice(1)).map((r) => [r[0], r]));
    expect(rows.get(tricky.korean)).toContain('마을 "한마당", 2회\n개최');
    expect(rows.get(tricky.korean)).toContain('도마1동');
    expect(rows.get(tricky.formula)).toContain("'=SUM(A1:A9)");
    expect(rows.get(tricky.formula)).toContain("'-3 감액 @주의");
    const blank = rows.get(tricky.blank)!;
    const executed = sheets.spending.columns.findIndex((c) => c.field === 'executedKrw') + 1;
    expect(blank[executed]).toBe('');
    expect(rows.has(tombstone)).toBe(false);
    expect(text).toMatch(/,2019-12-20,/);
  });
});

describe('Parquet', () => {
  const viewRows = async (kind: Kind, extra = '') =>
    run(async (c) => (await c.runAndReadAll(`SELECT * REPLACE (rowId::VARCHAR AS rowId) FROM ${kind} ${extra} ORDER BY rowId`)).getRowObjectsJson());

  it.each(kinds)('%s: read_parquet gives the analytic view’s rows', async (kind) => {
    const path = join(out, `${kind}.parquet`);
    const result = await exportTo(kind, 'parquet', `${kind}.parquet`);
    const back = await run(async (c) => (await c.runAndReadAll('SELECT * FROM read_parquet($p) ORDER BY rowId', { p: path })).getRowObjectsJson());
    expect(result.rows).toBe(stored[kind].size);
    expect(back).toEqual(await viewRows(kind));
    expect(back.map((r) => r.rowId)).not.toContain(tombstone);
  });

  it('partitioned by district and phase: a hive folder DuckDB reads with its defaults, or with the codes kept as text', async () => {
    const folder = join(out, 'spending-parts');
    const result = await exportTo('spending', 'parquet', 'spending-parts', { partitioned: true });
    expect(result.rows).toBe(stored.spending.size);
    const districts = readdirSync(folder).sort();
    expect(districts).toEqual(['district=30110', 'district=30170', 'district=30200', 'district=30230']);
    expect(readdirSync(join(folder, 'district=30170')).sort()).toEqual(['phase=1', 'phase=2']);
    const glob = join(folder, '**', '*.parquet');
    const read = (options: string) => run(async (c) => (await c.runAndReadAll(`SELECT * FROM read_parquet($glob, ${options}) ORDER BY rowId`, { glob })).getRowObjectsJson());
    const expected = await viewRows('spending');
    // The partition columns are in the folder names only: no file holds them with another type.
    const inFiles = await run(async (c) => (await c.runAndReadAll(`SELECT * FROM read_parquet($glob, hive_partitioning = false) LIMIT 1`, { glob })).columnNames());
    expect(inFiles).not.toContain('district');
    expect(inFiles).not.toContain('phase');
    // DuckDB's defaults: the partition values typed as DuckDB infers them.
    const inferred = await read('hive_partitioning = true');
    expect(inferred.map((r) => ({ ...r, district: String(r.district), phase: Number(r.phase) }))).toEqual(expected.map((r) => ({ ...r })));
    // The codes as text.
    const typed = await read("hive_partitioning = true, hive_types = {'district': VARCHAR, 'phase': INTEGER}");
    expect(typed.map((r) => ({ ...r }))).toEqual(expected.map((r) => ({ ...r })));
    // one partition alone
    const one = await run(async (c) =>
      (await c.runAndReadAll(`SELECT count(*)::INTEGER AS n FROM read_parquet($f)`, { f: join(folder, 'district=30110', 'phase=1', '*.parquet') })).getRowObjectsJson(),
    );
    expect(one[0]!.n).toBe(expected.filter((r) => r.district === '30110' && r.phase === 1).length);
  });

  it('partitioned: pandas and pyarrow read the folder with their defaults', async ({ skip }) => {
    const python = pyarrow();
    if (!python.ok) return skip(`pyarrow unavailable: ${python.reason}`);
    const folder = join(out, 'spending-pandas');
    await exportTo('spending', 'parquet', 'spending-pandas', { partitioned: true });
    const script = `
import json, sys
import pandas as pd, pyarrow.dataset as ds, pyarrow.parquet as pq
d = sys.argv[1]
frame = pd.read_parquet(d)
table = pq.read_table(d)
dataset = ds.dataset(d, format='parquet', partitioning='hive').to_table()
print(json.dumps({
  'pandas': len(frame), 'pyarrow': table.num_rows, 'dataset': dataset.num_rows,
  'columns': sorted(frame.columns.tolist()),
  'rowIds': sorted(frame['rowId'].tolist()),
  'budgets': {r: int(b) for r, b in zip(frame['rowId'], frame['budgetKrw'])},
  'districts': sorted(set(str(v) for v in frame['district'])),
}))`;
    const read = JSON.parse(python.run(script, [folder])) as {
      pandas: number;
      pyarrow: number;
      dataset: number;
      columns: string[];
      rowIds: string[];
      budgets: Record<string, number>;
      districts: string[];
    };
    const expected = await viewRows('spending');
    expect([read.pandas, read.pyarrow, read.dataset]).toEqual([expected.length, expected.length, expected.length]);
    expect(read.columns).toEqual(Object.keys(expected[0]!).sort());
    expect(read.rowIds).toEqual(expected.map((r) => r.rowId).sort());
    expect(read.budgets).toEqual(Object.fromEntries(expected.map((r) => [r.rowId, r.budgetKrw === null ? null : Number(r.budgetKrw)])));
    expect(read.districts).toEqual(['30110', '30170', '30200', '30230']);
  }, 600_000);

  it('scoped to some dongs writes only theirs', async () => {
    const result = await exportTo('participation', 'parquet', 'scoped.parquet', { scope: { dongs: ['30110-gayang2', '30170-doma1'] } });
    const back = await run(async (c) => (await c.runAndReadAll('SELECT DISTINCT dong FROM read_parquet($p) ORDER BY dong', { p: join(out, 'scoped.parquet') })).getRowsJson());
    expect(back.flat()).toEqual(['30110-gayang2', '30170-doma1']);
    expect(result.rows).toBe([...stored.participation.values()].filter((v) => v.dong === '30110-gayang2' || v.dong === '30170-doma1').length);
  });
});

/**
 * The normaliser reads a line break inside a text cell as a space (its stray-space rule), while
 * the sync API keeps it: the export writes the stored text as it is (see the cells test below).
 */
const asNormalised = (kind: Kind, values: Record<string, unknown>) =>
  Object.fromEntries(
    Object.entries(values).map(([field, v]) => [
      field,
      sheets[kind].columns.find((c) => c.field === field)?.type === 'text' && typeof v === 'string' ? v.replace(/\s*\n\s*/g, ' ') : v,
    ]),
  );

describe('XLSX', () => {
  const load = async (file: string) => {
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(join(out, file));
    return workbook;
  };

  it.each(kinds)('%s: one sheet with the table, 행ID hidden, header frozen, formats and drop-down lists', async (kind) => {
    const def = sheets[kind];
    const result = await exportTo(kind, 'xlsx', `${kind}.xlsx`);
    expect(result.rows).toBe(stored[kind].size);
    const workbook = await load(`${kind}.xlsx`);
    const visible = workbook.worksheets.filter((w) => w.state === 'visible').map((w) => w.name);
    expect(visible).toEqual([def.sheet]);
    expect(workbook.getWorksheet(listSheetName)?.state).toBe('veryHidden');
    const ws = workbook.getWorksheet(def.sheet)!;
    const table = (ws as any).getTable(def.table);
    expect(table, 'the Excel table').toBeTruthy();
    const last = stored[kind].size + 1;
    expect(table.table.tableRef).toBe(`A1:${ws.getColumn(def.columns.length + 1).letter}${last}`);
    expect(table.table.columns.map((c: { name: string }) => c.name)).toEqual([rowIdHeader, ...def.columns.map((c) => c.header)]);
    expect(ws.getColumn(1).hidden).toBe(true);
    expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(ws.getRow(1).values).toEqual([undefined, rowIdHeader, ...def.columns.map((c) => c.header)]);
    const validations = (ws as any).dataValidations.model as Record<string, ExcelJS.DataValidation>;
    const lists = workbook.getWorksheet(listSheetName)!;
    const listValues = (formula: string) => {
      const m = /^'목록'!\$([A-Z]+)\$1:\$[A-Z]+\$(\d+)$/.exec(formula)!;
      return Array.from({ length: Number(m[2]) }, (_, i) => lists.getCell(`${m[1]}${i + 1}`).value);
    };
    def.columns.forEach((column, i) => {
      const letter = ws.getColumn(i + 2).letter;
      expect(ws.getColumn(i + 2).width).toBeGreaterThan(5);
      const cell = ws.getCell(`${letter}2`);
      const expected = { money: '#,##0', count: '#,##0', date: 'yyyy-mm-dd', year: '0', phase: '0', percent: '0' }[column.type as string];
      if (expected) expect(cell.numFmt, column.field).toBe(expected);
      const v = validations[`${letter}${last}`];
      if (column.codeList) expect(listValues(v!.formulae[0] as string)).toEqual([...codeLists[column.codeList]]);
      else if (column.type === 'dong') expect(listValues(v!.formulae[0] as string)).toEqual(expect.arrayContaining(['가양2동', '도마1동', '송촌동']));
      else if (column.type === 'phase') expect(v!.formulae).toEqual(['"1,2"']);
      else expect(v, column.field).toBeUndefined();
    });
  });

  it.each(kinds)('%s: the import reader reads it back: every row accepted, rowIds and values equal to the stored ones', async (kind) => {
    await exportTo(kind, 'xlsx', `${kind}-import.xlsx`);
    const report = await readWorkbook(join(out, `${kind}-import.xlsx`), { ref: svc.store.reference });
    expect(report.sheets.map((s) => [s.sheet, s.kind])).toEqual([[sheets[kind].sheet, kind]]);
    const sheet = report.sheets[0]!;
    expect(sheet.rejected).toEqual([]);
    expect(sheet.skipped).toEqual([]);
    expect(sheet.counts.accepted).toBe(stored[kind].size);
    const back = new Map(sheet.rows.map((r) => [r.rowId, r.values]));
    expect(new Set(back.keys())).toEqual(new Set(stored[kind].keys()));
    for (const [rowId, values] of stored[kind]) expect(back.get(rowId), rowId).toEqual(asNormalised(kind, values));
  });

  it('shows the dong by name, the phase as a number, dates as dates, a blank as an empty cell; text stays text', async () => {
    await exportTo('spending', 'xlsx', 'cells.xlsx');
    const ws = (await load('cells.xlsx')).getWorksheet('예산집행')!;
    const rows = new Map<string, ExcelJS.Row>();
    ws.eachRow((row, n) => n > 1 && rows.set(String(row.getCell(1).value), row));
    const korean = rows.get(tricky.korean)!;
    expect(korean.getCell(2).value).toBe('도마1동');
    expect(korean.getCell(3).value).toBe(2);
    expect(korean.getCell(6).value).toBe('마을 "한마당", 2회\n개최');
    expect(korean.getCell(12).value).toEqual(new Date('2019-12-20T00:00:00Z'));
    expect(rows.get(tricky.formula)!.getCell(6).value).toBe('=SUM(A1:A9)');
    expect(rows.get(tricky.formula)!.getCell(6).type).toBe(ExcelJS.ValueType.String);
    expect(rows.get(tricky.blank)!.getCell(9).value).toBeNull();
    expect(rows.has(tombstone)).toBe(false);
  });

  it('scoped: only the scope’s rows, and its dongs alone in the list', async () => {
    const result = await exportTo('progress', 'xlsx', 'scoped.xlsx', { scope: { dongs: ['30230-songchon'] } });
    const workbook = await load('scoped.xlsx');
    expect(result.rows).toBe([...stored.progress.values()].filter((v) => v.dong === '30230-songchon').length);
    expect(workbook.getWorksheet(listSheetName)!.getColumn(1).values.filter(Boolean)).toEqual(['송촌동']);
  });

  it('an empty kind still gives a table with one blank row, which the reader skips', async () => {
    const result = await exportTo('spending', 'xlsx', 'empty.xlsx', { scope: { dongs: [] } });
    expect(result.rows).toBe(0);
    const ws = (await load('empty.xlsx')).getWorksheet('예산집행')!;
    expect((ws as any).getTable('JachiSpending').table.tableRef).toBe('A1:N2');
    const report = await readWorkbook(join(out, 'empty.xlsx'), { ref: svc.store.reference });
    expect(report.sheets[0]!.counts.accepted).toBe(0);
    expect(report.sheets[0]!.rejected).toEqual([]);
  });
});

describe('output paths and downloads', () => {
  it('refuses relative, unnormalised and control-character paths, missing folders, and partitions that are not Parquet', async () => {
    const attempts: [string, ExportFormat, { partitioned?: boolean }?][] = [
      ['relative.csv', 'csv'],
      [`${out}/../x.csv`, 'csv'],
      [`${out}/x\n.csv`, 'csv'],
      [`${out}/missing/x.csv`, 'csv'],
      [`${out}/`, 'csv'],
      [`${out}/p.csv`, 'csv', { partitioned: true }],
    ];
    for (const [path, format, options] of attempts) {
      await expect(
        run((c) => exportRows(c, 'spending', format, path, options)),
        path,
      ).rejects.toMatchObject({ code: 'invalid_input' });
    }
  });

  it('a partitioned export needs a new or empty folder', async () => {
    const folder = join(out, 'busy');
    mkdirSync(folder);
    writeFileSync(join(folder, 'keep.txt'), 'x');
    await expect(exportTo('spending', 'parquet', 'busy', { partitioned: true })).rejects.toMatchObject({ code: 'invalid_input' });
    expect(readdirSync(folder)).toEqual(['keep.txt']);
  });

  it('quotes the path as a SQL literal: a quote in the name is just a character', async () => {
    const dir = join(out, "it's; DROP TABLE spending_rows; --");
    mkdirSync(dir);
    for (const format of ['csv', 'parquet'] as const) {
      const result = await run((c) => exportRows(c, 'spending', format, join(dir, `o'k.${format}`)));
      expect(result.rows).toBe(stored.spending.size);
      expect(existsSync(join(dir, `o'k.${format}`))).toBe(true);
    }
    expect(readdirSync(dir).sort()).toEqual(["o'k.csv", "o'k.parquet"]);
    expect((await svc.store.counts()).spending).toBe(stored.spending.size);
  });

  it.each(['csv', 'xlsx', 'parquet'] as const)('download (%s): content type, Korean file name per RFC 5987, bytes, temp file removed', async (format) => {
    const download = await run((c) => exportDownload(c, 'spending', format, { now: new Date('2020-12-31T16:00:00Z') }));
    expect(download.filename).toBe(`자치장부_예산집행_2021-01-01.${format}`);
    expect(download.headers['content-disposition']).toBe(
      `attachment; filename="jachi-spending-2021-01-01.${format}"; filename*=UTF-8''${encodeURIComponent(`자치장부_예산집행_2021-01-01.${format}`)}`,
    );
    expect(download.headers['content-type']).toMatch(format === 'csv' ? /^text\/csv; charset=utf-8$/ : format === 'xlsx' ? /spreadsheetml/ : /parquet/);
    const bytes = new Uint8Array(await new Response(download.body).arrayBuffer());
    expect(bytes.byteLength).toBe(download.size);
    expect(download.headers['content-length']).toBe(String(bytes.byteLength));
    expect(download.rows).toBe(stored.spending.size);
    if (format === 'csv') expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    if (format === 'xlsx') expect(String.fromCharCode(...bytes.subarray(0, 2))).toBe('PK');
    if (format === 'parquet') expect(String.fromCharCode(...bytes.subarray(0, 4))).toBe('PAR1');
    // The temp folder goes once the stream closes; on a busy machine that is a few ticks later.
    await vi.waitFor(
      () => {
        const leftovers = readdirSync(join(svc.dir, '..')).filter((n) => n.startsWith('jachi-export-'));
        for (const n of leftovers) expect(readdirSync(join(svc.dir, '..', n))).not.toContain(`jachi-spending-2021-01-01.${format}`);
      },
      { timeout: 5_000, interval: 20 },
    );
  });

  it('cleans up its partial CSV file', () => {
    expect(readdirSync(out).filter((n) => n.endsWith('.partial'))).toEqual([]);
    rmSync(join(out, 'busy'), { recursive: true });
  });
});
