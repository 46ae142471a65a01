import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import '../../service/workbook/exceljs-utf8.ts';
import ExcelJS from 'exceljs';
import { ReferenceIndex, daejeonReference } from '../../domain/index.ts';
import { streamWorkbook } from '../../service/workbook/index.ts';

const dir = mkdtempSync(join(tmpdir(), 'jachi-utf8-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const ref = new ReferenceIndex(daejeonReference);

/** A sheet large enough that its zipped XML reaches the reader in many chunks, all Korean text. */
async function write(file: string, useSharedStrings: boolean, rows: number) {
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: file, useSharedStrings });
  const ws = wb.addWorksheet('예산집행');
  ws.addRow(['동', '단계', '회계연도', '비목', '세부내역', '재원', '예산액(원)', '집행액(원)', '집행일', '비고']).commit();
  for (let i = 0; i < rows; i++) {
    ws.addRow([
      '가양2동',
      1,
      2019,
      '주민자치학교 운영비',
      `세부내역 ${i} 주민자치학교 강사료와 교재`,
      i % 2 ? '구비' : '시비',
      1000 + i,
      900,
      null,
      `비고 ${i}: 한글 설명`,
    ]).commit();
  }
  ws.commit();
  await wb.commit();
}

describe('the streaming reader keeps Korean text whole across chunk boundaries', () => {
  it.each([
    ['shared strings', true],
    ['inline strings', false],
  ])('%s', async (_, shared) => {
    const file = join(dir, `${shared ? 'shared' : 'inline'}.xlsx`);
    const rows = 20_000;
    await write(file, shared, rows);
    const report = await streamWorkbook(file, { ref, kind: 'spending' });
    const [sheet] = report.sheets;
    expect(sheet!.rejected).toEqual([]);
    expect(sheet!.rows).toHaveLength(rows);
    const garbled = sheet!.rows.filter((r) => JSON.stringify(r.values).includes('\uFFFD'));
    expect(garbled).toEqual([]);
    expect(sheet!.rows[12_345]!.values).toMatchObject({ item: '세부내역 12345 주민자치학교 강사료와 교재', fundingSource: '구비', note: '비고 12345: 한글 설명' });
  });
});
