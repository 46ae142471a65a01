import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { batch, startService, type TestService } from '../support/service.ts';

const fixtures = resolve(import.meta.dirname, '../../../shared/fixtures');
const fixture = (name: string) => readFileSync(join(fixtures, name));

let svc: TestService;
beforeAll(async () => {
  svc = await startService();
});
afterAll(() => svc.close());

const upload = (token: 'dong' | 'otherDong' | 'admin' | 'analyst', name: string, fields: Record<string, string> = {}) => {
  const form = new FormData();
  form.set('file', new File([fixture(name)], name));
  for (const [k, v] of Object.entries(fields)) form.set(k, v);
  return svc.app.request('/api/import', { method: 'POST', body: form, headers: { authorization: `Bearer ${svc.tokens[token]}` } });
};

describe('POST /api/import', () => {
  it('dry-runs a workbook into the report without writing', async () => {
    const before = svc.store.revision;
    const res = await upload('dong', 'gayang2-2019-spending.xlsx', { dryRun: 'true' });
    expect(res.status).toBe(200);
    const report = (await res.json()) as any;
    expect(report.file).toBe('gayang2-2019-spending.xlsx');
    const [sheet] = report.sheets;
    expect(sheet).toMatchObject({ sheet: '2019 집행현황', kind: 'spending' });
    expect(sheet.header.row).toBe(4);
    expect(sheet.rows.map((r: any) => r.row)).toEqual([5, 6, 7, 8, 9]);
    expect(sheet.rejected.map((r: any) => `${r.column}${r.row}`)).toEqual(['I12', 'E13', 'I14']);
    // In the sheet's own terms: its header, and -500 as the 천원 cell shows it (not -500,000 won).
    expect(sheet.rejected[0].message.ko).toBe('집행액: 음수일 수 없습니다 (-500).');
    expect(svc.store.revision).toBe(before);
  });

  it('stores the accepted rows with the workbook as their source; a second import changes nothing', async () => {
    const first = (await (await upload('dong', 'gayang2-2019-spending.xlsx')).json()) as any;
    expect(first.sheets[0].rows).toHaveLength(5);
    const revision = svc.store.revision;
    const pulled = (await svc.json('GET', '/api/rows/spending?since=0', 'dong')).body.rows;
    expect(pulled).toHaveLength(5);
    expect(pulled.reduce((n: number, r: any) => n + r.values.budgetKrw, 0)).toBe(156_000_000);
    expect(new Set(pulled.map((r: any) => r.source))).toEqual(new Set(['gayang2-2019-spending.xlsx']));
    const second = (await (await upload('dong', 'gayang2-2019-spending.xlsx')).json()) as any;
    expect(second.sheets[0].rows.map((r: any) => r.rowId)).toEqual(first.sheets[0].rows.map((r: any) => r.rowId));
    expect(svc.store.revision).toBe(revision);
  });

  it('does not overwrite a row someone changed after the import: it is reported as a conflict', async () => {
    const rows = (await svc.json('GET', '/api/rows/spending?since=0', 'dong')).body.rows;
    const target = rows.find((r: any) => r.values.category === '자체 사업비');
    const edit = await svc.json(
      'POST',
      '/api/sync/spending',
      'dong',
      batch([{ rowId: target.rowId, baseRevision: target.revision, values: { ...target.values, executedKrw: 50_000_000 } }]),
    );
    expect(edit.body.results[0].status).toBe('accepted');
    const again = (await (await upload('dong', 'gayang2-2019-spending.xlsx')).json()) as any;
    const conflict = again.sheets[0].rejected.find((r: any) => r.code === 'conflict');
    expect(conflict).toMatchObject({ row: 9, field: 'rowId' });
    expect(conflict.message.ko).toContain('덮어쓰지 않았습니다');
    const now = (await svc.json('GET', '/api/rows/spending?since=0', 'dong')).body.rows.find((r: any) => r.rowId === target.rowId);
    expect(now.values.executedKrw).toBe(50_000_000);
  });

  it('applies the token’s scope to every imported row', async () => {
    const report = (await (await upload('otherDong', 'gayang2-2019-spending.xlsx')).json()) as any;
    const sheet = report.sheets[0];
    expect(sheet.rows).toHaveLength(0);
    expect(sheet.rejected.filter((r: any) => r.code === 'forbidden_dong').map((r: any) => `${r.column}${r.row}`)).toEqual(['B5', 'B6', 'B7', 'B8', 'B9']);
    expect((await upload('analyst', 'gayang2-2019-spending.xlsx')).status).toBe(403);
  });

  it('dry-runs with the same scope and conflict checks as the real import', async () => {
    const before = svc.store.revision;
    const report = (await (await upload('otherDong', 'gayang2-2019-spending.xlsx', { dryRun: 'true' })).json()) as any;
    expect(report.sheets[0].rows).toHaveLength(0);
    expect(report.sheets[0].rejected.filter((r: any) => r.code === 'forbidden_dong')).toHaveLength(5);
    const mine = (await (await upload('dong', 'gayang2-2019-spending.xlsx', { dryRun: 'true' })).json()) as any;
    expect(mine.sheets[0].rejected.filter((r: any) => r.code === 'conflict').map((r: any) => r.row)).toEqual([9]);
    expect(svc.store.revision).toBe(before);
  });

  it('never lets a workbook of the same name from another writer overwrite rows', async () => {
    // The district (대덕구) and a 송촌동 official both keep a file called book.xlsx.
    const ExcelJS = (await import('exceljs')).default;
    const book = async (executed: number) => {
      const wb = new ExcelJS.Workbook();
      const ws = wb.addWorksheet('예산집행');
      ws.addRow(['동', '단계', '회계연도', '비목', '세부내역', '예산액(원)', '집행액(원)']);
      ws.addRow(['송촌동', 1, 2019, '간사 인건비', '간사 보수', 12_000_000, executed]);
      return (await wb.xlsx.writeBuffer()) as ArrayBuffer;
    };
    const send = async (token: 'district' | 'admin', bytes: ArrayBuffer) => {
      const form = new FormData();
      form.set('file', new File([bytes], 'book.xlsx'));
      return (await (await svc.app.request('/api/import', { method: 'POST', body: form, headers: { authorization: `Bearer ${svc.tokens[token]}` } })).json()) as any;
    };
    const first = await send('district', await book(11_000_000));
    expect(first.sheets[0].rows).toHaveLength(1);
    const corrected = await send('district', await book(11_500_000));
    expect(corrected.sheets[0].rows).toHaveLength(1);
    const other = await send('admin', await book(1));
    expect(other.sheets[0].rejected.map((r: any) => r.code)).toEqual(['conflict']);
    const rows = (await svc.json('GET', '/api/rows/spending?since=0', 'district')).body.rows.filter((r: any) => r.values.item === '간사 보수');
    expect(rows.map((r: any) => [r.values.executedKrw, r.updatedBy])).toEqual([[11_500_000, '대덕구 담당']]);
  });

  it('refuses what is neither an .xlsx workbook nor a .csv, in Korean', async () => {
    const form = new FormData();
    form.set('file', new File(['동,단계\n'], 'x.pdf'));
    const res = await svc.app.request('/api/import', { method: 'POST', body: form, headers: { authorization: `Bearer ${svc.tokens.admin}` } });
    expect(res.status).toBe(400);
    expect(((await res.json()) as any).error.message.ko).toContain('.xlsx');
  });
});

