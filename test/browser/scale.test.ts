// The summary at the scale of Korea: a city of 3,500 dongs × 2 years (store.generate), signed in
// through the pane in Chromium by its manager. Prints (does not assert) the time from the sign-in click to the dong table shown,
// and finds a dong by name.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { headlineFigures } from '../../domain/metrics.ts';
import { startService, type TestService } from '../support/service.ts';
import { addinDist, describeViolations, openBrowser, runAxe, screenshot, startServer, type BrowserSession, type TestServer } from './harness.ts';

const built = existsSync(join(addinDist, 'taskpane.html'));
type Row = Record<string, unknown>;

describe('the summary with 3,500 dongs', () => {
  let service: TestService;
  let server: TestServer;
  let browser: BrowserSession;
  let phases: Row[];
  let districts: Map<string, string>;
  let manager: string;
  const asManager = async (url: string) => (await (await service.app.request(url, { headers: { authorization: `Bearer ${manager}` } })).json()) as any;

  beforeAll(async () => {
    if (!built) throw new Error('dist/addin is missing: run `npm run build` first (npm test does)');
    service = await startService({ staticDir: addinDist });
    // One city of 3,500 dongs beside Daejeon, read by that city's manager (a summary is a city's).
    await service.store.generate({ dongs: 3500, years: 2, cities: 1 });
    manager = (await service.store.createToken({ role: 'manager', city: '51', name: '대도시 담당' })).token;
    server = await startServer(service.app.fetch);
    browser = await openBrowser({ viewport: { width: 1280, height: 900 } });
    phases = (await asManager('/api/compare/phases')).rows;
    const meta = (await asManager('/api/meta')) as { districts: { code: string; name: string }[] };
    districts = new Map(meta.districts.map((d) => [d.code, d.name]));
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    service?.close();
  });

  it('signs in and shows the first page of the dong table (time printed)', async () => {
    const { page } = browser;
    await page.goto(`${server.url}/taskpane.html`);
    await page.getByLabel('토큰').fill(manager);
    const table = page.getByRole('table', { name: '동별 지표' });
    const started = performance.now();
    await page.getByRole('button', { name: '로그인' }).click();
    await table.locator('tbody tr').first().waitFor();
    const ms = performance.now() - started;
    await page.locator('#panel-summary[data-state="complete"]').waitFor();
    const complete = performance.now() - started;
    console.log(
      `[scale] ${phases.length.toLocaleString('en-US')} dongs: sign-in click → summary (figures, flags and the dong table) shown in ${ms.toFixed(0)} ms, complete in ${complete.toFixed(0)} ms`,
    );
    // The header counts the flagged dongs of all those with data.
    expect(await page.getByTestId('review-count').textContent()).toMatch(/^지원 검토 [\d,]+곳 \/ [\d,]+개 동$/);
    // However many are flagged, the list of flagged dongs grows 20 at a time.
    const flaggedDongs = page.locator('#panel-summary .flag-list > li');
    expect(await flaggedDongs.count()).toBeLessThanOrEqual(20);
    const more = page.locator('#panel-summary button.more');
    if (await more.isVisible()) {
      await more.click();
      expect(await flaggedDongs.count()).toBeGreaterThan(20);
      expect(await flaggedDongs.count()).toBeLessThanOrEqual(40);
    }
    expect(phases.length).toBeGreaterThanOrEqual(3500);
    // Paged: one page of rows in the document, not thousands.
    expect(await table.locator('tbody tr').count()).toBe(50);
    expect(await page.locator('#panel-summary section[aria-labelledby="summary-dongs"] .table-status').textContent()).toMatch(/^[\d,]+행 중 50행 표시$/);
    // The chart shows a readable number of dongs.
    expect(await page.locator('#panel-summary svg.chart text.chart-text:not(.chart-small)').count()).toBeLessThanOrEqual(45);
  });

  it('finds a dong by name', async () => {
    const { page } = browser;
    // A name of a dong well past the first page (sorted by name).
    const named = phases.filter((r) => typeof r.discretionaryExecutionRatePhase2 === 'number').map((r) => String(r.dongName));
    const target = [...new Set(named)].sort((a, b) => a.localeCompare(b, 'ko')).at(-1)!;
    const started = performance.now();
    await page.getByLabel('동 이름 검색').fill(target);
    const table = page.getByRole('table', { name: '동별 지표' });
    await table.locator('tbody tr', { hasText: target }).first().waitFor();
    console.log(`[scale] search '${target}' → shown in ${(performance.now() - started).toFixed(0)} ms`);
    const listed = phases.filter((r) => headlineFigures.some((f) => typeof r[`${f}Phase1`] === 'number' || typeof r[`${f}Phase2`] === 'number'));
    const matches = listed.filter((r) => String(r.dongName).includes(target) || (districts.get(String(r.district)) ?? '').includes(target));
    expect(matches.length).toBeGreaterThan(0);
    await expect.poll(() => table.locator('tbody tr').count()).toBe(Math.min(50, matches.length));
    for (const text of await table.locator('tbody td[data-key="dongName"]').allTextContents()) expect(text).toContain(target);
    expect(describeViolations(await runAxe(page))).toBe('');
    await screenshot(page, 'taskpane-scale-search-1280');
    expect(browser.errors).toEqual([]);
  });

  it('비교 fetches a page of dongs, not every row of the country, and pages on', async () => {
    const { page } = browser;
    const asked: string[] = [];
    page.on('request', (r) => r.url().includes('/api/compare/spending') && asked.push(r.url()));
    await page.getByRole('tab', { name: '비교' }).click();
    const table = page.getByRole('table', { name: /예산/ });
    await table.locator('tbody tr').first().waitFor();
    const pageText = page.getByTestId('dong-page');
    const total = ((await asManager('/api/meta')).dongs as unknown[]).length.toLocaleString('ko-KR');
    expect(await pageText.textContent()).toBe(`동 1–100 / ${total}곳`);
    // The request named the page's 100 dongs; the answer holds only their rows.
    const first = new URL(asked.at(-1)!).searchParams.get('dong')!.split(',');
    expect(first).toHaveLength(100);
    await page.getByRole('navigation', { name: '동 목록 쪽' }).getByRole('button', { name: '다음' }).click();
    await expect.poll(() => pageText.textContent()).toBe(`동 101–200 / ${total}곳`);
    const second = new URL(asked.at(-1)!).searchParams.get('dong')!.split(',');
    expect(second).toHaveLength(100);
    expect(second.some((d) => first.includes(d))).toBe(false);
    expect(browser.errors).toEqual([]);
  });
});
