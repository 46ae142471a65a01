// End to end with the fixture workbooks (../shared/fixtures, described in its README): each sheet is
// put into the fake Excel as Excel holds the opened file (values with dates as serials, number
// formats, error cells, merged areas, the title rows above the header), then an official selects a
// data cell, adopts the range (표 가져오기), confirms the mapping and syncs. Every row must end as the
// README says: accepted rows reach the service with the right values, refused rows are marked on
// their cell with a Korean note and listed, blank and total rows are skipped and not sent.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import '../../service/workbook/exceljs-utf8.ts';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startService, type TestService } from '../support/service.ts';
import { installFake, type FakeWorkbookApi } from './fake-office.ts';
import { workbookOf } from './demo-pane.ts';
import { addinDist, openBrowser, type BrowserSession, type TestServer, startServer } from './harness.ts';

const dist = process.env.JACHI_ADDIN_DIST ?? addinDist;
const built = existsSync(join(dist, 'taskpane.html'));
const fixtures = resolve(process.cwd(), '..', 'shared', 'fixtures');

type Fake = { __fakeWorkbook: FakeWorkbookApi };
type ServerRow = { rowId: string; revision: number; deleted: boolean; values: Record<string, unknown> };

interface SheetSetup {
  name: string;
  values: unknown[][];
  formats: string[][];
  types: (string | null)[][];
  merges: string[];
}

/** Excel's serial of a date as exceljs reads it (a UTC midnight), in the 1900 system. */
const serial = (d: Date) => d.getTime() / 86_400_000 + 25_569;

/** A sheet of a fixture as Office.js would give it: the top-left cell of a merge holds the value. */
async function loadFixture(file: string): Promise<SheetSetup> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(join(fixtures, file));
  const ws = wb.worksheets[0]!;
  const values: unknown[][] = [];
  const formats: string[][] = [];
  const types: (string | null)[][] = [];
  for (let r = 1; r <= ws.rowCount; r++) {
    const row = ws.getRow(r);
    values.push([]);
    formats.push([]);
    types.push([]);
    for (let c = 1; c <= ws.columnCount; c++) {
      const cell = row.getCell(c);
      const hidden = cell.isMerged && cell.master.address !== cell.address;
      let v: unknown = hidden ? null : cell.value;
      let type: string | null = null;
      if (v && typeof v === 'object' && 'result' in v) v = (v as { result: unknown }).result;
      if (v && typeof v === 'object' && 'richText' in v) v = (v as { richText: { text: string }[] }).richText.map((x) => x.text).join('');
      if (v && typeof v === 'object' && 'error' in v) {
        v = (v as { error: string }).error;
        type = 'Error';
      }
      if (v instanceof Date) v = serial(v);
      values[r - 1]!.push(v ?? '');
      formats[r - 1]!.push(cell.numFmt || 'General');
      types[r - 1]!.push(type);
    }
  }
  return { name: ws.name, values, formats, types, merges: [...((ws.model as { merges?: string[] }).merges ?? [])] };
}

type Outcome = { row: number; accepted: Record<string, unknown> } | { row: number; rejected: string } | { row: number; skipped: 'blank' | 'total' };

interface Case {
  file: string;
  kind: 'spending' | 'participation' | 'progress';
  sheet: string;
  /** The data cell the official selects (the sheet's own row and column letter). */
  select: string;
  headerRow: number;
  outcomes: Outcome[];
  /** Checks on the confirmation before adopting. */
  confirm: (text: string) => void;
}

const spending = (over: Record<string, unknown>) => ({ dong: '30110-gayang2', phase: 1, fiscalYear: 2019, fundingSource: '특별교부세', ...over });

