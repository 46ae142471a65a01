// The built task pane (dist/addin, `npm run build`) in Chromium, outside Office (office.js is refused,
// so the page runs in plain-browser mode), against the real service with the Daejeon demo over real
// HTTP: what the pane shows is compared with what the API answers.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { loadDemo } from '../../service/demo.ts';
import { formatDelta, formatNumber, formatRate, formatRateDelta, formatValue } from '../../addin/src/ui/format.ts';
import { startService, type TestService } from '../support/service.ts';
import { addinDist, describeViolations, keepForDocs, openBrowser, runAxe, screenshot, startServer, type BrowserSession, type TestServer } from './harness.ts';

const built = existsSync(join(addinDist, 'taskpane.html'));
const figures = ['executionRate', 'participantsPer1000', 'completionRate'] as const;
type Figure = (typeof figures)[number];
type Row = Record<string, unknown>;

const fmt = (f: Figure, v: unknown) => (typeof v !== 'number' ? '–' : f === 'participantsPer1000' ? formatNumber(v, 'ko', 1) : formatRate(v, 'ko'));
const fmtDelta = (f: Figure, v: unknown) => (typeof v !== 'number' ? '–' : f === 'participantsPer1000' ? formatDelta(v, 'ko') : formatRateDelta(v, 'ko'));
const hasFigures = (row: Row) => figures.some((f) => typeof row[`${f}Phase1`] === 'number' || typeof row[`${f}Phase2`] === 'number');

/** Opens the rows behind a figure button, checks the figure computed again from them, and closes. */
async function drillAndCheck(page: Page, figure: ReturnType<Page['locator']>): Promise<{ shown: number; rows: number }> {
  // The figure's exact value: on the button (summary) or on its cell (result tables).
  const shown = Number(await figure.evaluate((el) => el.getAttribute('data-value') ?? el.closest('td')?.getAttribute('data-value')));
  await figure.click();
  const dialog = page.getByRole('dialog');
  await dialog.getByTestId('drill-total').waitFor();
  const total = Number(await dialog.getByTestId('drill-total').getAttribute('data-value'));
  expect(total).toBeCloseTo(shown, 9);
  expect(await dialog.getByTestId('drill-total').textContent()).toContain('같습니다');
  const rows = await dialog.locator('tbody tr').count();
  expect(rows).toBeGreaterThan(0);
  // Who synced each row, when, and from which workbook.
  for (const header of ['수정한 사람', '수정 시각', '통합문서']) expect(await dialog.getByRole('columnheader', { name: header }).count()).toBe(1);
  expect(await dialog.locator('tbody tr').first().textContent()).toContain('데모 데이터');
  return { shown, rows };
}

