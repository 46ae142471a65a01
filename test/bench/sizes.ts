/**
 * The sizes each benchmark runs at: the sizes for a full run, smaller ones for `--quick`
 * (about a minute on the 2-core development machine). Figures of the two are not comparable.
 */
export interface BenchSizes {
  quick: boolean;
  /** Rows sent over HTTP (5,000 a batch), batches stored first, runs of the one-batch median, turns of HTTP and appender (odd). */
  sync: { httpRows: number; warmupBatches: number; batchRuns: number; turns: number };
  /** Rows through the rules and schemas, timed passes over them. */
  validate: { rows: number; runs: number };
  /** Demo data generated, runs of each comparison's median; rows of the Arrow-against-JSON result. */
  compare: { dongs: number; years: number; runs: number; resultRows: number };
  /** Rows of the table that gets one edit, edits timed. */
  syncDiff: { rows: number; runs: number };
  /** Rows of the large workbook and of the small one it is held against. */
  import: { largeRows: number; smallRows: number };
}

export const fullSizes: BenchSizes = {
  quick: false,
  sync: { httpRows: 100_000, warmupBatches: 10, batchRuns: 7, turns: 3 },
  validate: { rows: 100_000, runs: 5 },
  compare: { dongs: 3500, years: 2, runs: 9, resultRows: 100_000 },
  syncDiff: { rows: 100_000, runs: 7 },
  import: { largeRows: 100_000, smallRows: 20_000 },
};

export const quickSizes: BenchSizes = {
  quick: true,
  sync: { httpRows: 20_000, warmupBatches: 2, batchRuns: 5, turns: 3 },
  validate: { rows: 20_000, runs: 3 },
  compare: { dongs: 500, years: 2, runs: 5, resultRows: 20_000 },
  syncDiff: { rows: 20_000, runs: 5 },
  // 5,000 small rows: the live heap is sampled every 5,000 rows read.
  import: { largeRows: 25_000, smallRows: 5_000 },
};

export const count = (n: number) => n.toLocaleString('en');

/** One line naming every size, for the header. */
export function sizesText(s: BenchSizes): string {
  return [
    `sync ${count(s.sync.httpRows)} rows`,
    `validation ${count(s.validate.rows)} rows`,
    `comparisons ${count(s.compare.dongs)} dongs × ${s.compare.years} years`,
    `results ${count(s.compare.resultRows)} rows`,
    `incremental ${count(s.syncDiff.rows)} rows`,
    `import ${count(s.import.largeRows)} and ${count(s.import.smallRows)} rows`,
  ].join(' · ');
}