const cases: Case[] = [
  {
    file: 'gayang2-2019-spending.xlsx',
    kind: 'spending',
    sheet: '2019 집행현황',
    select: 'F7',
    headerRow: 4,
    confirm: (text) => {
      expect(text).toContain('4행을 머리글로');
      expect(text).toContain('단위(천원)');
    },
    outcomes: [
      { row: 5, accepted: spending({ category: '자치지원관 인건비', budgetKrw: 40_000_000, executedKrw: 40_000_000, executedOn: '2019-12-20' }) },
      { row: 6, accepted: spending({ category: '간사 인건비', budgetKrw: 12_000_000, executedKrw: 11_500_000, executedOn: '2019-12-20' }) },
      { row: 7, accepted: spending({ category: '주민자치학교 운영비', budgetKrw: 20_000_000, executedKrw: 18_250_000, executedOn: '2019-06-30' }) },
      { row: 8, accepted: spending({ category: '사무공간 조성비', budgetKrw: 30_000_000, executedKrw: 29_870_000, executedOn: '2019-04-15' }) },
      { row: 9, accepted: spending({ category: '자체 사업비', budgetKrw: 54_000_000, executedKrw: null, executedOn: null }) },
      { row: 10, skipped: 'blank' },
      { row: 11, skipped: 'total' },
      { row: 12, rejected: 'I' },
      { row: 13, rejected: 'E' },
      { row: 14, rejected: 'I' },
    ],
  },
  {
    file: 'galma1-participation.xlsx',
    kind: 'participation',
    sheet: '주민참여',
    select: 'C3',
    headerRow: 1,
    confirm: () => undefined,
    outcomes: [
      { row: 2, accepted: { dong: '30170-galma1', phase: 1, date: '2019-06-04', activity: '주민자치회 회의', participants: 120, newParticipants: 120, online: false } },
      { row: 3, accepted: { phase: 1, date: '2019-09-01', activity: '주민자치학교', participants: 62, newParticipants: 40, online: false } },
      { row: 4, accepted: { phase: 1, date: '2019-11-16', activity: '주민총회', participants: 400, newParticipants: null, voters: 387, online: true } },
      { row: 5, accepted: { phase: 2, date: '2020-10-24', activity: '주민총회', participants: 350, newParticipants: 90, voters: 1210, online: true } },
      { row: 6, rejected: 'G' },
      { row: 7, rejected: 'C' },
    ],
  },
  {
    file: 'yuseong-progress.xlsx',
    kind: 'progress',
    sheet: '추진현황',
    select: 'C3',
    headerRow: 1,
    confirm: (text) => {
      expect(text).toContain('병합된 셀(A2:A4)');
      expect(text).toContain('모든 행에 채웁니다');
    },
    outcomes: [
      {
        row: 2,
        accepted: { dong: '30200-wonsinheung', phase: 1, milestone: '주민자치회 발대식', plannedOn: '2019-05-01', completedOn: '2019-05-01', status: '완료', progressPct: 100 },
      },
      { row: 3, accepted: { dong: '30200-wonsinheung', milestone: '주민총회 개최', plannedOn: '2019-07-31', completedOn: '2019-07-25', status: '완료', progressPct: 100 } },
      { row: 4, accepted: { dong: '30200-wonsinheung', milestone: '자치계획 실행', plannedOn: '2019-12-31', completedOn: null, status: '진행중', progressPct: 60 } },
      { row: 5, accepted: { dong: '30200-jinjam', completedOn: '2019-08-05', status: '완료' } },
      { row: 6, accepted: { dong: '30200-oncheon1', completedOn: '2019-08-06', progressPct: 100 } },
      { row: 7, rejected: 'E|F' },
    ],
  },
];

const letterIndex = (letters: string) => [...letters].reduce((n, ch) => n * 26 + ch.charCodeAt(0) - 64, 0) - 1;

