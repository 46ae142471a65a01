// End to end, an official's own sheet: the built task pane in Chromium inside the fake Excel, against
// the real service. Last year's budget sheet of 가양2동 has a header the normaliser half knows (지출
// 구분, 내역 요약) and a 합계 row. The official maps the two columns by hand in the adopt dialog and
// sees the rows as they will be read before anything is made or sent; the sync then sends the sheet's
// two lines and writes nothing into it: the dong's 2019 line kept elsewhere is offered (and goes in
// above 합계 once taken), its 2020 lines are outside the sheet's scope and go to a new sheet on request.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { batch, spendingRow, type TestService } from '../support/service.ts';
import type { FakeWorkbookApi } from './fake-office.ts';
import { openExcelPane, signInExcel, workbookOf, type ExcelPane } from './demo-pane.ts';
import { describeViolations, keepForDocs, runAxe, screenshot, type BrowserSession, type TestServer } from './harness.ts';

/** Waits for the buttons' transitions (disabled while the pane worked) to end: axe measures contrast as shown. */
const settled = (page: Page) => page.evaluate(() => Promise.all(document.getAnimations().map((a) => a.finished.catch(() => undefined)))).then(() => page.waitForTimeout(300));

const sheet = '2019 집행';
const header = ['동', '단계', '회계연도', '지출 구분', '내역 요약', '예산액(원)', '집행액(원)'];
const lines = [
  ['가양2동', 1, 2019, '자치지원관 인건비', '자치지원관 보수', 40_000_000, 39_000_000],
  ['가양2동', 1, 2019, '주민자치학교 운영비', '강사료', 12_000_000, 11_500_000],
];
const total = ['합계', '', '', '', '', 52_000_000, 50_500_000];

