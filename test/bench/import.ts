/**
 * Issue 4's speed figures: a 100,000-row spending workbook read through the normaliser (dry run,
 * report only) and imported for real (read, then stored through the store's sync in 5,000-row
 * batches), with time and peak memory; the same for 20,000 rows, to show memory does not grow with
 * the file. Each run is its own child process, so one run's memory does not hide another's.
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import '../../service/workbook/exceljs-utf8.ts';
import ExcelJS from 'exceljs';
import { categories, sheets, type RowValues } from '../../domain/index.ts';
import { Store, maxBatchRows, type Actor, type SyncRowInput } from '../../service/store/store.ts';
import { streamWorkbook } from '../../service/workbook/index.ts';
import { importWorkbook } from '../../service/import/index.ts';
import { fullSizes, quickSizes, count, type BenchSizes } from './sizes.ts';
import { goalAtFullSize, ms, printLines, ratio, type BenchLine } from './stats.ts';

const dongs = ['가양2동', '갈마1동', '진잠동', '원신흥동', '온천1동', '송촌동', '중리동', '덕암동', '도마1동', '법1동'];
const sources = ['특별교부세', '시비', '구비'];

/** A spending workbook as an official keeps it: a title row, a units row, then the table. */
export async function writeSpendingWorkbook(path: string, rows: number, options: { sharedStrings?: boolean } = {}): Promise<void> {
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: path, useSharedStrings: options.sharedStrings ?? true, useStyles: true });
  const sheet = workbook.addWorksheet('예산집행');
  const formats: Record<string, string> = { money: '#,##0', date: 'yyyy-mm-dd' };
  sheet.columns = sheets.spending.columns.map((c) => ({ key: c.field, width: 14, ...(formats[c.type] ? { style: { numFmt: formats[c.type] } } : {}) }));
  sheet.addRow(['2019~2020 주민자치회 시범사업 예산 집행 현황']).commit();
  sheet.addRow(['(단위: 원)']).commit();
  sheet.addRow(sheets.spending.columns.map((c) => c.header)).commit();
  for (let i = 0; i < rows; i++) {
    const phase = 1 + (i % 2);
    const year = 2018 + phase;
    const budget = 1_000_000 + (i % 997) * 10_000;
    // By field, in the sheet's column order (the second wave added 이월액, 반납액 and 관련 의제 between them).
    const values: Record<string, unknown> = {
      dong: dongs[i % dongs.length],
      phase,
      fiscalYear: year,
      category: categories[i % categories.length],
      item: `세부내역 ${i}`,
      fundingSource: sources[i % sources.length],
      budgetKrw: budget,
      executedKrw: i % 7 === 0 ? null : budget - (i % 13) * 1_000,
      carriedOverKrw: i % 7 === 3 ? (i % 13) * 1_000 : null,
      returnedKrw: null,
      executedOn: i % 7 === 0 ? null : new Date(Date.UTC(year, i % 12, 1 + (i % 28))),
      agenda: i % 5 === 0 ? '마을 환경 개선' : null,
      note: i % 11 === 0 ? '예시' : null,
    };
    sheet.addRow(sheets.spending.columns.map((c) => values[c.field] ?? null)).commit();
  }
  sheet.commit();
  await workbook.commit();
}

type Mode = 'dry' | 'real' | 'product';

interface ChildFigures {
  ms: number;
  rows: number;
  stored: number;
  /** Peak resident set size during the run, and above the baseline before it (MB). */
  peakRssMb: number;
  rssGrowthMb: number;
  /** Peak heap above the baseline (sampled), and heap left after gc at the end (MB; null without --expose-gc). */
  peakHeapMb: number;
  heapAfterGcMb: number | null;
  maxQueuedBatches: number;
  /** Rows refused, and rows accepted whose text is not what was written (should both be 0). */
  rejected: number;
  garbled: number;
  /** Live heap above the baseline, after a gc every 5,000 rows read (MB; null without --expose-gc). */
  liveHeapMb: number | null;
}

const written = /^세부내역 \d+$/;

const mb = (bytes: number) => bytes / 1024 / 1024;
const gc = (globalThis as { gc?: () => void }).gc;

