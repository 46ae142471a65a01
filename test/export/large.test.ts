import { join } from 'node:path';
import '../../service/workbook/exceljs-utf8.ts';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowIdHeader, sheets } from '../../domain/index.ts';
import { exportRows } from '../../service/store/export/index.ts';
import { templateMaxRows } from '../../service/store/export/xlsx.ts';
import { readWorkbook } from '../../service/workbook/index.ts';
import { startService, type TestService } from '../support/service.ts';

let svc: TestService;
let live: Set<string>;
beforeAll(async () => {
  svc = await startService();
  await svc.store.generate({ dongs: 120, years: 2, seed: 7 });
  const ids = (await svc.store.reader.runAndReadAll('SELECT rowId::VARCHAR AS id FROM spending_rows WHERE NOT deleted')).getRowObjects();
  live = new Set(ids.map((r) => String(r.id)));
});
afterAll(() => svc?.close());

describe('an xlsx export larger than the template holds', () => {
  it('is written row by row, and reads back whole: every live row once, the sheet as the template lays it out', async () => {
    expect(live.size).toBeGreaterThan(templateMaxRows);
    const out = join(svc.dir, 'country.xlsx');
    const result = await svc.store.withReader((c) => exportRows(c, 'spending', 'xlsx', out));
    expect(result.rows).toBe(live.size);

    // The import reader takes it for a spending sheet, every row of it.
    const report = await readWorkbook(out, { ref: svc.store.reference });
    const sheet = report.sheets[0]!;
    expect([sheet.sheet, sheet.kind]).toEqual([sheets.spending.sheet, 'spending']);
    expect(sheet.counts.accepted + sheet.counts.rejected).toBe(live.size);

    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(out);
    const ws = workbook.getWorksheet(sheets.spending.sheet)!;
    expect(ws.getRow(1).values).toEqual([undefined, rowIdHeader, ...sheets.spending.columns.map((c) => c.header)]);
    expect(ws.getColumn(1).hidden).toBe(true);
    const ids: string[] = [];
    ws.eachRow((row, n) => n > 1 && ids.push(String(row.getCell(1).value)));
    expect(ids).toHaveLength(live.size);
    expect(new Set(ids)).toEqual(live);
    expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    const budget = sheets.spending.columns.findIndex((c) => c.field === 'budgetKrw') + 2;
    expect(ws.getCell(2, budget).numFmt).toBe('#,##0');
  });
});
