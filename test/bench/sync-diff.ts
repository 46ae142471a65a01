// Benchmark: diffing a 100,000-row table with one edited row. Goal: 1 row sent, under 200 ms.
// The baseline is one JSON.stringify pass over the same rows, measured in the same process, so the
// ratio says how the diff compares with the least work that touches every value once.
import { median, printLines } from './stats.ts';
import { createSyncEngine, type LocalRow, type SyncAnswer, type SyncBody, type SyncState } from '../../addin/sync/index.ts';

const tableRows = 100_000;
const runs = 7;


function makeTable(): LocalRow[] {
  const categories = ['자치지원관 인건비', '간사 인건비', '주민자치학교 운영비', '사무공간 조성비', '자체 사업비', '기타'];
  const rows: LocalRow[] = [];
  for (let i = 0; i < tableRows; i++) {
    rows.push({
      rowId: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
      values: {
        dong: `30${String(i % 3500).padStart(8, '0')}`,
        phase: 1 + (i % 2),
        fiscalYear: 2019 + (i % 2),
        category: categories[i % categories.length]!,
        item: `세부내역 ${i}`,
        fundingSource: '특별교부세',
        budgetKrw: 1_000_000 + i,
        executedKrw: i % 7 === 0 ? null : 900_000 + i,
        executedOn: `2019-0${1 + (i % 9)}-1${i % 10}`,
        note: i % 5 === 0 ? '이월' : null,
      },
    });
  }
  return rows;
}

export async function benchSyncDiff(): Promise<{
  name: string;
  rows: number;
  rowsSent: number;
  medianMs: number;
  baselineMs: number;
  ratio: number;
  goalMs: number;
  runs: number;
}> {
  const table = makeTable();
  let sent = 0;
  let revision = 0;
  // A store that keeps the state object itself: persistence cost is the UI's store, not the diff.
  let saved: SyncState | undefined;
  const engine = createSyncEngine({
    store: { load: async () => saved, save: async (s) => void (saved = s) },
    transport: {
      push: async (_kind, body: SyncBody): Promise<SyncAnswer> => {
        sent += body.rows.length + body.deletes.length;
        return {
          batchId: body.batchId,
          revision: ++revision,
          results: [
            ...body.rows.map((r) => ({ rowId: r.rowId, status: 'accepted' as const, revision })),
            ...body.deletes.map((d) => ({ rowId: d.rowId, status: 'accepted' as const, revision })),
          ],
        };
      },
      pull: async () => ({ revision, rows: [] }),
    },
  });
  await engine.sync('spending', table);

  const times: number[] = [];
  const sentPerRun: number[] = [];
  for (let run = 0; run < runs; run++) {
    const edited = table[(run * 7919) % tableRows]!;
    edited.values = { ...edited.values, budgetKrw: Number(edited.values.budgetKrw) + 1 };
    sent = 0;
    const start = performance.now();
    const report = await engine.sync('spending', table);
    times.push(performance.now() - start);
    sentPerRun.push(sent);
    if (report.rowsSent !== 1) throw new Error(`expected 1 row sent, got ${report.rowsSent}`);
  }

  const baseline: number[] = [];
  let sink = 0;
  for (let run = 0; run < runs; run++) {
    const start = performance.now();
    for (const row of table) sink += JSON.stringify(row.values).length;
    baseline.push(performance.now() - start);
  }
  if (sink === 0) throw new Error('baseline optimised away');

  const medianMs = median(times);
  const baselineMs = median(baseline);
  const result = {
    name: 'sync-diff: 100,000-row table, one edited row',
    rows: tableRows,
    rowsSent: Math.max(...sentPerRun),
    medianMs: Math.round(medianMs * 10) / 10,
    baselineMs: Math.round(baselineMs * 10) / 10,
    ratio: Math.round((medianMs / baselineMs) * 100) / 100,
    goalMs: 200,
    runs,
  };
  printLines('Sync engine diff (issue 5)', [
    { name: 'rows sent for one edited row of 100,000', value: String(result.rowsSent), goal: '1', ok: result.rowsSent === 1 },
    { name: `diff and send, median of ${runs}`, value: `${result.medianMs} ms`, goal: `< ${result.goalMs} ms`, ok: result.medianMs < result.goalMs },
    { name: 'ratio to one JSON.stringify pass over the rows', value: `${result.ratio}× (${result.baselineMs} ms)` },
  ]);
  return result;
}