/** The measured run, in a child process: prints its figures as one JSON line. */
async function child(mode: Mode, path: string, dir: string): Promise<ChildFigures> {
  const store = await Store.open(join(dir, `${mode}-${randomUUID()}.duckdb`));
  const token = await store.createToken({ role: 'admin', name: 'bench' });
  const actor = (await store.authenticate(token.token)) as Actor;
  gc?.();
  const base = process.memoryUsage();
  let peakRss = base.rss;
  let peakHeap = base.heapUsed;
  const sample = () => {
    const m = process.memoryUsage();
    peakRss = Math.max(peakRss, m.rss);
    peakHeap = Math.max(peakHeap, m.heapUsed);
  };
  const timer = setInterval(sample, 5);
  let rows = 0;
  let stored = 0;
  let rejected = 0;
  let garbled = 0;
  let liveHeap: number | null = null;
  const check = (values: RowValues) => {
    if (!written.test(String(values.item))) garbled++;
    if (gc && (rows + 1) % 5000 === 0 && mode !== 'product') {
      gc();
      liveHeap = Math.max(liveHeap ?? 0, process.memoryUsage().heapUsed - base.heapUsed);
    }
  };
  let queued = 0;
  let maxQueued = 0;
  const t0 = performance.now();
  if (mode === 'dry') {
    const report = await streamWorkbook(path, {
      ref: store.reference,
      keepRows: false,
      deriveRowIds: true,
      onRow: (row) => {
        rows++;
        check(row.values);
      },
    });
    rejected = report.sheets[0]?.counts.rejected ?? 0;
  } else if (mode === 'real') {
    // read and store at once: every 5,000 accepted rows go to the store's sync as one batch
    let batch: SyncRowInput[] = [];
    let writes: Promise<unknown> = Promise.resolve();
    const flush = () => {
      const rowsOut = batch;
      batch = [];
      queued++;
      maxQueued = Math.max(maxQueued, queued);
      writes = writes.then(async () => {
        const answer = await store.sync('spending', { batchId: randomUUID(), rows: rowsOut, deletes: [] }, actor, 'bench.xlsx');
        stored += answer.results.filter((r) => r.status === 'accepted').length;
        queued--;
      });
    };
    const report = await streamWorkbook(path, {
      ref: store.reference,
      keepRows: false,
      deriveRowIds: true,
      onRow: (row) => {
        rows++;
        check(row.values);
        batch.push({ rowId: row.rowId!, baseRevision: null, values: row.values as RowValues });
        if (batch.length === maxBatchRows) flush();
      },
    });
    if (batch.length > 0) flush();
    await writes;
    rejected = report.sheets[0]?.counts.rejected ?? 0;
  } else {
    // the product's path (jachi import): the whole report first, then batches
    const report = await importWorkbook(store, path, actor, { file: 'bench.xlsx' });
    stored = report.sheets.reduce((n, s) => n + s.counts.accepted, 0);
    rejected = report.sheets.reduce((n, s) => n + s.counts.rejected, 0);
    rows = stored;
    for (const s of report.sheets) for (const r of s.rows) check(r.values);
  }
  const elapsed = performance.now() - t0;
  sample();
  clearInterval(timer);
  let heapAfterGcMb: number | null = null;
  if (gc) {
    gc();
    heapAfterGcMb = mb(process.memoryUsage().heapUsed - base.heapUsed);
  }
  store.close();
  return {
    ms: elapsed,
    rows,
    stored,
    peakRssMb: mb(peakRss),
    rssGrowthMb: mb(peakRss - base.rss),
    peakHeapMb: mb(peakHeap - base.heapUsed),
    heapAfterGcMb,
    maxQueuedBatches: maxQueued,
    rejected,
    garbled,
    liveHeapMb: liveHeap === null ? null : mb(liveHeap),
  };
}

const self = fileURLToPath(import.meta.url);
const run = promisify(execFile);

async function measure(mode: Mode, path: string, dir: string): Promise<ChildFigures> {
  const { stdout } = await run(process.execPath, ['--expose-gc', '--import', 'tsx', self, '--child', mode, path, dir], { maxBuffer: 1 << 20 });
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as ChildFigures;
}

const mbText = (v: number) => `${v.toFixed(1)} MB`;