describe('the fixture workbooks: adopt and sync in a fake Excel against the real service', () => {
  let svc: TestService;
  let server: TestServer;
  const tokens = new Map<string, string>();

  beforeAll(async () => {
    if (!built) throw new Error(`${dist} is missing: run \`npm run build\` first (npm test does)`);
    if (!existsSync(fixtures)) throw new Error(`${fixtures} is missing: the shared fixtures sit beside the repository`);
    svc = await startService({ staticDir: dist });
    server = await startServer(svc.app.fetch);
    // A token per fixture that may write exactly its dongs.
    tokens.set('gayang2-2019-spending.xlsx', svc.tokens.dong);
    tokens.set('galma1-participation.xlsx', svc.tokens.otherDong);
    tokens.set('yuseong-progress.xlsx', (await svc.store.createToken({ role: 'district', district: '유성구', name: '유성구 담당' })).token);
  });

  afterAll(async () => {
    await server?.close();
    svc?.close();
  });

  for (const c of cases) {
    it(`${c.file}: every row ends as the fixtures README says`, async () => {
      const setup = await loadFixture(c.file);
      expect(setup.name).toBe(c.sheet);
      const token = tokens.get(c.file)!;
      const browser: BrowserSession = await openBrowser({ viewport: { width: 1024, height: 900 } });
      try {
        const { page } = browser;
        const wb = workbookOf(page);
        await installFake(page);
        await page.goto(`${server.url}/taskpane.html`);
        await page.getByLabel('토큰').fill(token);
        await page.getByRole('button', { name: '로그인' }).click();
        await page.getByText('Excel에 연결되었습니다.').waitFor();

        // The workbook as opened in Excel; the official selects a cell of the data.
        await wb((w, a: SheetSetup) => w.loadSheet(a.name, a), setup);
        const at = /^([A-Z]+)(\d+)$/.exec(c.select)!;
        await wb((w, a: { sheet: string; row: number; col: number }) => w.select(a.sheet, a.row, a.col), { sheet: c.sheet, row: Number(at[2]) - 1, col: letterIndex(at[1]!) });

        // 표 가져오기: the mapping is shown; nothing changes before it is confirmed.
        await page.locator('#panel-sync:not([aria-busy])').waitFor();
        await page.getByRole('button', { name: '기존 표 가져오기' }).click();
        const group = page.getByRole('group', { name: '머리글 대응 확인' });
        await Promise.race([
          group.waitFor(),
          page
            .getByRole('alert')
            .waitFor()
            .then(async () => expect.fail(`adopt refused: ${await page.getByRole('alert').textContent()}`)),
        ]);
        const text = (await group.textContent()) ?? '';
        expect(text).toContain(`${c.sheet} 시트 ${c.headerRow}행을 머리글로 읽었습니다.`);
        c.confirm(text);
        expect(await wb((w) => w.tableNames())).toEqual([]);
        expect(await wb((w, a: string) => w.merges(a), c.sheet)).toEqual(setup.merges);
        await group.getByRole('button', { name: '이대로 가져오기' }).click();
        await page.getByRole('status').filter({ hasText: '표로 가져왔습니다' }).waitFor();

        const names = await wb((w) => w.tableNames());
        expect(names).toHaveLength(1);
        const before = (await wb((w, a: string) => w.table(a), names[0]))!;
        // The table starts at the header row, with the hidden 행ID first; the title rows stay above it.
        expect(before.top).toBe(c.headerRow - 1);
        expect(before.header[0]).toBe('행ID');
        expect(before.hidden).toEqual([0]);
        expect(before.rows).toHaveLength(setup.values.length - c.headerRow);
        // Merged cells below the header are gone, their value in every row they spanned; a merged title stays.
        const merges = await wb((w, a: string) => w.merges(a), c.sheet);
        expect(merges).toEqual(setup.merges.filter((m) => Number(/\d+$/.exec(m)![0]) < c.headerRow));
        if (c.file.startsWith('yuseong')) expect(before.rows.slice(0, 3).map((r) => r[1])).toEqual(['원신흥동', '원신흥동', '원신흥동']);

        // 동기화.
        await page.getByRole('button', { name: '동기화', exact: true }).click();
        await page.locator('#panel-sync:not([aria-busy])').waitFor();
        await page.getByRole('status').filter({ hasText: '읽은 행' }).first().waitFor();

        const res = await svc.app.request(`/api/rows/${c.kind}?since=0`, { headers: { authorization: `Bearer ${token}` } });
        const server_ = ((await res.json()) as { rows: ServerRow[] }).rows.filter((r) => !r.deleted);
        const after = (await wb((w, a: string) => w.table(a), names[0]))!;
        const dataRow = (sheetRow: number) => sheetRow - c.headerRow - 1;
        const refusedList = page.getByTestId('refused');
        const refusedTexts = (await refusedList.count()) > 0 ? await refusedList.getByRole('button').allTextContents() : [];
        const skippedTexts = (await page.getByTestId('skipped').count()) > 0 ? await page.getByTestId('skipped').locator('li').allTextContents() : [];

        const accepted = c.outcomes.filter((o): o is Extract<Outcome, { accepted: unknown }> => 'accepted' in o);
        expect(server_).toHaveLength(accepted.length);
        for (const o of c.outcomes) {
          const row = after.rows[dataRow(o.row)]!;
          const id = row[0];
          if ('accepted' in o) {
            expect(id, `row ${o.row} has a row id`).toMatch(/^[0-9a-f-]{36}$/);
            const onServer = server_.find((r) => r.rowId === id);
            expect(onServer?.values, `row ${o.row}`).toMatchObject(o.accepted);
            for (let j = 0; j < after.header.length; j++) {
              const cell = await wb((w, a: { t: string; r: number; j: number }) => w.tableCell(a.t, a.r, a.j), { t: names[0], r: dataRow(o.row), j });
              if (cell.fill !== '#FFF3CD') expect(cell.fill, `row ${o.row} column ${j} is not marked`).toBeNull();
            }
          } else if ('rejected' in o) {
            expect(server_.some((r) => r.rowId === id)).toBe(false);
            // The cell that held the refused value (its letter in the file; one column right of it
            // now that the hidden 행ID is the table's first column).
            const letters = o.rejected.split('|');
            const marked = [];
            for (const l of letters) {
              const j = letterIndex(l) - before.left + 1;
              expect(after.header[j]).toBe(setup.values[c.headerRow - 1]![letterIndex(l)]);
              const cell = await wb((w, a: { t: string; r: number; j: number }) => w.tableCell(a.t, a.r, a.j), { t: names[0], r: dataRow(o.row), j });
              if (cell.fill === '#F8D7DA') marked.push({ l, j, cell });
            }
            expect(marked.length, `row ${o.row} is marked at ${o.rejected}`).toBeGreaterThan(0);
            for (const m of marked) {
              expect(m.cell.note).toMatch(/^\[자치 장부\] .*[가-힣]/s);
              const address = `${String.fromCharCode(65 + before.left + m.j)}${o.row}`;
              expect(
                refusedTexts.some((t) => t.includes(address)),
                `${address} listed in ${refusedTexts.join(' / ')}`,
              ).toBe(true);
            }
          } else {
            expect(id).toBe('');
            expect(
              skippedTexts.some((t) => t.includes(`${o.row}행: ${o.skipped === 'blank' ? '빈 행' : '합계'}`)),
              `row ${o.row} listed as skipped in ${skippedTexts.join(' / ')}`,
            ).toBe(true);
          }
        }
        const rejected = c.outcomes.filter((o) => 'rejected' in o).length;
        expect(refusedTexts).toHaveLength(rejected);
        expect(skippedTexts).toHaveLength(c.outcomes.filter((o) => 'skipped' in o).length);
        if (c.kind === 'spending') expect(server_.reduce((sum, r) => sum + Number(r.values.budgetKrw), 0)).toBe(156_000_000);

        // 동기화 again: the table's remembered unit (천원) still applies, so nothing changed and nothing is sent;
        // the refused rows stay refused (by the normaliser, before sending) and listed.
        await page.getByRole('button', { name: '동기화', exact: true }).click();
        await page.locator('#panel-sync:not([aria-busy])').waitFor();
        await expect
          .poll(() => page.getByTestId('progress-text').textContent())
          .toBe(`읽은 행 ${c.outcomes.length - c.outcomes.filter((o) => 'skipped' in o).length} · 보낸 행 0 · 받아들여진 행 0`);
        expect(await page.getByTestId('refused').getByRole('button').count()).toBe(rejected);
        const again = await svc.app.request(`/api/rows/${c.kind}?since=0`, { headers: { authorization: `Bearer ${token}` } });
        const rowsAgain = ((await again.json()) as { rows: ServerRow[] }).rows;
        expect(rowsAgain.map((r) => [r.rowId, r.revision]).sort()).toEqual(server_.map((r) => [r.rowId, r.revision]).sort());
        expect(browser.errors).toEqual([]);
      } finally {
        await browser.close();
      }
    });
  }
});

