// The built task pane (dist/addin, `npm run build`) in Chromium, outside Office: office.js is refused,
// so the page must come up in plain-browser mode. The API is a stand-in (fake-api.ts).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeApi, fakeTokens, phaseRows } from './fake-api.ts';
import { addinDist, describeViolations, openBrowser, runAxe, screenshot, serveAddin, type BrowserSession, type TestServer } from './harness.ts';

const built = existsSync(join(addinDist, 'taskpane.html'));

describe.skipIf(!built)('task pane in a plain browser', () => {
  let server: TestServer;
  let browser: BrowserSession;

  beforeAll(async () => {
    server = await serveAddin(fakeApi());
    browser = await openBrowser({ viewport: { width: 1280, height: 900 } });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('loads without office.js and shows the sign-in form with a labelled 토큰 field', async () => {
    const { page } = browser;
    const started = Date.now();
    await page.goto(`${server.url}/taskpane.html`);
    const token = page.getByLabel('토큰');
    await token.waitFor({ state: 'visible', timeout: 10_000 });
    expect(Date.now() - started).toBeLessThan(8_000);
    expect(browser.blocked.some((u) => u.includes('appsforoffice.microsoft.com'))).toBe(true);
    await expect.poll(() => page.evaluate(() => document.documentElement.lang)).toBe('ko');
    expect(await page.getByRole('button', { name: '로그인' }).count()).toBe(1);
    expect(await page.getByText('브라우저에서 열었습니다').count()).toBe(1);
  });

  it('has no axe violations on the sign-in form, at 360 px and 1280 px', async () => {
    const { page } = browser;
    expect(describeViolations(await runAxe(page))).toBe('');
    await screenshot(page, 'taskpane-sign-in-1280');
    await page.setViewportSize({ width: 360, height: 720 });
    expect(describeViolations(await runAxe(page))).toBe('');
    await screenshot(page, 'taskpane-sign-in-360');
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it('refuses a wrong token with a Korean message', async () => {
    const { page } = browser;
    const before = browser.errors.length;
    await page.getByLabel('토큰').fill('wrong-token');
    await page.getByRole('button', { name: '로그인' }).click();
    await page.getByRole('alert').filter({ hasText: '토큰이 없거나 올바르지 않습니다.' }).waitFor();
    // Chromium logs the refused request (401) itself; that is the only error allowed here.
    const extra = browser.errors.slice(before).filter((e) => !/401/.test(e.text));
    browser.errors.splice(before);
    expect(extra).toEqual([]);
  });

  it('signs in, shows the role and the summary of the 8 pilot dongs with a chart', async () => {
    const { page } = browser;
    await page.getByLabel('토큰').fill(fakeTokens.manager);
    await page.getByRole('button', { name: '로그인' }).click();
    await page.getByTestId('who').filter({ hasText: '시 관리자 · 전체 동' }).waitFor();
    expect(await page.evaluate(() => localStorage.getItem('jachi-ledger.token'))).toBe(fakeTokens.manager);
    for (const name of ['동기화', '요약', '비교', '질의']) expect(await page.getByRole('tab', { name }).count()).toBe(1);
    const table = page.getByRole('table', { name: '동별 지표' });
    await table.waitFor();
    expect(await table.locator('tbody tr').count()).toBe(phaseRows.length);
    for (const row of phaseRows) expect(await table.locator('tbody tr', { hasText: row.dongName }).count()).toBe(1);
    expect(await page.locator('svg.chart rect').count()).toBeGreaterThan(phaseRows.length);
    expect(describeViolations(await runAxe(page))).toBe('');
    await screenshot(page, 'taskpane-summary-1280');
    await page.setViewportSize({ width: 360, height: 720 });
    expect(describeViolations(await runAxe(page))).toBe('');
    await screenshot(page, 'taskpane-summary-360');
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it('shows the sync placeholder, the comparison and the query views', async () => {
    const { page } = browser;
    await page.getByRole('tab', { name: '동기화' }).click();
    await page.getByText('Excel에서 열면 동기화할 수 있습니다').waitFor();

    await page.getByRole('tab', { name: '비교' }).click();
    const compare = page.getByRole('table', { name: '예산 집행' });
    await compare.waitFor();
    expect(await compare.locator('tbody tr').count()).toBe(phaseRows.length * 2);
    expect(await page.locator('#panel-compare svg.chart').count()).toBe(1);
    expect(describeViolations(await runAxe(page))).toBe('');
    await screenshot(page, 'taskpane-compare-1280');

    await page.getByRole('tab', { name: '질의' }).click();
    await page.getByLabel('SQL (읽기 전용)').fill('select dongName, phase, executedKrw from spending');
    await page.getByRole('button', { name: '실행' }).click();
    const result = page.getByRole('table', { name: '질의' });
    await result.waitFor();
    expect(await result.locator('tbody tr').count()).toBe(phaseRows.length * 2);
    expect(describeViolations(await runAxe(page))).toBe('');
    await screenshot(page, 'taskpane-query-1280');
  });

  it('can be used by keyboard alone: the tabs move with the arrow keys', async () => {
    const { page } = browser;
    await page.getByRole('tab', { name: '질의' }).focus();
    await page.keyboard.press('ArrowLeft');
    await expect.poll(() => page.evaluate(() => document.activeElement?.textContent?.trim())).toBe('비교');
    await page.keyboard.press('Enter');
    await page.getByRole('table', { name: '예산 집행' }).waitFor();
  });

  it('remembers the token, and forgets it on sign-out', async () => {
    const { page } = browser;
    await page.reload();
    await page.getByTestId('who').waitFor();
    await page.getByRole('button', { name: '로그아웃' }).click();
    await page.getByLabel('토큰').waitFor();
    expect(await page.evaluate(() => localStorage.getItem('jachi-ledger.token'))).toBeNull();
  });

  it('logged no console errors', () => {
    expect(browser.errors).toEqual([]);
  });
});

describe.runIf(!built)('task pane (not built)', () => {
  it.fails('needs `npm run build` first', () => {
    expect(built).toBe(true);
  });
});
