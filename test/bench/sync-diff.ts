// Benchmark: the sync engine diffing a 100,000-row table with one edited row. Goal: 1 row sent,
// under 200 ms. Baselines, in the same process over the same rows: hashing every row once with the
// engine's own hash (the least a diff that looks at every row can do), and one JSON.stringify pass.
import { fullSizes, count, type BenchSizes } from './sizes.ts';
import { goalAtFullSize, median, ms, printLines, ratio, timeRuns, type BenchLine } from './stats.ts';
import { createSyncEngine, hashValues, type LocalRow, type SyncAnswer, type SyncBody, type SyncState } from '../../addin/sync/index.ts';

function makeTable(tableRows: number): LocalRow[] {
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

export interface SyncDiffBenchResult {
  name: 'sync-diff';
  rows: number;
  runs: number;
  firstSyncMs: number;
  firstSyncSent: number;
  rowsSent: number;
  medianMs: number;
  hashBaselineMs: number;
  jsonBaselineMs: number;
  goalMs: number;
  lines: BenchLine[];
}

export async function benchSyncDiff(sizes: Pick<BenchSizes, 'quick' | 'syncDiff'> = fullSizes): Promise<SyncDiffBenchResult> {
  const { rows: tableRows, runs } = sizes.syncDiff;
  const table = makeTable(tableRows);
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
  const t0 = performance.now();
  await engine.sync('spending', table);
  const firstSyncMs = performance.now() - t0;
  const firstSyncSent = sent;
  if (firstSyncSent !== tableRows) throw new Error(`first sync sent ${firstSyncSent} rows, expected ${tableRows}`);

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

  let sink = 0;
  const hashBaselineMs = median(
    await timeRuns(runs, () => {
      for (const row of table) sink += hashValues(row.values).length;
    }),
  );
  const jsonBaselineMs = median(
    await timeRuns(runs, () => {
      for (const row of table) sink += JSON.stringify(row.values).length;
    }),
  );
  if (sink === 0) throw new Error('baseline optimised away');

  const medianMs = median(times);
  const rowsSent = Math.max(...sentPerRun);
  const goalMs = 200;
  const lines: BenchLine[] = [
    { name: 'first sync of the table (every row sent)', value: `${count(firstSyncSent)} rows · ${ms(firstSyncMs)}` },
    {
      name: 'rows sent for one edited row; ÷ table rows',
      value: `${count(rowsSent)} of ${count(tableRows)} · ${Number(((100 * rowsSent) / tableRows).toPrecision(2))}% of the table`,
      goal: '1',
      ok: rowsSent === 1,
    },
    { name: `diff and send, median of ${runs}`, value: ms(medianMs), ...goalAtFullSize(sizes.quick, `< ${goalMs} ms`, medianMs < goalMs) },
    { name: 'baseline: hashValues over every row once; diff ÷ hashing', value: `${ms(hashBaselineMs)} · ${ratio(medianMs, hashBaselineMs)}` },
    { name: 'baseline: one JSON.stringify pass over the rows; diff ÷ it', value: `${ms(jsonBaselineMs)} · ${ratio(medianMs, jsonBaselineMs)}` },
    { name: 'diff ÷ first sync (what sending everything again costs)', value: ratio(medianMs, firstSyncMs) },
  ];
  printLines(`Incremental sync (issue 5): one edit in a ${count(tableRows)}-row table`, lines);
  return { name: 'sync-diff', rows: tableRows, runs, firstSyncMs, firstSyncSent, rowsSent, medianMs, hashBaselineMs, jsonBaselineMs, goalMs, lines };
}
