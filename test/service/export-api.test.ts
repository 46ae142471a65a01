import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import '../../service/workbook/exceljs-utf8.ts';
import ExcelJS from 'exceljs';
import { loadDemo } from '../../service/demo.ts';
import { startService, type TestService } from '../support/service.ts';

let svc: TestService;
beforeAll(async () => {
  svc = await startService();
  await loadDemo(svc.store);
});
afterAll(() => svc.close());

describe('GET /api/export/:kind', () => {
  it('downloads the rows the token may read as an .xlsx with a Korean file name', async () => {
    const res = await svc.call('GET', '/api/export/spending?format=xlsx', 'dong');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('spreadsheetml');
    expect(decodeURIComponent(res.headers.get('content-disposition')!)).toContain('자치장부_예산집행_');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(await res.arrayBuffer());
    const ws = wb.getWorksheet('예산집행')!;
    const dongs = new Set<string>();
    ws.eachRow((row, n) => {
      if (n > 1) dongs.add(String(row.getCell(2).value));
    });
    expect([...dongs]).toEqual(['가양2동']);
  });

  it('gives CSV with a BOM to everyone who reads all rows, and refuses an unknown format', async () => {
    const res = await svc.call('GET', '/api/export/participation?format=csv', 'analyst');
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = new TextDecoder().decode(bytes).trim().split(/\r?\n/);
    expect(lines[0]).toContain('참여인원');
    expect(lines).toHaveLength(1 + (await svc.store.counts()).participation);
    const bad = await svc.json('GET', '/api/export/spending?format=pdf', 'analyst');
    expect(bad.status).toBe(400);
    expect(bad.body.error.message.ko).toContain('format');
  });
});

describe('jachi export (command line)', () => {
  it('writes csv, xlsx and partitioned parquet of the demo', async () => {
    const db = join(svc.dir, 'cli-export.duckdb');
    const jachi = (...args: string[]) => execFileSync(process.execPath, ['bin/jachi.mjs', ...args, '--db', db], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    execFileSync(process.execPath, ['bin/jachi.mjs', 'import', join(import.meta.dirname, '../../../shared/fixtures/galma1-participation.xlsx'), '--db', db]);
    expect(jachi('export', 'participation', '--format', 'csv', '--out', join(svc.dir, 'p.csv'))).toContain('4');
    expect(readFileSync(join(svc.dir, 'p.csv'), 'utf8')).toContain('갈마1동');
    jachi('export', 'participation', '--format', 'xlsx', '--out', join(svc.dir, 'p.xlsx'));
    expect(existsSync(join(svc.dir, 'p.xlsx'))).toBe(true);
    jachi('export', 'participation', '--format', 'parquet', '--partitioned', '--out', join(svc.dir, 'parts'));
    expect(readdirSync(join(svc.dir, 'parts'))).toEqual(['district=30170']);
    try {
      jachi('export', 'participation', '--format', 'csv', '--partitioned', '--out', join(svc.dir, 'x.csv'));
      expect.unreachable();
    } catch (error) {
      expect((error as { stderr: string }).stderr).toContain('parquet');
    }
  });
});
