/**
 * A small hand-checked dataset for the comparison tests: 2 districts, 4 dongs (B's 2020 population
 * unknown, D joined in phase 2), blank executions, zero budgets, over-execution, a tombstone, late,
 * early and 지연 milestones. The expected figures are worked out by hand in the tests.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Reference } from '../../domain/index.ts';
import { loadReference, openDatabase, type Database } from '../../service/store/db.ts';

export const A = '11111-a';
export const B = '11111-b';
export const C = '22222-c';
export const D = '22222-d';

export const reference: Reference = {
  city: '시험시',
  districts: [
    { code: '11111', name: '가구' },
    { code: '22222', name: '나구' },
  ],
  dongs: [
    { code: A, name: '가동', district: '11111', adminCode: null, joinedPhase: 1, population: { '2019': 10000, '2020': 12500 }, populationIllustrative: true },
    { code: B, name: '나동', district: '11111', adminCode: null, joinedPhase: 1, population: { '2019': 20000 }, populationIllustrative: true },
    { code: C, name: '다동', district: '22222', adminCode: null, joinedPhase: 1, population: { '2019': 5000, '2020': 5000 }, populationIllustrative: true },
    { code: D, name: '라동', district: '22222', adminCode: null, joinedPhase: 2, population: { '2020': 8000 }, populationIllustrative: true },
  ],
  phases: [
    { phase: 1, name: '1단계', year: 2019, start: '2018-08-01', end: '2019-12-31' },
    { phase: 2, name: '2단계', year: 2020, start: '2020-01-01', end: '2020-12-31' },
  ],
};

/** The day "past its plan" is judged against in these tests. */
export const today = '2020-06-30';

type Row = Record<string, string | number | boolean | null>;
const spending: Row[] = [
  { dong: A, phase: 1, category: '기타', budgetKrw: 1_000_000, executedKrw: 800_000, note: "=HYPERLINK(\"x\"), 'quoted'" },
  { dong: A, phase: 1, category: '간사 인건비', budgetKrw: 2_000_000, executedKrw: 2_000_000, executedOn: '2019-05-30' },
  { dong: A, phase: 1, category: '기타', budgetKrw: 500_000, executedKrw: null, item: '줄바꿈\n있는 "내역"' },
  { dong: A, phase: 1, category: '기타', budgetKrw: 9_999_999, executedKrw: 9_999_999, deleted: true },
  { dong: A, phase: 2, category: '기타', budgetKrw: 0, executedKrw: 0 },
  { dong: A, phase: 2, category: '자체 사업비', budgetKrw: 1_000_000, executedKrw: 1_200_000 },
  { dong: B, phase: 1, category: '기타', budgetKrw: 1_000_000, executedKrw: 500_000 },
  { dong: B, phase: 2, category: '기타', budgetKrw: 1_000_000, executedKrw: 900_000 },
  { dong: C, phase: 1, category: '기타', budgetKrw: 2_000_000, executedKrw: 1_800_000 },
  { dong: C, phase: 2, category: '기타', budgetKrw: 2_000_000, executedKrw: 1_000_000 },
  { dong: D, phase: 2, category: '기타', budgetKrw: 0, executedKrw: 100 },
];
const participation: Row[] = [
  { dong: A, phase: 1, date: '2019-10-01', activity: '주민총회', participants: 200, newParticipants: 50, votes: 150 },
  { dong: A, phase: 1, date: '2019-06-01', activity: '분과위원회', participants: 30, newParticipants: null, votes: null, online: true },
  { dong: A, phase: 2, date: '2020-03-01', activity: '교육·워크숍', participants: 100, newParticipants: 10 },
  { dong: B, phase: 1, date: '2019-11-01', activity: '주민총회', participants: 400, votes: 300 },
  { dong: B, phase: 2, date: '2020-11-01', activity: '주민총회', participants: 500 },
  { dong: C, phase: 1, date: '2019-04-01', activity: '기타', participants: 10 },
  { dong: C, phase: 2, date: '2020-04-01', activity: '기타', participants: 50 },
];
const progress: Row[] = [
  { dong: A, phase: 1, milestone: '위원 선정', plannedOn: '2019-03-01', completedOn: '2019-03-11', status: '완료', progressPct: 100 },
  { dong: A, phase: 1, milestone: '자치규약 제정', plannedOn: '2019-05-01', completedOn: '2019-04-29', status: '완료', progressPct: null },
  { dong: A, phase: 1, milestone: '자치계획 수립', plannedOn: '2019-12-01', status: '진행중', progressPct: 50 },
  { dong: A, phase: 1, milestone: '주민총회 개최', plannedOn: null, status: '지연', progressPct: 20 },
  { dong: A, phase: 2, milestone: '자치계획 실행', plannedOn: '2020-12-01', status: '진행중', progressPct: 40 },
  { dong: A, phase: 2, milestone: '분과위원회 구성', plannedOn: '2020-02-01', completedOn: '2020-02-01', status: '완료', progressPct: 100 },
  { dong: B, phase: 1, milestone: '위원 선정', plannedOn: '2019-06-01', completedOn: '2019-06-21', status: '완료', progressPct: 100 },
  { dong: B, phase: 2, milestone: '자치계획 수립', plannedOn: '2020-01-01', status: '미착수', progressPct: 0 },
  { dong: B, phase: 2, milestone: '자치계획 실행', plannedOn: '2020-09-01', status: '보류', progressPct: null },
  { dong: C, phase: 1, milestone: '위원 선정', plannedOn: '2019-02-01', completedOn: '2019-01-20', status: '완료', progressPct: 100 },
  { dong: C, phase: 1, milestone: '자치규약 제정', plannedOn: '2019-03-01', completedOn: '2019-03-01', status: '완료', progressPct: 100 },
  { dong: C, phase: 2, milestone: '위원 선정', plannedOn: '2020-02-01', completedOn: '2020-02-11', status: '완료', progressPct: 100 },
];

const columns = {
  spending: ['dong', 'phase', 'fiscalYear', 'category', 'item', 'fundingSource', 'budgetKrw', 'executedKrw', 'executedOn', 'note'],
  participation: ['dong', 'phase', 'date', 'activity', 'title', 'participants', 'newParticipants', 'votes', 'online', 'note'],
  progress: ['dong', 'phase', 'milestone', 'plannedOn', 'completedOn', 'status', 'progressPct', 'note'],
} as const;

/** A fresh DuckDB file in the OS temp dir with the fixture loaded; `close` removes it. */
export async function openFixture(): Promise<Database & { dir: string; close: () => void }> {
  const dir = mkdtempSync(join(tmpdir(), 'jachi-compare-'));
  const db = await openDatabase(join(dir, 'test.duckdb'));
  await loadReference(db.connection, reference);
  let revision = 0;
  for (const [kind, rows] of Object.entries({ spending, participation, progress }) as [keyof typeof columns, Row[]][]) {
    const fields = columns[kind];
    for (const row of rows) {
      revision += 1;
      const values: Record<string, string | number | boolean | null> = { revision, deleted: row.deleted === true };
      for (const f of fields) values[f] = row[f] ?? (f === 'fiscalYear' ? 2018 + Number(row.phase) : null);
      await db.connection.run(
        `INSERT INTO ${kind}_rows (rowId, revision, deleted, updatedBy, updatedAt, source, ${fields.join(', ')})
         VALUES (uuid(), $revision, $deleted, 'tester', now(), 'fixture.xlsx', ${fields.map((f) => `$${f}`).join(', ')})`,
        values,
      );
    }
  }
  return {
    ...db,
    dir,
    close: () => {
      db.connection.closeSync();
      db.instance.closeSync();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
