// End to end: the built task pane (dist/addin) served by the real service (real store on a temp
// DuckDB file), in Chromium, inside a fake Excel (fake-office.ts) that stands in for office.js.
// An official signs in, inserts the templates, types rows, syncs, fixes a refused cell, settles a
// conflict with another client and deletes a row.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kinds, sheets } from '../../domain/sheets.ts';
import { batch, type TestService } from '../support/service.ts';
import type { FakeWorkbookApi } from './fake-office.ts';
import { openExcelPane, signInExcel, workbookOf, type ExcelPane } from './demo-pane.ts';
import { describeViolations, runAxe, screenshot, type BrowserSession, type TestServer } from './harness.ts';

describe('sync in a fake Excel against the real service', () => {
  let svc: TestService;
  let server: TestServer;
  let browser: BrowserSession;
  let pane: ExcelPane;
  const wb = <T>(fn: (w: FakeWorkbookApi, arg: never) => T, arg?: unknown): Promise<T> => workbookOf(browser.page)(fn, arg);
  const serverRows = async () =>
    (await svc.json('GET', '/api/rows/spending', 'dong')).body.rows as { rowId: string; revision: number; deleted: boolean; values: Record<string, unknown> }[];
  const syncNow = async () => {
    const { page } = browser;
    await page
      .locator('#panel-sync[aria-busy="true"]')
      .waitFor({ state: 'detached' })
      .catch(() => undefined);
    await page.getByRole('button', { name: '동기화', exact: true }).click();
    await page.locator('#panel-sync:not([aria-busy])').waitFor();
    await page.getByRole('status').filter({ hasText: '예산집행: 읽은 행' }).first().waitFor();
  };

  beforeAll(async () => {
    pane = await openExcelPane();
    ({ svc, server, browser } = pane);
  });

  afterAll(async () => {
    await pane?.close();
  });

  it('signs in with a dong token and opens the sync view inside Excel', async () => {
    const { page } = browser;
    await signInExcel(page, server.url, svc.tokens.dong);
    await page.getByRole('button', { name: '서식 표 넣기' }).waitFor();
  });

  it('inserts a template table per kind with a hidden 행ID column', async () => {
    const { page } = browser;
    await page.getByRole('button', { name: '서식 표 넣기' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: `표 ${kinds.length}개를 만들었습니다.` })
      .waitFor();
    expect(await wb((w) => w.tableNames())).toEqual(kinds.map((kind) => sheets[kind].table));
    const t = await wb((w) => w.table('JachiSpending'));
    expect(t?.header).toEqual([
      '행ID',
      '동',
      '단계',
      '회계연도',
      '비목',
      '세부내역',
      '재원',
      '예산액(원)',
      '집행액(원)',
      '이월액(원)',
      '반납액(원)',
      '집행일',
      '관련 의제',
      '비고',
    ]);
    expect(t?.hidden).toEqual([0]);
  });

  it('syncs typed rows: messy cells read as the import does, ids written back, the bad cell marked', async () => {
    const { page } = browser;
    await wb((w) =>
      w.typeRows('JachiSpending', [
        ['', '가양2동', 1, 2019, '자치지원관 인건비', '자치지원관 보수', '특교금', '40,000,000', '39,000,000', '', '', '2019-12-20', '', ''],
        ['', ' 가양2동 ', '1단계', '2019', '주민자치학교 운영비', '강사료', '시비', 12000000, '１１,５００,０００', '', '', '2019.6.30', '', ''],
        ['', '가양2동', 1, 2019, '홍보비', '현수막', '시비', 5000000, '', '', '', '', '', ''],
      ]),
    );
    await syncNow();
    const rows = await serverRows();
    expect(rows).toHaveLength(2);
    // Each row remembers the workbook it came from (for drill-downs: who, when, from which file).
    const stored = (await svc.json('GET', '/api/rows/spending?since=0', 'dong')).body.rows;
    expect(new Set(stored.map((r: { source: string }) => r.source))).toEqual(new Set(['가양2동 2019 예산집행.xlsx']));
    const byItem = new Map(rows.map((r) => [r.values.item, r]));
    expect(byItem.get('자치지원관 보수')?.values).toMatchObject({
      dong: '30110-gayang2',
      budgetKrw: 40_000_000,
      executedKrw: 39_000_000,
      fundingSource: '특별교부세',
      executedOn: '2019-12-20',
    });
    expect(byItem.get('강사료')?.values).toMatchObject({ phase: 1, fiscalYear: 2019, budgetKrw: 12_000_000, executedKrw: 11_500_000, executedOn: '2019-06-30' });

    const t = await wb((w) => w.table('JachiSpending'));
    const ids = t!.rows.map((r) => r[0]);
    for (const id of ids) expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(new Set(rows.map((r) => r.rowId))).toEqual(new Set(ids.slice(0, 2)));

    const bad = await wb((w) => w.tableCell('JachiSpending', 2, 4));
    expect(bad.fill).toBe('#F8D7DA');
    expect(bad.note).toMatch(/^\[자치 장부\] .*비목/);
    const list = page.getByTestId('refused');
    await list.getByRole('button').first().waitFor();
    expect(await list.getByRole('button').count()).toBe(1);
    expect(await list.getByRole('button').first().textContent()).toContain('예산집행 E4');
    expect(await page.getByTestId('progress-text').textContent()).toMatch(/읽은 행 3 · 보낸 행 2 · 받아들여진 행 2/);
  });

  it('selects the refused cell when its entry is clicked (and by keyboard)', async () => {
    const { page } = browser;
    await page.getByTestId('refused').getByRole('button').first().click();
    await expect.poll(() => wb((w) => w.selection())).toEqual({ sheet: '예산집행', row: 3, col: 4 });
    await wb((w) => w.select('예산집행', 0, 0));
    await page.getByTestId('refused').getByRole('button').first().focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => wb((w) => w.selection())).toEqual({ sheet: '예산집행', row: 3, col: 4 });
  });

  it('has no axe violations on the sync view', async () => {
    // Checked at rest: a pull after the change's event makes the view busy for a moment (its buttons dimmed).
    await browser.page.locator('#panel-sync:not([aria-busy])').waitFor();
    expect(describeViolations(await runAxe(browser.page))).toBe('');
    await screenshot(browser.page, 'sync-refused-1024');
  });

  it('accepts the row once the cell is fixed, and clears its mark', async () => {
    const { page } = browser;
    await wb((w) => w.setTableCell('JachiSpending', 2, 4, '자체 사업비'));
    await syncNow();
    expect(await serverRows()).toHaveLength(3);
    const fixed = await wb((w) => w.tableCell('JachiSpending', 2, 4));
    expect(fixed).toEqual({ value: '자체 사업비', fill: null, note: null });
    await page.getByText('거부된 셀이 없습니다.').waitFor();
  });

  it('shows a conflict with both values; 서버 값 받기 puts the service value in the table', async () => {
    const { page } = browser;
    const rows = await serverRows();
    const first = rows.find((r) => r.values.item === '자치지원관 보수')!;
    const other = await svc.json(
      'POST',
      '/api/sync/spending',
      'dong',
      batch([{ rowId: first.rowId, baseRevision: first.revision, values: { ...first.values, executedKrw: 39_500_000 } }]),
    );
    expect(other.body.results[0].status).toBe('accepted');
    const index = (await wb((w) => w.table('JachiSpending')))!.rows.findIndex((r) => r[0] === first.rowId);
    await wb((w, a: { index: number }) => w.setTableCell('JachiSpending', a.index, 8, 38_000_000), { index });
    await syncNow();
    const conflict = page.getByTestId('conflict');
    await conflict.waitFor();
    expect(await conflict.getByRole('heading').textContent()).toBe('예산집행 · 가양2동 · 1 · 2019 · 자치지원관 인건비 · 자치지원관 보수');
    expect(await conflict.getByTestId('mine').allTextContents()).toEqual(['38,000,000']);
    expect(await conflict.getByTestId('theirs').allTextContents()).toEqual(['39,500,000']);
    await page.waitForTimeout(300); // let Fluent's button transitions settle before measuring contrast
    expect(describeViolations(await runAxe(page))).toBe('');
    await screenshot(page, 'sync-conflict-1024');
    await conflict.getByRole('button', { name: '서버 값 받기' }).click();
    await conflict.waitFor({ state: 'detached' });
    const cell = await wb((w, a: { index: number }) => w.tableCell('JachiSpending', a.index, 8), { index });
    expect(cell.value).toBe(39_500_000);
    expect(cell.note).toBeNull();
    expect((await serverRows()).find((r) => r.rowId === first.rowId)?.values.executedKrw).toBe(39_500_000);
  });

  it('offers a row deleted from the table as a delete, and sends it only once confirmed', async () => {
    const { page } = browser;
    const t = await wb((w) => w.table('JachiSpending'));
    const gone = t!.rows[1]![0] as string;
    await wb((w) => w.deleteTableRow('JachiSpending', 1));
    await syncNow();
    const candidates = page.getByTestId('delete-candidates');
    await candidates.waitFor();
    expect(await candidates.textContent()).toContain('강사료');
    expect((await serverRows()).find((r) => r.rowId === gone)?.deleted).toBe(false);
    await page.getByRole('button', { name: '서비스에서 삭제' }).click();
    await page.getByRole('alertdialog').getByRole('button', { name: '삭제 확인' }).click();
    await candidates.waitFor({ state: 'hidden' });
    const after = await svc.json('GET', '/api/rows/spending?since=0', 'dong');
    expect(after.body.rows.find((r: { rowId: string }) => r.rowId === gone)?.deleted).toBe(true);
    await screenshot(page, 'sync-after-delete-1024');
  });

  it('keeps an edit made offline in a queue and sends it by itself once back online', async () => {
    const { page } = browser;
    const rows = await serverRows();
    const live = rows.find((r) => !r.deleted && r.values.item === '자치지원관 보수')!;
    const index = (await wb((w) => w.table('JachiSpending')))!.rows.findIndex((r) => r[0] === live.rowId);
    await page.context().setOffline(true);
    await wb((w, a: { index: number }) => w.setTableCell('JachiSpending', a.index, 8, 37_000_000), { index });
    await page.getByRole('button', { name: '동기화', exact: true }).click();
    await page.getByTestId('pending').waitFor();
    expect((await serverRows()).find((r) => r.rowId === live.rowId)?.values.executedKrw).toBe(live.values.executedKrw);
    await page.context().setOffline(false);
    await expect.poll(async () => (await serverRows()).find((r) => r.rowId === live.rowId)?.values.executedKrw, { timeout: 15_000 }).toBe(37_000_000);
    await page.getByTestId('pending').waitFor({ state: 'detached' });
    // The refused requests while offline are expected console noise; nothing else may be there.
    browser.errors.splice(0, browser.errors.length, ...browser.errors.filter((e) => !/ERR_INTERNET_DISCONNECTED|Failed to fetch/.test(e.text)));
  });

  it('logged no console errors', () => {
    expect(browser.errors).toEqual([]);
  });
});
