// Each role's pane and a live pane: the tabs a role can use and its first view; a sync from another
// client shows in an open comparison without a reload (GET /api/events); a token revoked while the
// pane is open leads back to sign-in, never to "다시 시도".
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatMoney } from '../../addin/taskpane/ui/format.ts';
import { batch, spendingRow, type TestService } from '../support/service.ts';
import { openDemoPane, signInPane, type DemoPane } from './demo-pane.ts';
import type { BrowserSession, TestServer } from './harness.ts';

describe('each role’s pane, kept live', () => {
  let pane: DemoPane;
  let service: TestService;
  let server: TestServer;
  let browser: BrowserSession;

  beforeAll(async () => {
    pane = await openDemoPane();
    ({ service, server, browser } = pane);
  }, 60_000);
  afterAll(() => pane?.close());

  const signIn = (token: string) => signInPane(browser.page, server.url, token);
  const tabNames = () => browser.page.getByRole('tab').allTextContents();
  const signOut = () => browser.page.getByRole('button', { name: '로그아웃' }).click();

  it('shows each role only the tabs it can use, and opens on its own first view', async () => {
    const { page } = browser;
    await signIn(service.tokens.dong);
    expect(await tabNames()).toEqual(['동기화', '요약', '비교', '파일 올리기']);
    // Outside Excel there is no sheet to sync: the official opens on 요약.
    expect(await page.getByRole('tab', { name: '요약' }).getAttribute('aria-selected')).toBe('true');
    await signOut();

    await signIn(service.tokens.analyst);
    expect(await tabNames()).toEqual(['비교', '질의', '요약']);
    expect(await page.getByRole('tab', { name: '비교' }).getAttribute('aria-selected')).toBe('true');
    await signOut();

    await signIn(service.tokens.manager);
    expect(await tabNames()).toEqual(['요약', '비교', '질의', '동기화']);
    expect(await page.getByRole('tab', { name: '요약' }).getAttribute('aria-selected')).toBe('true');
    await signOut();
  });

  it('redraws an open comparison when another client syncs, filters kept, no reload', async () => {
    const { page } = browser;
    await signIn(service.tokens.analyst);
    const form = page.getByRole('form', { name: '비교' });
    await form.getByLabel('동', { exact: true }).selectOption({ label: '가양2동' });
    await form.getByLabel('단계').selectOption('1');
    await form.getByRole('button', { name: '보기' }).click();
    const table = page.getByRole('table', { name: /예산/ });
    await table.waitFor();
    const budget = async () => {
      const answer = await service.json('GET', '/api/compare/spending?dong=가양2동&phase=1', 'analyst');
      return answer.body.rows.find((r: { category: string | null }) => r.category === null).budgetKrw as number;
    };
    const before = await budget();
    await page.evaluate(() => ((window as unknown as { __notReloaded: boolean }).__notReloaded = true));

    const synced = await service.json('POST', '/api/sync/spending', 'dong', batch([{ values: spendingRow({ budgetKrw: 7_000_000, executedKrw: 0 }) }]));
    expect(synced.status).toBe(200);
    const after = await budget();
    expect(after).toBe(before + 7_000_000);
    // The event comes within a second of the commit; the margin is for a busy test machine.
    await table.getByText(formatMoney(after, 'ko')).first().waitFor({ timeout: 10_000 });
    expect(await page.evaluate(() => (window as unknown as { __notReloaded?: boolean }).__notReloaded)).toBe(true);
    expect(await form.getByLabel('동', { exact: true }).inputValue()).not.toBe('');
    await signOut();
  });

  it('gives an analyst the views and columns with their Korean labels, and a click writes a name into the SQL', async () => {
    const { page } = browser;
    await signIn(service.tokens.analyst);
    await page.getByRole('tab', { name: '질의' }).click();
    const schema = page.getByTestId('schema');
    await schema.locator('summary').first().click();
    const views = (await service.json('GET', '/api/query/views', 'analyst')).body.views as { name: string; columns: { name: string }[] }[];
    expect(views.map((v) => v.name)).toEqual(['spending', 'participation', 'progress', 'agendas', 'council', 'dongs', 'districts', 'cities', 'phases']);
    await schema.getByText('spending', { exact: true }).first().click();
    const columns = schema.getByRole('list', { name: 'spending' });
    expect(await columns.getByRole('listitem').filter({ hasText: 'budgetKrw' }).textContent()).toContain('예산액');
    const sql = page.getByLabel('SQL (읽기 전용)');
    await sql.fill('select  from spending');
    await sql.evaluate((el: HTMLTextAreaElement) => el.setSelectionRange(7, 7));
    await columns.getByRole('button', { name: 'budgetKrw', exact: true }).click();
    expect(await sql.inputValue()).toBe('select budgetKrw from spending');
    // A dong official is not offered the views (nor the SQL).
    expect((await service.json('GET', '/api/query/views', 'dong')).status).toBe(403);
    await signOut();
  });

  it('a token revoked while the pane is open leads back to sign-in with the reason', async () => {
    const { page } = browser;
    const created = await service.json('POST', '/api/tokens', 'admin', { role: 'dong', dong: '가양2동', name: '곧 취소될 토큰' });
    expect(created.status).toBe(201);
    await signIn(created.body.token);
    expect((await service.json('DELETE', `/api/tokens/${created.body.id}`, 'admin')).status).toBe(200);
    // A change wakes the open stream, which finds the token revoked and ends; the reconnect is refused.
    await service.json('POST', '/api/sync/spending', 'dong', batch([{ values: spendingRow() }]));
    await page.getByRole('alert').filter({ hasText: '더 이상 쓸 수 없습니다' }).waitFor({ timeout: 15_000 });
    await page.getByLabel('토큰').waitFor();
    expect(await page.getByRole('button', { name: '다시 시도' }).count()).toBe(0);
  });
});
