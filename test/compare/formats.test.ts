import { tableFromIPC } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { comparisonNames } from '../../domain/index.ts';
import { comparisonSql, runComparison, runDrilldown, sqlFiles, toArrowIPC, toCsv, type QueryResult } from '../../service/store/compare/index.ts';
import { A, B, C, openFixture, today } from './fixture.ts';
import { parseCsv } from '../support/csv.ts';

let db: Awaited<ReturnType<typeof openFixture>>;
beforeAll(async () => {
  db = await openFixture();
});
afterAll(() => db?.close());

/** Arrow back to JSON-safe rows: Int64 as numbers, DateDay as YYYY-MM-DD, timestamps as ISO. */
function fromArrow(bytes: Uint8Array, result: QueryResult): Record<string, unknown>[] {
  const table = tableFromIPC(bytes);
  expect(table.schema.fields.map((f) => f.name)).toEqual(result.columns.map((c) => c.name));
  const rows: Record<string, unknown>[] = [];
  for (let i = 0; i < table.numRows; i++) {
    const row: Record<string, unknown> = {};
    for (const column of result.columns) {
      let v: unknown = table.getChild(column.name)!.get(i);
      if (typeof v === 'bigint') v = Number(v);
      else if (column.type === 'DATE' && v !== null) v = new Date(v as number | Date).toISOString().slice(0, 10);
      else if (column.type.startsWith('TIMESTAMP') && v !== null) v = new Date(v as number | Date).toISOString();
      row[column.name] = v ?? null;
    }
    rows.push(row);
  }
  return rows;
}

const csvText = (v: unknown) => {
  if (v === null || v === undefined) return '';
  const s = String(v);
  return typeof v === 'string' && /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
};

async function allResults(): Promise<[string, QueryResult][]> {
  const results: [string, QueryResult][] = [];
  for (const name of comparisonNames) results.push([name, await runComparison(db.connection, name, { today })]);
  results.push(['summary ranked', await runComparison(db.connection, 'summary', { rank: true })]);
  results.push(['drill-down spending', await runDrilldown(db.connection, 'spending', { dong: A, phase: 1 })]);
  results.push(['drill-down participation', await runDrilldown(db.connection, 'participation', { dong: A, phase: 1 })]);
  results.push(['drill-down progress', await runDrilldown(db.connection, 'progress', { dong: A, phase: 1 })]);
  return results;
}

