// Taking figures away from the pane: a comparison's table as CSV and .xlsx (read back), its chart as
// PNG and SVG, and a print layout (printed to PDF by Chromium).
import { readFileSync } from 'node:fs';
import '../../service/workbook/exceljs-utf8.ts';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Download } from 'playwright-core';
import type { TestService } from '../support/service.ts';
import { parseCsv } from '../support/csv.ts';
import { openDemoPane, signInPane, type DemoPane } from './demo-pane.ts';
import type { BrowserSession, TestServer } from './harness.ts';

describe('take it away: downloads and print', () => {
  let pane: DemoPane;
  let service: TestService;
  let server: TestServer;
  let browser: BrowserSession;
  let expected: { category: string | null; budgetKrw: number; executedKrw: number }[];

  beforeAll(async () => {
    pane = await openDemoPane();
    ({ service, server, browser } = pane);
    expected = (await service.json('GET', '/api/compare/spending?dong=가양2동&phase=1', 'analyst')).body.rows;
    const { page } = browser;
    await signInPane(page, server.url, service.tokens.analyst);
    const form = page.getByRole('form', { name: '비교' });
    await form.getByLabel('동', { exact: true }).selectOption({ label: '가양2동' });
    await form.getByLabel('단계').selectOption('1');
    await form.getByRole('button', { name: '보기' }).click();
    // The table of 가양2동's phase 1, not the one the tab opened with.
    await page.getByRole('table', { name: /예산/ }).waitFor();
    await page.waitForFunction((n) => document.querySelectorAll('#panel-compare table tbody tr').length === n, expected.length, { timeout: 30_000 });
  }, 60_000);
  afterAll(() => pane?.close());

  const download = async (name: string): Promise<{ file: Download; bytes: Buffer }> => {
    const { page } = browser;
    const [file] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name }).first().click()]);
    return { file, bytes: readFileSync((await file.path())!) };
  };

  it('the table as CSV: UTF-8 with a BOM, Korean headers, every row with its exact won', async () => {
    const { file, bytes } = await download('CSV 내려받기');
    expect(file.suggestedFilename()).toMatch(/\.csv$/);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const [header, ...rows] = parseCsv(bytes.toString('utf8').slice(1));
    expect(header).toContain('예산액');
    expect(rows).toHaveLength(expected.length);
    const budget = header!.indexOf('예산액');
    expect(rows.map((r) => Number(r[budget])).sort((a, b) => a - b)).toEqual(expected.map((r) => r.budgetKrw).sort((a, b) => a - b));
  });

  it('the table as .xlsx: one sheet, the same header and numbers as numbers', async () => {
    const { file, bytes } = await download('Excel 내려받기');
    expect(file.suggestedFilename()).toMatch(/\.xlsx$/);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
    const sheet = workbook.worksheets[0]!;
    const header = (sheet.getRow(1).values as unknown[]).slice(1);
    expect(header).toContain('예산액');
    const budgetColumn = header.indexOf('예산액') + 1;
    const budgets: number[] = [];
    sheet.eachRow((row, n) => n > 1 && budgets.push(row.getCell(budgetColumn).value as number));
    expect(budgets.sort((a, b) => a - b)).toEqual(expected.map((r) => r.budgetKrw).sort((a, b) => a - b));
  });

  it('the chart as PNG and as SVG', async () => {
    const png = await download('그림(PNG)');
    expect([...png.bytes.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    expect(png.bytes.length).toBeGreaterThan(1000);
    const svg = await download('그림(SVG)');
    const text = svg.bytes.toString('utf8');
    expect(text).toMatch(/^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(text).toContain('가양2동');
  });

  it('prints landscape with the title, the filters and the as-of time, without tabs or buttons', async () => {
    const { page } = browser;
    await page.emulateMedia({ media: 'print' });
    try {
      expect(await page.getByRole('tablist').isVisible()).toBe(false);
      expect(await page.getByRole('button', { name: 'CSV 내려받기' }).first().isVisible()).toBe(false);
      expect(await page.getByRole('heading', { name: '자치 장부' }).first().isVisible()).toBe(true);
      expect(await page.getByTestId('as-of').first().isVisible()).toBe(true);
      expect(await page.getByRole('form', { name: '비교' }).getByLabel('동', { exact: true }).isVisible()).toBe(true);
      const pdf = await page.pdf({ preferCSSPageSize: true, printBackground: true });
      expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
      // A4 landscape: the first page's box is wider than tall.
      const box = /\/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]/.exec(pdf.toString('latin1'));
      expect(Number(box![1])).toBeGreaterThan(Number(box![2]));
    } finally {
      await page.emulateMedia({ media: 'screen' });
    }
  });
});
