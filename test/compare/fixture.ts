/**
 * A small hand-checked dataset for the comparison tests: 2 districts, 4 dongs (B's 2020 population
 * unknown, D joined in phase 2 and recorded no milestone), blank executions, zero budgets,
 * over-execution, pay lines, carry-over, a tombstone, assemblies kept over two rows of one day,
 * late, early and 지연 milestones, expected milestones per cohort. The expected figures are worked
 * out by hand in the tests.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { milestones, sheets, type CityReference } from '../../domain/index.ts';
import { loadReference, openDatabase, type Database } from '../../service/store/db.ts';

export const A = '11111-a';
export const B = '11111-b';
export const C = '22222-c';
export const D = '22222-d';

/** The first ten milestones (everything up to the first 주민총회). */
const firstTen = milestones.slice(0, 10);

export const reference: CityReference = {
  city: '시험시',
  cityCode: '11',
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
  allocations: [
    { dong: A, fiscalYear: 2019, amountKrw: 3_000_000 },
    { dong: A, fiscalYear: 2020, amountKrw: 1_000_000 },
  ],
  expectedMilestones: [
    { cohort: 1, phase: 1, milestones: firstTen },
    { cohort: 1, phase: 2, milestones: ['자치계획 수립', '주민총회 개최', '자치계획 실행'] },
    { cohort: 2, phase: 2, milestones: firstTen },
  ],
};

/** The day "past its plan" is judged against in these tests. */
export const today = '2020-06-30';

export type Row = Record<string, string | number | boolean | null>;
const spending: Row[] = [
  {
    dong: A,
    phase: 1,
    category: '기타',
    budgetKrw: 1_000_000,
    executedKrw: 800_000,
    carriedOverKrw: 100_000,
    returnedKrw: 100_000,
    agenda: ' 마을 축제',
    note: '=HYPERLINK("x"), \'quoted\'',
  },
  { dong: A, phase: 1, category: '간사 인건비', budgetKrw: 2_000_000, executedKrw: 2_000_000, executedOn: '2019-05-30' },
  { dong: A, phase: 1, category: '기타', budgetKrw: 500_000, executedKrw: null, item: '줄바꿈\n있는 "내역"' },
  { dong: A, phase: 1, category: '기타', budgetKrw: 9_999_999, executedKrw: 9_999_999, deleted: true },
  { dong: A, phase: 2, category: '기타', budgetKrw: 0, executedKrw: 0 },
  { dong: A, phase: 2, category: '자체 사업비', budgetKrw: 1_000_000, executedKrw: 1_200_000 },
  { dong: B, phase: 1, category: '기타', budgetKrw: 1_000_000, executedKrw: 500_000 },
  { dong: B, phase: 2, category: '기타', budgetKrw: 1_000_000, executedKrw: 900_000 },
  { dong: C, phase: 1, category: '기타', budgetKrw: 2_000_000, executedKrw: 1_000_000 },
  { dong: C, phase: 1, category: '자치지원관 인건비', budgetKrw: 4_000_000, executedKrw: 4_000_000 },
  { dong: C, phase: 2, category: '기타', budgetKrw: 2_000_000, executedKrw: 1_000_000 },
  { dong: D, phase: 2, category: '기타', budgetKrw: 0, executedKrw: 100 },
];
const participation: Row[] = [
  // A's 2019 assembly is kept as two rows of one day (on site, online): one assembly of 210 voters.
  { dong: A, phase: 1, date: '2019-10-01', activity: '주민총회', participants: 200, newParticipants: 50, voters: 150 },
  { dong: A, phase: 1, date: '2019-10-01', activity: '주민총회', title: '온라인 투표', participants: 60, voters: 60, votersOnline: 60, online: true },
  // A smaller assembly earlier in the phase: its participants stand for its blank voters.
  { dong: A, phase: 1, date: '2018-11-01', activity: '주민총회', participants: 40 },
  { dong: A, phase: 1, date: '2019-06-01', activity: '분과위원회', participants: 30, newParticipants: null, voters: null, online: true },
  { dong: A, phase: 2, date: '2020-03-01', activity: '교육·워크숍', participants: 100, newParticipants: 10 },
  { dong: B, phase: 1, date: '2019-11-01', activity: '주민총회', participants: 400, voters: 300 },
  { dong: B, phase: 2, date: '2020-11-01', activity: '주민총회', participants: 500 },
  // C's assembly is flat (100 → 98 voters) while it logged four events in phase 1 and two in phase 2.
  { dong: C, phase: 1, date: '2019-04-01', activity: '기타', participants: 10 },
  { dong: C, phase: 1, date: '2019-05-01', activity: '분과위원회', participants: 20 },
  { dong: C, phase: 1, date: '2019-06-01', activity: '교육·워크숍', participants: 30 },
  { dong: C, phase: 1, date: '2019-09-01', activity: '주민총회', participants: 120, voters: 100 },
  { dong: C, phase: 2, date: '2020-04-01', activity: '기타', participants: 50 },
  { dong: C, phase: 2, date: '2020-09-01', activity: '주민총회', participants: 110, voters: 98, votersOnline: 49 },
  // The work of a district: never in a dong's figures (governance).
  { dong: '11111', phase: 1, date: '2019-03-01', activity: '워킹그룹', participants: 15 },
];
const progress: Row[] = [
  { dong: A, phase: 1, milestone: '위원 선정', plannedOn: '2019-03-01', completedOn: '2019-03-11', status: '완료', progressPct: 100 },
  { dong: A, phase: 1, milestone: '자치규약 제정', plannedOn: '2019-05-01', completedOn: '2019-04-29', status: '완료', progressPct: null, note: '계획일 예시' },
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
  { dong: C, phase: 2, milestone: '자치계획 수립', plannedOn: '2020-05-31', completedOn: '2020-05-01', status: '완료', progressPct: 100 },
];