describe('jachi import (command line)', () => {
  const jachi = (...args: string[]) => execFileSync(process.execPath, ['bin/jachi.mjs', ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

  it('prints the report as JSON with the sheet’s own rows and column letters, and imports once', () => {
    const db = join(svc.dir, 'cli-import.duckdb');
    const file = join(fixtures, 'yuseong-progress.xlsx');
    const dry = JSON.parse(jachi('import', file, '--dry-run', '--json', '--db', db));
    expect(dry.sheets[0].rows.map((r: any) => r.row)).toEqual([2, 3, 4, 5, 6]);
    expect(dry.sheets[0].rejected[0]).toMatchObject({ row: 7, code: 'done_without_date' });
    expect(dry.sheets[0].rejected[0].message.ko).toMatch(/완료일/);
    const real = JSON.parse(jachi('import', file, '--json', '--db', db));
    expect(real.sheets[0].rows.map((r: any) => r.rowId)).toEqual(dry.sheets[0].rows.map((r: any) => r.rowId));
    const text = jachi('import', file, '--db', db);
    expect(text).toContain('가져옴 5');
    expect(text).toContain('거부 1');
  });
});

describe('the import report carries the store’s warnings', () => {
  it('a year over its allocation is warned at each line’s 예산액 cell, the rows kept', async () => {
    const own = await startService();
    try {
      // 가양2동 already keeps a 100-million line for 2019; the workbook adds its 156 million.
      const first = await own.json(
        'POST',
        '/api/sync/spending',
        'dong',
        batch([{ values: { dong: '가양2동', phase: 1, fiscalYear: 2019, category: '기타', item: '이미 있는 줄', budgetKrw: 100_000_000 } }]),
      );
      expect(first.body.results[0].status).toBe('accepted');
      const form = new FormData();
      form.set('file', new File([fixture('gayang2-2019-spending.xlsx')], 'gayang2-2019-spending.xlsx'));
      form.set('dryRun', 'true');
      const res = await own.app.request('/api/import', { method: 'POST', body: form, headers: { authorization: `Bearer ${own.tokens.dong}` } });
      const [sheet] = ((await res.json()) as any).sheets;
      expect(sheet.rows.map((r: any) => r.row)).toEqual([5, 6, 7, 8, 9]);
      const budgetColumn = sheet.header.columns.find((c: any) => c.field === 'budgetKrw').column;
      const over = sheet.warnings.filter((w: any) => w.code === 'over_allocation');
      expect(over.map((w: any) => `${w.column}${w.row}`)).toEqual([5, 6, 7, 8, 9].map((r) => `${budgetColumn}${r}`));
      expect(over[0].message.ko).toBe('예산액(원): 가양2동 2019 예산 합계 256백만원이 배정액 156백만원을 넘습니다.');
    } finally {
      own.close();
    }
  });
});