describe('task pane in a plain browser, against the real service with the demo', () => {
  let service: TestService;
  let server: TestServer;
  let browser: BrowserSession;
  let phases: Row[];
  let summary: Row[];

  beforeAll(async () => {
    if (!built) throw new Error('dist/addin is missing: run `npm run build` first (npm test does)');
    service = await startService({ staticDir: addinDist });
    await loadDemo(service.store);
    server = await startServer(service.app.fetch);
    browser = await openBrowser({ viewport: { width: 1280, height: 900 } });
    phases = (await service.json('GET', '/api/compare/phases', 'manager')).body.rows;
    summary = (await service.json('GET', '/api/compare/summary', 'manager')).body.rows;
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    service?.close();
  });

  /** Chromium logs a refused request (4xx) itself: those, and only those, are expected in `step`. */
  const allowingRefusals = async (status: number, step: () => Promise<void>) => {
    const before = browser.errors.length;
    await step();
    const extra = browser.errors.slice(before).filter((e) => !e.text.includes(`status of ${status}`));
    browser.errors.splice(before);
    expect(extra).toEqual([]);
  };

  const signIn = async (token: string) => {
    const { page } = browser;
    await page.getByLabel('토큰').fill(token);
    await page.getByRole('button', { name: '로그인' }).click();
    await page.getByTestId('who').waitFor();
  };

  const signOut = async () => {
    await browser.page.getByRole('button', { name: '로그아웃' }).click();
    await browser.page.getByLabel('토큰').waitFor();
  };

  const axeClean = async () => {
    // Colours are judged once transitions (a button coming back from disabled) have settled.
    await browser.page.waitForFunction(() => document.getAnimations().every((a) => a.playState !== 'running'));
    expect(describeViolations(await runAxe(browser.page))).toBe('');
  };

  const shoot = async (name: string, width: number, docs = false) => {
    const { page } = browser;
    await page.setViewportSize({ width, height: width < 600 ? 720 : 900 });
    await axeClean();
    const path = await screenshot(page, `taskpane-${name}-${width}`);
    if (docs) keepForDocs(path, `${name}-${width}`);
    await page.setViewportSize({ width: 1280, height: 900 });
  };

  it('loads without office.js and shows the sign-in form with a labelled 토큰 field', async () => {
    const { page } = browser;
    await page.goto(`${server.url}/taskpane.html`);
    // Without office.js the page must not wait for it: the field shows within the timeout.
    await page.getByLabel('토큰').waitFor({ state: 'visible', timeout: 10_000 });
    expect(browser.blocked.some((u) => u.includes('appsforoffice.microsoft.com'))).toBe(true);
    await expect.poll(() => page.evaluate(() => document.documentElement.lang)).toBe('ko');
    expect(await page.getByRole('button', { name: '로그인' }).count()).toBe(1);
    expect(await page.getByText('브라우저에서 열었습니다').count()).toBe(1);
    await shoot('sign-in', 1280);
    await shoot('sign-in', 360);
  });

  it('refuses a wrong token with the service’s Korean message', async () => {
    const { page } = browser;
    await allowingRefusals(401, async () => {
      await page.getByLabel('토큰').fill('wrong-token');
      await page.getByRole('button', { name: '로그인' }).click();
      await page.getByRole('alert').filter({ hasText: '토큰이 없거나 올바르지 않습니다.' }).waitFor();
    });
  });

  it('signs in as a manager: the summary lists the pilot dongs with the API’s figures, and a chart', async () => {
    const { page } = browser;
    await signIn(service.tokens.manager);
    await page.getByTestId('who').filter({ hasText: '시 관리자 · 전체 동' }).waitFor();
    // Not asked to stay signed in: kept for this session of the pane only.
    expect(await page.evaluate(() => [sessionStorage.getItem('jachi-ledger.token'), localStorage.getItem('jachi-ledger.token')])).toEqual([service.tokens.manager, null]);
    for (const name of ['동기화', '요약', '비교', '질의']) expect(await page.getByRole('tab', { name }).count()).toBe(1);

    const table = page.getByRole('table', { name: '동별 지표' });
    await page.locator('#panel-summary[data-state="complete"]').waitFor();
    const listed = phases.filter(hasFigures);
    const pilot = (await service.json('GET', '/api/meta', 'manager')).body.dongs.filter((d: { joinedPhase: number }) => d.joinedPhase === 1);
    expect(pilot).toHaveLength(8);
    for (const d of pilot) expect(listed.some((r) => r.dong === d.code)).toBe(true);
    expect(await table.locator('tbody tr').count()).toBe(listed.length);

    // Every figure shown equals the API's, as the pane formats it.
    for (const row of listed) {
      const tr = table.locator('tbody tr').filter({ has: page.locator('td[data-key="dongName"]', { hasText: String(row.dongName) }) });
      expect(await tr.count()).toBe(1);
      for (const f of figures) {
        const cell = tr.locator(`td[data-key="${f}"]`);
        const p1 = row[`${f}Phase1`];
        const p2 = row[`${f}Phase2`];
        if (typeof p1 === 'number') expect(await cell.locator('button[data-phase="1"]').textContent()).toBe(fmt(f, p1));
        if (typeof p2 === 'number') expect(await cell.locator('button[data-phase="2"]').textContent()).toBe(fmt(f, p2));
        expect(await cell.locator('small').textContent()).toBe(fmtDelta(f, row[`${f}Delta`]));
      }
    }

    // The headline figures: the city's value and median per phase, as /api/compare/summary gives them.
    for (const r of summary.filter((x) => x.kind === 'city')) {
      const f = r.figure as Figure;
      const dd = page.locator(`#panel-summary dd[data-figure="${f}"][data-phase="${String(r.phase)}"]`);
      const text = await dd.textContent();
      if (typeof r.value === 'number') expect(text).toContain(fmt(f, r.value));
      expect(text).toContain(`시 중앙값 ${fmt(f, r.cityMedian)}`);
    }

    // Dongs marked as possibly needing support are those the summary names.
    const flagged = new Set(summary.filter((r) => r.kind === 'dong' && (r.belowMedian === true || r.belowPhase1 === true)).map((r) => r.dongName));
    expect(await table.locator('tbody tr', { hasText: '지원 검토' }).count()).toBe(listed.filter((r) => flagged.has(r.dongName)).length);

    const bars = page.locator('#panel-summary svg.chart rect');
    expect(await bars.count()).toBeGreaterThan(8);
    await shoot('summary', 1280, true);
    await shoot('summary', 360, true);
  });

  it('every figure explains itself and opens into the rows behind it', async () => {
    const { page } = browser;
    const table = page.getByRole('table', { name: '동별 지표' });
    // The ⓘ of a header shows the definition from /api/meta.
    await table.getByRole('button', { name: '집행률 정의 보기' }).click();
    await page.locator('#panel-summary .definition-note', { hasText: '집행액 ÷ 예산액' }).waitFor();

    const gayang = table.locator('tbody tr', { hasText: '가양2동' });
    const opener = gayang.locator('td[data-key="executionRate"] button[data-phase="1"]');
    const { rows } = await drillAndCheck(page, opener);
    const lines = (await service.json('GET', '/api/compare/spending/rows?dong=가양2동&phase=1', 'manager')).body.rows;
    expect(rows).toBe(lines.length);
    await axeClean();
    await page.keyboard.press('Escape');
    await page.getByRole('dialog').waitFor({ state: 'detached' });
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-phase'))).toBe('1');
  });

  it('compares with filters, as a table and a chart, and drills into a figure', async () => {
    const { page } = browser;
    await page.getByRole('tab', { name: '비교' }).click();
    const panel = page.locator('#panel-compare');
    await panel.getByRole('table', { name: '예산 집행' }).waitFor();
    await panel.getByLabel('단계', { exact: true }).selectOption('1');
    await panel.getByLabel('구', { exact: true }).selectOption({ label: '유성구' });
    await panel.getByRole('button', { name: '보기', exact: true }).click();
    const expected = (await service.json('GET', '/api/compare/spending?phase=1&district=유성구', 'manager')).body.rows as Row[];
    const table = panel.getByRole('table', { name: '예산 집행' });
    await expect.poll(() => table.locator('tbody tr').count()).toBe(Math.min(50, expected.length));
    const total = expected.find((r) => r.category === null)!;
    const tr = table.locator('tbody tr', { hasText: String(total.dongName) }).first();
    // Money in 원, shown in 백만원 where large; rates as %.
    expect(await tr.locator('td[data-key="executedKrw"]').textContent()).toBe(formatValue(total.executedKrw, 'money', 'ko'));
    expect(await tr.locator('td[data-key="executionRate"]').textContent()).toBe(formatRate(total.executionRate as number, 'ko'));
    expect(await panel.locator('svg.chart').count()).toBe(1);
    expect(await panel.locator('svg.chart rect').count()).toBeGreaterThan(1);
    // "시트로 넣기" is only for Excel.
    expect(await panel.getByRole('button', { name: '시트로 넣기' }).count()).toBe(0);

    await drillAndCheck(page, tr.locator('td[data-key="executedKrw"] button'));
    await page.getByRole('dialog').getByRole('button', { name: '닫기' }).click();
    await page.getByRole('dialog').waitFor({ state: 'detached' });

    await panel.getByLabel('비교 항목').selectOption('progress');
    await panel.getByRole('button', { name: '보기', exact: true }).click();
    const progress = panel.getByRole('table', { name: '추진 현황' });
    await progress.waitFor();
    const progressRows = (await service.json('GET', '/api/compare/progress?phase=1&district=유성구', 'manager')).body.rows as Row[];
    expect(await progress.locator('tbody tr').count()).toBe(progressRows.length);
    // avgProgressPct is already a percentage (0–100), shown as a number, not ×100.
    const first = progressRows[0]!;
    const firstTr = progress.locator('tbody tr', { hasText: String(first.dongName) });
    expect(await firstTr.locator('td[data-key="avgProgressPct"]').textContent()).toBe(formatNumber(first.avgProgressPct as number, 'ko', 1));
    await drillAndCheck(page, firstTr.locator('td[data-key="completed"] button'));
    await page.keyboard.press('Escape');

    await panel.getByLabel('비교 항목').selectOption('spending');
    await panel.getByRole('button', { name: '보기', exact: true }).click();
    await panel.getByRole('table', { name: '예산 집행' }).waitFor();
    await shoot('compare', 1280);
    await shoot('compare', 360, true);
  });

  it('runs a SELECT for an analyst and shows the result table; a refused statement shows the Korean reason', async () => {
    const { page } = browser;
    await signOut();
    await signIn(service.tokens.analyst);
    await page.getByTestId('who').filter({ hasText: '분석가' }).waitFor();
    await page.getByRole('tab', { name: '질의' }).click();
    const sql = 'select dongName, phase, sum(budgetKrw) as budgetKrw, sum(executedKrw) as executedKrw from spending group by all order by dongName, phase';
    await page.getByLabel('SQL (읽기 전용)').fill(sql);
    await page.getByRole('button', { name: '실행' }).click();
    const result = page.getByRole('table', { name: '질의' });
    await result.waitFor();
    const expected = (await service.json('POST', '/api/query', 'analyst', { sql, limit: 1000 })).body.rows as Row[];
    expect(await result.locator('tbody tr').count()).toBe(Math.min(50, expected.length));
    expect(await result.locator('tbody tr').first().locator('td[data-key="executedKrw"]').textContent()).toBe(formatValue(expected[0]!.executedKrw, 'money', 'ko'));
    await shoot('query', 1280, true);
    await shoot('query', 360);

    await allowingRefusals(400, async () => {
      await page.getByLabel('SQL (읽기 전용)').fill('drop table spending');
      await page.getByRole('button', { name: '실행' }).click();
      await page.getByRole('alert').filter({ hasText: '조회(SELECT) 문만 실행할 수 있습니다.' }).waitFor();
    });
    await axeClean();
  });

  it('can be used by keyboard alone: the tabs move with the arrow keys', async () => {
    const { page } = browser;
    await page.getByRole('tab', { name: '질의' }).focus();
    await page.keyboard.press('ArrowLeft');
    await expect.poll(() => page.evaluate(() => document.activeElement?.textContent?.trim())).toBe('비교');
    await page.keyboard.press('Enter');
    await page.getByRole('table', { name: '예산 집행' }).waitFor();
    // A figure is a button: reachable with Tab and opened with Enter.
    const figure = page.locator('#panel-compare td[data-key="executedKrw"] button').first();
    await figure.focus();
    await page.keyboard.press('Enter');
    await page.getByRole('dialog').getByTestId('drill-total').waitFor();
    await page.keyboard.press('Escape');
    await page.getByRole('dialog').waitFor({ state: 'detached' });
  });

  it('keeps the token for the session, in the profile only when asked to stay signed in, and forgets it on sign-out', async () => {
    const { page } = browser;
    const stored = () => page.evaluate(() => ({ session: sessionStorage.getItem('jachi-ledger.token'), profile: localStorage.getItem('jachi-ledger.token') }));
    await page.reload();
    await page.getByTestId('who').waitFor();
    await signOut();
    expect(await stored()).toEqual({ session: null, profile: null });

    await page.getByLabel('토큰').fill(service.tokens.manager);
    await page.getByLabel('로그인 유지 (이 컴퓨터에 기억합니다)').check();
    await page.getByRole('button', { name: '로그인' }).click();
    await page.getByTestId('who').waitFor();
    expect(await stored()).toEqual({ session: null, profile: service.tokens.manager });
    await page.reload();
    await page.getByTestId('who').waitFor();
    expect(await stored()).toEqual({ session: null, profile: service.tokens.manager });
    await signOut();
    expect(await stored()).toEqual({ session: null, profile: null });
  });

  it('speaks English where Office’s language is not Korean (here ?lang=en)', async () => {
    const { page } = browser;
    await page.goto(`${server.url}/taskpane.html?lang=en`);
    await page.getByLabel('Token').fill(service.tokens.manager);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByTestId('who').waitFor();
    await expect.poll(() => page.evaluate(() => document.documentElement.lang)).toBe('en');
    expect(await page.getByRole('tab', { name: 'Summary' }).count()).toBe(1);
    expect(await page.getByRole('tab', { name: 'Compare' }).count()).toBe(1);
    await axeClean();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('Token').waitFor();
  });

  it('logged no console errors', () => {
    expect(browser.errors).toEqual([]);
  });
});