const agendas: Row[] = [
  // A1: one adopted and done (and named by a spending line of its year), one voted down, one only found.
  { dong: A, phase: 1, title: '마을 축제', assemblyOn: '2019-10-01', adopted: true, estimatedCostKrw: 1_000_000, status: '완료', completedOn: '2019-12-01' },
  { dong: A, phase: 1, title: '주차장', assemblyOn: '2019-10-01', adopted: false, status: '부결' },
  { dong: A, phase: 1, title: '벽화', status: '발굴' },
  // A2: adopted by their status (가결 blank), neither done yet.
  { dong: A, phase: 2, title: '공유 텃밭', status: '실행중', estimatedCostKrw: 500_000 },
  { dong: A, phase: 2, title: '마을 신문', status: '가결', adopted: true },
  { dong: B, phase: 1, title: '어르신 나눔', status: '완료', completedOn: '2019-11-30' },
];
const council: Row[] = [
  // A1: two snapshots; the later (기준일 2019-09-01) is the phase's.
  { dong: A, phase: 1, asOf: '2019-05-01', seats: 40, applicants: 60, selectedByLottery: 30, members: 30, women: 12, youth: 3, trainingCompleted: 30 },
  { dong: A, phase: 1, asOf: '2019-09-01', seats: 40, applicants: 60, selectedByLottery: 30, members: 32, women: 16, youth: 4, trainingCompleted: 24 },
  { dong: D, phase: 2, asOf: '2020-08-01', members: 20, women: 9 },
];

type Data = Partial<Record<'spending' | 'participation' | 'progress' | 'agendas' | 'council', Row[]>>;

/**
 * A fresh DuckDB file in the OS temp dir with a reference and rows loaded straight into the tables
 * (no rules: the figures must hold whatever was stored); `close` removes it. By default the
 * fixture above.
 */
export async function openFixture(
  ref: CityReference = reference,
  data: Data = { spending, participation, progress, agendas, council },
): Promise<Database & { dir: string; close: () => void }> {
  const dir = mkdtempSync(join(tmpdir(), 'jachi-compare-'));
  const db = await openDatabase(join(dir, 'test.duckdb'));
  await loadReference(db.connection, ref);
  let revision = 0;
  for (const [kind, rows] of Object.entries(data) as [keyof Data, Row[]][]) {
    const fields = sheets[kind].columns.map((c) => c.field);
    const quoted = fields.map((f) => `"${f}"`);
    for (const row of rows) {
      revision += 1;
      const values: Record<string, string | number | boolean | null> = { revision, deleted: row.deleted === true };
      for (const f of fields) values[f] = row[f] ?? (f === 'fiscalYear' ? 2018 + Number(row.phase) : null);
      await db.connection.run(
        `INSERT INTO ${kind}_rows (rowId, revision, deleted, updatedBy, updatedAt, source, ${quoted.join(', ')})
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