describe("adopting last year's sheet in a fake Excel against the real service", () => {
  let svc: TestService;
  let server: TestServer;
  let browser: BrowserSession;
  let pane: ExcelPane;
  const wb = <T>(fn: (w: FakeWorkbookApi, arg: never) => T, arg?: unknown): Promise<T> => workbookOf(browser.page)(fn, arg);
  /** The adopted table's rows without the hidden 행ID. */
  const tableRows = async () => {
    const name = (await wb((w) => w.tableNames()))[0]!;
    return (await wb((w, a: string) => w.table(a), name))!.rows.map((r) => r.slice(1));
  };

  beforeAll(async () => {
    pane = await openExcelPane();
    ({ svc, server, browser } = pane);
    // What the dong keeps elsewhere: one more 2019 line, and two 2020 lines.
    const elsewhere = await svc.json(
      'POST',
      '/api/sync/spending',
      'dong',
      batch([
        { values: spendingRow({ category: '자체 사업비', item: '마을 축제', fundingSource: '시비', budgetKrw: 5_000_000, executedKrw: 4_000_000, executedOn: '2019-10-05' }) },
        { values: spendingRow({ phase: 2, fiscalYear: 2020, budgetKrw: 30_000_000, executedKrw: 29_000_000, executedOn: '2020-12-20' }) },
        {
          values: spendingRow({ phase: 2, fiscalYear: 2020, category: '간사 인건비', item: '간사 보수', budgetKrw: 20_000_000, executedKrw: 20_000_000, executedOn: '2020-12-20' }),
        },
      ]),
    );
    expect(elsewhere.status).toBe(200);
  });

  afterAll(async () => {
    await pane?.close();
  });

  it('maps the unknown headers by hand in the adopt dialog, with the rows shown as they will be read', async () => {
    const { page } = browser;
    await signInExcel(page, server.url, svc.tokens.dong);
    await wb((w, a: { sheet: string; values: unknown[][] }) => w.loadSheet(a.sheet, { values: a.values }), { sheet, values: [header, ...lines, total] });
    await wb((w, a: string) => w.select(a, 1, 1), sheet);
    await page.locator('#panel-sync:not([aria-busy])').waitFor();
    await page.getByRole('button', { name: '기존 표 가져오기' }).click();
    const group = page.getByRole('group', { name: '머리글 대응 확인' });
    await group.waitFor();
    // 비목 has no column yet: said so, and 이대로 가져오기 waits.
    expect(await group.getByTestId('adopt-error').textContent()).toContain('비목');
    expect(await group.getByRole('button', { name: '이대로 가져오기' }).getAttribute('aria-disabled')).toBe('true');

    await group.getByLabel('D · 지출 구분').selectOption('category');
    await page.locator('#panel-sync:not([aria-busy])').waitFor();
    await page.getByRole('group', { name: '머리글 대응 확인' }).getByLabel('E · 내역 요약').selectOption('item');
    await page.locator('#panel-sync:not([aria-busy])').waitFor();
    const mapped = page.getByRole('group', { name: '머리글 대응 확인' });
    await expect.poll(() => mapped.getByTestId('adopt-error').count()).toBe(0);
    const preview = mapped.getByTestId('adopt-preview');
    expect(await preview.locator('tbody tr').count()).toBe(2);
    expect(await preview.locator('tbody tr').first().textContent()).toContain('자치지원관 인건비');
    expect(await preview.locator('tbody tr').first().textContent()).toContain('자치지원관 보수');
    expect(await mapped.getByTestId('adopt-scope').textContent()).toContain('가양2동 · 2019년 · 1단계');
    // Nothing is made before 확인.
    expect(await wb((w) => w.tableNames())).toEqual([]);
    await settled(page);
    expect(describeViolations(await runAxe(page))).toBe('');
    keepForDocs(await screenshot(page, 'adopt-mapping-1024'), 'adopt-mapping-1024');

    await mapped.getByRole('button', { name: '이대로 가져오기' }).click();
    await page.getByRole('status').filter({ hasText: '표로 가져왔습니다' }).waitFor();
    expect(await tableRows()).toEqual([...lines, total]);
  });

  it('syncs the two lines and writes nothing into the sheet: the 2019 line is offered, the 2020 lines are outside it', async () => {
    const { page } = browser;
    await page.getByRole('button', { name: '동기화', exact: true }).click();
    await page.locator('#panel-sync:not([aria-busy])').waitFor();
    await page.getByRole('status').filter({ hasText: '예산집행: 읽은 행 2' }).waitFor();
    const stored = (await svc.json('GET', '/api/rows/spending?since=0', 'dong')).body.rows as { values: Record<string, unknown> }[];
    expect(
      stored
        .filter((r) => r.values.fiscalYear === 2019)
        .map((r) => r.values.item)
        .sort(),
    ).toEqual(['강사료', '마을 축제', '자치지원관 보수']);
    expect(await tableRows()).toEqual([...lines, total]);

    const offer = page.getByTestId('offers-spending');
    expect(await offer.getByTestId('offers-fit').textContent()).toContain('마을 축제');
    expect(await offer.getByTestId('offers-outside').locator('li').count()).toBe(2);
    expect(await offer.textContent()).toContain('가양2동 · 2019년 · 1단계');
    await settled(page);
    expect(describeViolations(await runAxe(page))).toBe('');
    keepForDocs(await screenshot(page, 'sync-offers-1024'), 'sync-offers-1024');
  });

  it('adds the offered 2019 line above 합계 once taken, and puts the 2020 lines on a new sheet on request', async () => {
    const { page } = browser;
    await page.getByTestId('offers-spending').getByRole('button', { name: '표에 추가' }).click();
    await page.getByRole('status').filter({ hasText: '1행을 표에 추가했습니다' }).waitFor();
    const rows = await tableRows();
    expect(rows).toEqual([...lines, ['가양2동', 1, 2019, '자체 사업비', '마을 축제', 5_000_000, 4_000_000], total]);

    await page.getByTestId('offers-spending').getByRole('button', { name: '새 시트에 넣기' }).click();
    await page.getByRole('status').filter({ hasText: '2행을 새 시트 예산집행 2020에 넣었습니다' }).waitFor();
    await page.getByTestId('offers').waitFor({ state: 'hidden' });
    // The copy: a header and the two 2020 lines; the adopted sheet is as it was.
    const copied = await wb((w) => [0, 1, 2].map((r) => [w.cell('예산집행 2020', r, 2).value, w.cell('예산집행 2020', r, 3).value]));
    expect(copied[0]).toEqual(['회계연도', '비목']);
    expect(copied.slice(1).map((r) => r[0])).toEqual([2020, 2020]);
    expect(await tableRows()).toEqual([...lines, ['가양2동', 1, 2019, '자체 사업비', '마을 축제', 5_000_000, 4_000_000], total]);

    // The next sync sends nothing and offers nothing more.
    await page.getByRole('button', { name: '동기화', exact: true }).click();
    await page.locator('#panel-sync:not([aria-busy])').waitFor();
    await page.getByRole('status').filter({ hasText: '예산집행: 읽은 행 3, 받아들여진 행 0' }).waitFor();
    expect(await page.getByTestId('offers').isHidden()).toBe(true);
    expect(browser.errors).toEqual([]);
  });
});