export async function benchImport(sizes: Pick<BenchSizes, 'quick' | 'import'> = fullSizes) {
  const { largeRows, smallRows } = sizes.import;
  const dir = mkdtempSync(join(tmpdir(), 'jachi-bench-import-'));
  try {
    const files = { large: join(dir, `spending-${largeRows}.xlsx`), small: join(dir, `spending-${smallRows}.xlsx`), inline: join(dir, `spending-${largeRows}-inline.xlsx`) };
    const t0 = performance.now();
    await writeSpendingWorkbook(files.large, largeRows);
    const buildMs = performance.now() - t0;
    await writeSpendingWorkbook(files.small, smallRows);
    await writeSpendingWorkbook(files.inline, largeRows, { sharedStrings: false });

    const figures = {
      dryLarge: await measure('dry', files.large, dir),
      drySmall: await measure('dry', files.small, dir),
      dryInline: await measure('dry', files.inline, dir),
      realLarge: await measure('real', files.large, dir),
      realSmall: await measure('real', files.small, dir),
      productLarge: await measure('product', files.large, dir),
      productSmall: await measure('product', files.small, dir),
    };
    for (const [name, f] of Object.entries(figures)) {
      const expected = name.endsWith('Small') ? smallRows : largeRows;
      if (f.rows + f.rejected !== expected || (!name.startsWith('dry') && f.stored !== f.rows))
        throw new Error(`${name}: ${f.rows} read, ${f.stored} stored, ${f.rejected} refused`);
    }
    const size = (p: string) => `${(statSync(p).size / 1024 / 1024).toFixed(1)} MB`;
    const memory = (f: ChildFigures) =>
      `peak RSS ${mbText(f.peakRssMb)} (+${mbText(f.rssGrowthMb)}), peak heap +${mbText(f.peakHeapMb)}${f.liveHeapMb === null ? '' : `, live heap while reading +${mbText(f.liveHeapMb)}`}${f.heapAfterGcMb === null ? '' : `, after gc +${mbText(f.heapAfterGcMb)}`}`;
    const live = (f: ChildFigures) => f.liveHeapMb ?? f.peakHeapMb;
    const grows = (large: ChildFigures, small: ChildFigures) => live(large) / Math.max(live(small), 1);
    const { dryLarge, drySmall, dryInline, realLarge, realSmall, productLarge, productSmall } = figures;
    const [L, S] = [count(largeRows), count(smallRows)];
    const full = (goal: string, ok: boolean) => goalAtFullSize(sizes.quick, goal, ok);
    const lines: BenchLine[] = [
      { name: `${L}-row workbook written (exceljs streaming writer, ${size(files.large)})`, value: ms(buildMs) },
      { name: `dry run, ${L} rows (stream, report only)`, value: ms(dryLarge.ms), ...full('< 10 s', dryLarge.ms < 10_000) },
      { name: '  memory', value: memory(dryLarge) },
      { name: `dry run, ${S} rows`, value: `${ms(drySmall.ms)} · ${memory(drySmall)}` },
      {
        name: `dry run live heap, ${L} ÷ ${S} rows`,
        value: ratio(live(dryLarge), Math.max(live(drySmall), 1)),
        ...full(`< 2× for ${largeRows / smallRows}× the rows`, grows(dryLarge, drySmall) < 2),
      },
      { name: `dry run, ${L} rows, inline strings (no shared-string table)`, value: `${ms(dryInline.ms)} · ${memory(dryInline)}` },
      { name: `real import, ${L} rows (stream → sync, 5,000 a batch)`, value: ms(realLarge.ms), ...full('< 10 s', realLarge.ms < 10_000) },
      { name: '  memory', value: `${memory(realLarge)}, ≤ ${realLarge.maxQueuedBatches} batch(es) queued` },
      { name: 'baseline: the dry run (reading alone); real import ÷ it', value: ratio(realLarge.ms, dryLarge.ms) },
      { name: `real import, ${S} rows`, value: `${ms(realSmall.ms)} · ${memory(realSmall)}` },
      {
        name: `real import live heap, ${L} ÷ ${S} rows`,
        value: ratio(live(realLarge), Math.max(live(realSmall), 1)),
        ...full(`< 2× for ${largeRows / smallRows}× the rows`, grows(realLarge, realSmall) < 2),
      },
      { name: `real import peak RSS growth, ${L} ÷ ${S} rows`, value: ratio(realLarge.rssGrowthMb, Math.max(realSmall.rssGrowthMb, 1)) },
      {
        name: `jachi import (importWorkbook: whole report, then batches), ${L}`,
        value: `${ms(productLarge.ms)} · ${memory(productLarge)}`,
        ...full('< 10 s', productLarge.ms < 10_000),
      },
      { name: 'baseline: the dry run; jachi import ÷ it', value: ratio(productLarge.ms, dryLarge.ms) },
      { name: `jachi import, ${S} rows`, value: `${ms(productSmall.ms)} · ${memory(productSmall)}` },
      { name: `jachi import peak heap, ${L} ÷ ${S} rows`, value: ratio(productLarge.peakHeapMb, Math.max(productSmall.peakHeapMb, 1)) },
      ...Object.entries(figures).map(([name, f]) => ({
        name: `text read intact: ${name} (refused · accepted with garbled text)`,
        value: `${f.rejected} · ${f.garbled}`,
        ok: f.rejected === 0 && f.garbled === 0,
      })),
    ];
    printLines(`Import (issue 4): ${L}-row workbook, against ${S} rows and against reading alone`, lines);
    return { name: 'import', largeRows, smallRows, buildMs, figures, lines };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  if (process.argv[2] === '--child') {
    const figures = await child(process.argv[3] as Mode, process.argv[4]!, process.argv[5]!);
    // Out once the figures are written: a handle the store leaves open after close() (seen at
    // 25,000 accepted rows) must not keep the parent waiting for this child to end.
    process.stdout.write(`${JSON.stringify(figures)}\n`, () => process.exit(0));
  } else {
    await benchImport(process.argv.includes('--quick') ? quickSizes : fullSizes);
  }
}