describe('formats', () => {
  it('every SQL file prepares', async () => {
    // phases and summary read the kept totals: a connection has them once a first answer made them.
    await runComparison(db.connection, 'summary', {});
    for (const file of sqlFiles) {
      const prepared = await db.connection.prepare(comparisonSql(file));
      expect(prepared.parameterCount, file).toBeGreaterThan(0);
      prepared.destroySync();
    }
  });

  it('JSON, Arrow and CSV carry the same rows', async () => {
    for (const [name, result] of await allResults()) {
      expect(result.rows.length, name).toBeGreaterThan(0);
      // JSON: plain, safe values that survive a round trip.
      expect(JSON.parse(JSON.stringify(result.rows)), name).toEqual(result.rows);
      // Arrow.
      expect(fromArrow(toArrowIPC(result), result), name).toEqual(result.rows);
      // CSV: BOM, header, every cell as the JSON value's text.
      const csv = toCsv(result);
      expect(csv.startsWith('\uFEFF')).toBe(true);
      const [header, ...lines] = parseCsv(csv.slice(1));
      expect(header).toEqual(result.columns.map((c) => c.name));
      expect(lines, name).toEqual(result.rows.map((r) => result.columns.map((c) => csvText(r[c.name]))));
    }
  });

  it('Arrow types: BIGINT as Int64, DATE as DateDay, DOUBLE as Float64', async () => {
    const drill = await runDrilldown(db.connection, 'spending', { dong: A, phase: 1 });
    const schema = tableFromIPC(toArrowIPC(drill)).schema;
    const typeOf = (name: string) => String(schema.fields.find((f) => f.name === name)!.type);
    expect(typeOf('budgetKrw')).toBe('Int64');
    expect(typeOf('executedOn')).toMatch(/^Date/);
    expect(typeOf('revision')).toBe('Int64');
    const spending = await runComparison(db.connection, 'spending', {});
    expect(String(tableFromIPC(toArrowIPC(spending)).schema.fields.find((f) => f.name === 'executionRate')!.type)).toBe('Float64');
  });

  it('CSV keeps Korean text, quotes and new lines, and defuses formulas', async () => {
    const drill = await runDrilldown(db.connection, 'spending', { dong: A, phase: 1, category: '기타' });
    const csv = toCsv(drill);
    expect(csv).toContain('"줄바꿈\n있는 ""내역"""');
    expect(csv).toContain(`"'=HYPERLINK(""x""), 'quoted'"`);
    expect(Buffer.from(csv, 'utf8').subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
  });
});

describe('drill-down', () => {
  const sum = (rows: Record<string, unknown>[], field: string) => rows.reduce((s, r) => s + (Number(r[field] ?? 0) || 0), 0);

  it('spending rows sum back to every spending figure', async () => {
    const { rows } = await runComparison(db.connection, 'spending', {});
    for (const row of rows) {
      const drill = await runDrilldown(db.connection, 'spending', { dong: row.dong as string, phase: row.phase as number, category: row.category as string | null });
      expect(sum(drill.rows, 'budgetKrw'), JSON.stringify(row)).toBe(row.budgetKrw);
      expect(sum(drill.rows, 'executedKrw'), JSON.stringify(row)).toBe(row.executedKrw);
      expect(sum(drill.rows, 'carriedOverKrw'), JSON.stringify(row)).toBe(row.carriedOverKrw);
      expect(sum(drill.rows, 'returnedKrw'), JSON.stringify(row)).toBe(row.returnedKrw);
      if (row.category === null && row.discretionaryExecutionRate !== null) {
        const own = drill.rows.filter((r) => !r.payLine);
        expect(sum(own, 'executedKrw') / sum(own, 'budgetKrw')).toBeCloseTo(row.discretionaryExecutionRate as number, 12);
      }
    }
  });

  it('participation and progress rows give back their figures', async () => {
    for (const row of (await runComparison(db.connection, 'participation', {})).rows) {
      const drill = await runDrilldown(db.connection, 'participation', { dong: row.dong as string, phase: row.phase as number });
      expect(drill.rows).toHaveLength(row.events as number);
      expect(sum(drill.rows, 'participants')).toBe(row.attendances);
      // The marked day is the largest assembly: its voters (or participants where blank) are assemblyVoters.
      const day = drill.rows.filter((r) => r.assemblyDay);
      expect(day.length > 0 ? day.reduce((s, r) => s + Number(r.voters ?? r.participants), 0) : null, JSON.stringify(row)).toBe(row.assemblyVoters);
    }
    for (const row of (await runComparison(db.connection, 'progress', { today })).rows) {
      const drill = await runDrilldown(db.connection, 'progress', { dong: row.dong as string, phase: row.phase as number });
      const recorded = drill.rows.filter((r) => r.rowId !== null);
      expect(recorded).toHaveLength(row.milestones as number);
      // Expected milestones: recorded or listed as missing; the done ones (distinct) over them.
      const expected = new Set(drill.rows.filter((r) => r.expected).map((r) => r.milestone));
      const done = new Set(drill.rows.filter((r) => r.expected && r.status === '완료').map((r) => r.milestone));
      expect(expected.size, JSON.stringify(row)).toBe(row.expected);
      expect(done.size).toBe(row.completedExpected);
    }
  });

  it('shows who synced each row, when and from which workbook, and never a tombstone', async () => {
    const drill = await runDrilldown(db.connection, 'spending', { dong: A, phase: 1 });
    expect(drill.kind).toBe('spending');
    expect(drill.rows).toHaveLength(3);
    for (const r of drill.rows) {
      expect(r.rowId).toMatch(/^[0-9a-f-]{36}$/);
      expect(r).toMatchObject({ updatedBy: 'tester', source: 'fixture.xlsx' });
      expect(String(r.updatedAt)).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    }
    expect(drill.rows.some((r) => r.budgetKrw === 9_999_999)).toBe(false);
  });

  it('opens phases and summary rows by figure', async () => {
    const drill = await runDrilldown(db.connection, 'summary', { dong: B, phase: 2, figure: 'completionRate' });
    expect(drill.kind).toBe('progress');
    // B's two recorded milestones, and 주민총회 개최, expected of it but missing from its sheet.
    expect(drill.rows.map((r) => [r.milestone, r.status, r.expected])).toEqual([
      ['자치계획 수립', '미착수', true],
      ['자치계획 실행', '보류', true],
      ['주민총회 개최', null, true],
    ]);
    const spend = await runDrilldown(db.connection, 'phases', { dong: C, phase: 1, figure: 'discretionaryExecutionRate' });
    expect(spend.kind).toBe('spending');
    const own = spend.rows.filter((r) => !r.payLine);
    expect(sum(own, 'executedKrw') / sum(own, 'budgetKrw')).toBe(0.5);
    const turnout = await runDrilldown(db.connection, 'summary', { dong: A, phase: 1, figure: 'assemblyTurnoutPer1000' });
    expect(turnout.kind).toBe('participation');
    expect(
      turnout.rows
        .filter((r) => r.assemblyDay)
        .map((r) => r.voters as number)
        .sort((x, y) => x - y),
    ).toEqual([60, 150]);
    await expect(runDrilldown(db.connection, 'phases', { dong: C, phase: 1 })).rejects.toMatchObject({ code: 'invalid_drilldown', filter: 'figure' });
  });

  it("returns nothing outside the reader's scope", async () => {
    expect((await runDrilldown(db.connection, 'spending', { dong: A, phase: 1, scope: { dongs: [B] } })).rows).toEqual([]);
    expect((await runDrilldown(db.connection, 'spending', { dong: A, phase: 1, scope: { dongs: [] } })).rows).toEqual([]);
    expect((await runDrilldown(db.connection, 'spending', { dong: A, phase: 1, scope: { dongs: [A] } })).rows).toHaveLength(3);
  });
});