describe('adopting merged cells where Excel cannot tell them (before ExcelApi 1.13)', () => {
  it('says so in Korean in the confirmation, and explains what to do when Excel refuses the table', async () => {
    if (!built) throw new Error(`${dist} is missing: run \`npm run build\` first (npm test does)`);
    const svc = await startService({ staticDir: dist });
    const server = await startServer(svc.app.fetch);
    const browser = await openBrowser({ viewport: { width: 1024, height: 900 } });
    try {
      const { page } = browser;
      const setup = await loadFixture('yuseong-progress.xlsx');
      await installFake(page, { apiMinor: 12 });
      await page.goto(`${server.url}/taskpane.html`);
      await page.getByLabel('토큰').fill(svc.tokens.admin);
      await page.getByRole('button', { name: '로그인' }).click();
      await page.getByText('Excel에 연결되었습니다.').waitFor();
      await page.evaluate((a) => {
        const w = (window as unknown as Fake).__fakeWorkbook;
        w.loadSheet(a.name, a);
        w.select(a.name, 2, 2);
      }, setup);
      await page.locator('#panel-sync:not([aria-busy])').waitFor();
      await page.getByRole('button', { name: '기존 표 가져오기' }).click();
      const group = page.getByRole('group', { name: '머리글 대응 확인' });
      await group.waitFor();
      expect(await group.getByTestId('adopt-merges').textContent()).toContain('병합된 셀을 확인할 수 없습니다(ExcelApi 1.13 필요)');
      await group.getByRole('button', { name: '이대로 가져오기' }).click();
      await expect.poll(() => page.getByRole('alert').textContent()).toContain('병합을 해제하고 병합되었던 값을 각 행에 채운 뒤 다시 가져오세요');
      expect(await page.evaluate(() => (window as unknown as Fake).__fakeWorkbook.tableNames())).toEqual([]);
      expect(await page.evaluate(() => (window as unknown as Fake).__fakeWorkbook.merges('추진현황'))).toEqual(['A2:A4']);
    } finally {
      await browser.close();
      await server.close();
      svc.close();
    }
  });
});
