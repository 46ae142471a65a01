// The built task pane (dist/addin, `npm run build`) in Chromium, outside Office (office.js is refused,
// so the page runs in plain-browser mode), against the real service with the Daejeon demo over real
// HTTP: what the pane shows is compared with what the API answers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { demoFlags } from '../../service/demo.ts';
import { comparisons, headlineFigures as figures, metrics, type HeadlineFigure as Figure } from '../../domain/metrics.ts';
import { formatChange, formatNumber, formatRate, formatValue, formatWon, unitFormat } from '../../addin/taskpane/ui/format.ts';
import type { TestService } from '../support/service.ts';
import { openDemoPane, type DemoPane } from './demo-pane.ts';
import { describeViolations, keepForDocs, runAxe, screenshot, type BrowserSession, type TestServer } from './harness.ts';

type Row = Record<string, unknown>;

/** A headline figure as the pane shows it: by its unit (rates in %, per 1,000 with one decimal). */
const kindOf = (f: string) => unitFormat(metrics[f as Figure].unit)!.kind;
const fmt = (f: string, v: unknown) => formatValue(v, kindOf(f), 'ko');
const fmtDelta = (f: string, v: unknown) => (typeof v !== 'number' ? '–' : formatChange(v, kindOf(f), 'ko'));
const per1000 = figures.filter((f) => metrics[f].unit === 'per1000');
const hasFigures = (row: Row) => figures.some((f) => typeof row[`${f}Phase1`] === 'number' || typeof row[`${f}Phase2`] === 'number');

/** Opens the rows behind a figure button: the figure as the service gave it, beside the rows and who synced them. */
async function drillAndCheck(page: Page, figure: ReturnType<Page['locator']>): Promise<{ shown: number; rows: number }> {
  // The figure's exact value: on the button (summary) or on its cell (result tables).
  const shown = Number(await figure.evaluate((el) => el.getAttribute('data-value') ?? el.closest('td')?.getAttribute('data-value')));
  await figure.click();
  const dialog = page.getByRole('dialog');
  await dialog.locator('tbody tr').first().waitFor();
  expect(Number(await dialog.getByTestId('drill-shown').getAttribute('data-value'))).toBe(shown);
  const rows = await dialog.locator('tbody tr').count();
  expect(rows).toBeGreaterThan(0);
  // Who synced each row, when, and from which workbook.
  for (const header of ['수정한 사람', '수정 시각', '통합문서']) expect(await dialog.getByRole('columnheader', { name: header }).count()).toBe(1);
  expect(await dialog.locator('tbody tr').first().textContent()).toContain('데모 데이터');
  return { shown, rows };
}

describe('task pane in a plain browser, against the real service with the demo', () => {
  let pane: DemoPane;
  let service: TestService;
  let server: TestServer;
  let browser: BrowserSession;
  let phases: Row[];
  let summary: Row[];

  beforeAll(async () => {
    pane = await openDemoPane();
    ({ service, server, browser } = pane);
    phases = (await service.json('GET', '/api/compare/phases', 'manager')).body.rows;
    summary = (await service.json('GET', '/api/compare/summary', 'manager')).body.rows;
  }, 60_000);

  afterAll(() => pane?.close());

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

  it('signs in as a manager: the summary says how many dongs to review of how many, why, and the API’s figures', async () => {
    const { page } = browser;
    await signIn(service.tokens.manager);
    await page.getByTestId('who').filter({ hasText: '시 관리자 · 전체 동' }).waitFor();
    // Not asked to stay signed in: kept for this session of the pane only.
    expect(await page.evaluate(() => [sessionStorage.getItem('jachi-ledger.token'), localStorage.getItem('jachi-ledger.token')])).toEqual([service.tokens.manager, null]);
    for (const name of ['동기화', '요약', '비교', '질의']) expect(await page.getByRole('tab', { name }).count()).toBe(1);

    const panel = page.locator('#panel-summary');
    const table = page.getByRole('table', { name: '동별 지표' });
    await page.locator('#panel-summary[data-state="complete"]').waitFor();
    const listed = phases.filter(hasFigures);
    const meta = (await service.json('GET', '/api/meta', 'manager')).body as { dongs: { code: string; cohort?: number; joinedPhase?: number }[] };
    const pilot = meta.dongs.filter((d) => (d.cohort ?? d.joinedPhase) === 1);
    expect(pilot).toHaveLength(8);
    for (const d of pilot) expect(listed.some((r) => r.dong === d.code)).toBe(true);
    expect(await table.locator('tbody tr').count()).toBe(listed.length);

    // At the top: "지원 검토 N곳 / 20개 동", a few dongs of the demo's 20, and the time of the figures.
    const flags = summary.filter((r) => r.kind === 'dong' && (r.flag === 'low' || r.flag === 'fell'));
    const flagged = new Set(flags.map((r) => r.dong));
    expect(listed).toHaveLength(20);
    expect(flagged.size).toBeGreaterThanOrEqual(1);
    expect(flagged.size).toBeLessThanOrEqual(5);
    expect(await panel.getByTestId('review-count').textContent()).toBe(`지원 검토 ${flagged.size}곳 / 20개 동`);
    // The dongs listed are those the demo gives a reason to (service/demo.ts demoFlags), no others.
    const shownDongs = await panel.locator('.flag-list > li').evaluateAll((items) => items.map((li) => li.getAttribute('data-dong')));
    expect(new Set(shownDongs)).toEqual(new Set(Object.keys(demoFlags)));
    expect(shownDongs).toHaveLength(flagged.size);
    expect(await panel.getByTestId('as-of').textContent()).toMatch(/^기준 시각 \d{2}:\d{2}$/);

    // Each flag a chip naming its figure, its phase and its reason; only the value that triggered it coloured.
    const chips = panel.getByTestId('flag-chip');
    expect(await chips.count()).toBe(flags.length);
    for (const r of flags) {
      const f = r.figure as Figure;
      const chip = panel.locator(`li[data-dong="${String(r.dong)}"] [data-testid="flag-chip"][data-figure="${f}"][data-phase="${String(r.phase)}"][data-flag="${String(r.flag)}"]`);
      expect(await chip.count()).toBe(1);
      const text = (await chip.textContent())!;
      const reason = r.flag === 'low' ? `낮음: ${fmt(f, r.value)} (중앙값 ${fmt(f, r.median)})` : `하락: ${fmt(f, r.value)} (이전 단계 ${fmt(f, r.previousValue)})`;
      expect(text).toContain(`${metrics[f].ko} · ${String(r.phase)}단계 · ${reason}`);
      expect(await chip.locator('.flag-value').textContent()).toBe(fmt(f, r.value));
      expect(await chip.getByTestId('illustrative').count()).toBe(r.illustrative === true ? 1 : 0);
    }
    // In the dong table, the flagged values (that figure, that phase) and no others are coloured.
    const flaggedCells = flags.map((r) => `${String(r.dongName)}|${String(r.figure)}|${String(r.phase)}`);
    expect(await table.locator('button.flag').count()).toBe(new Set(flaggedCells).size);
    expect(await table.locator('tbody tr', { hasText: '지원 검토' }).count()).toBe(flagged.size);

    // Every figure shown equals the API's, in its unit.
    for (const row of listed) {
      const tr = table.locator('tbody tr').filter({ has: page.locator('td[data-key="dongName"]', { hasText: String(row.dongName) }) });
      expect(await tr.count()).toBe(1);
      for (const f of figures) {
        const cell = tr.locator(`td[data-key="${f}"]`);
        const p1 = row[`${f}Phase1`];
        const p2 = row[`${f}Phase2`];
        if (typeof p1 === 'number') expect(await cell.locator('button[data-phase="1"]').textContent()).toContain(fmt(f, p1));
        if (typeof p2 === 'number') expect(await cell.locator('button[data-phase="2"]').textContent()).toContain(fmt(f, p2));
        expect(await cell.locator('small').textContent()).toBe(fmtDelta(f, row[`${f}Delta`]));
      }
    }

    // The headline figures: the group's value, median and quartiles per phase (and cohort), as the API gives them.
    for (const r of summary.filter((x) => x.kind === 'city')) {
      const f = r.figure as Figure;
      const tr = panel.locator(`.figure-block[data-figure="${f}"] tr[data-phase="${String(r.phase)}"][data-cohort="${r.cohort ?? ''}"]`);
      // A cohort's own line is shown where its phase has more than one cohort.
      if ((await tr.count()) === 0) {
        expect(r.cohort).not.toBeNull();
        continue;
      }
      const text = await tr.textContent();
      expect(text).toContain(fmt(f, r.value));
      expect(text).toContain(fmt(f, r.median));
      if (typeof r.q1 === 'number') expect(text).toContain(`${fmt(f, r.q1)}–${fmt(f, r.q3)}`);
      expect(text).toContain(`${String(r.dongsWithData)}개 동`);
    }
    // Phase 2 has the pilot dongs' second year and the newcomers' first: each cohort has its own line.
    expect(await panel.locator('.figure-block tr[data-phase="2"][data-cohort="2"]').count()).toBe(
      figures.filter((f) => summary.some((r) => r.kind === 'city' && r.figure === f && r.phase === 2 && r.cohort === 2)).length,
    );

    // Did phase 2 improve? Like for like: the same dongs in both phases.
    for (const f of figures) {
      const from = summary.find((r) => r.kind === 'continuing' && r.figure === f && r.phase === 1 && r.versus === 2 && r.cohort === null);
      const to = summary.find((r) => r.kind === 'continuing' && r.figure === f && r.phase === 2 && r.versus === 1 && r.cohort === null);
      if (!from || !to) continue;
      const line = panel.locator(`.figure-block[data-figure="${f}"] [data-testid="continuing"][data-cohort=""]`);
      expect(await line.textContent()).toContain(`계속 참여 ${String(from.dongsWithData)}개 동: ${metrics[f].ko} ${fmt(f, from.value)} → ${fmt(f, to.value)}`);
    }

    // No per-1,000 figure is shown as a percentage, anywhere on the summary.
    for (const f of per1000) {
      for (const text of await panel
        .locator(
          `.figure-block[data-figure="${f}"] td, .figure-block[data-figure="${f}"] [data-testid="continuing"], [data-testid="flag-chip"][data-figure="${f}"], td[data-key="${f}"]`,
        )
        .allTextContents()) {
        expect(text).not.toContain('%');
      }
    }
    // Turnout rests on illustrative populations: its figures carry the 예시 badge, as the API marks them.
    for (const f of figures) {
      const marked = summary.some((r) => r.kind === 'city' && r.figure === f && r.illustrative === true);
      expect((await panel.locator(`.figure-block[data-figure="${f}"] [data-testid="illustrative"]`).count()) > 0).toBe(marked);
    }
    expect(summary.some((r) => r.kind === 'city' && r.figure === 'assemblyTurnoutPer1000' && r.illustrative === true)).toBe(true);

    // Phase 1 → phase 2 as a dot chart: a filled dot for each dong's phase-2 value.
    const dots = page.locator('#panel-summary svg.chart.slope circle[fill="#424242"]');
    expect(await dots.count()).toBeGreaterThan(8);
    await shoot('summary', 1280, true);
    await shoot('summary', 360, true);
  });

  it('every figure explains itself and opens into the rows behind it, as the service gives them', async () => {
    const { page } = browser;
    const table = page.getByRole('table', { name: '동별 지표' });
    // The ⓘ of a header shows the definition from /api/meta.
    await table.getByRole('button', { name: '사업비 집행률 정의 보기' }).click();
    await page.locator('#panel-summary .definition-note', { hasText: '두 인건비' }).waitFor();

    const gayang = table.locator('tbody tr', { hasText: '가양2동' });
    const opener = gayang.locator('td[data-key="discretionaryExecutionRate"] button[data-phase="1"]');
    const { rows } = await drillAndCheck(page, opener);
    const lines = (await service.json('GET', '/api/compare/spending/rows?dong=가양2동&phase=1', 'manager')).body.rows;
    expect(rows).toBe(lines.length);
    await axeClean();
    await page.keyboard.press('Escape');
    await page.getByRole('dialog').waitFor({ state: 'detached' });
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-phase'))).toBe('1');

    // Turnout (the largest assembly over the population), completion (over the expected milestones)
    // and 의제 완료율 (over the agendas the assembly adopted): each opens into the rows behind it.
    for (const f of ['assemblyTurnoutPer1000', 'completionRate', 'agendaCompletionRate']) {
      for (const phase of ['1', '2']) {
        await drillAndCheck(page, gayang.locator(`td[data-key="${f}"] button[data-phase="${phase}"]`));
        await page.keyboard.press('Escape');
        await page.getByRole('dialog').waitFor({ state: 'detached' });
      }
    }
    // A flag's chip opens the rows behind its value too.
    await drillAndCheck(page, page.locator('#panel-summary [data-testid="flag-chip"]').first());
    await page.keyboard.press('Escape');
    await page.getByRole('dialog').waitFor({ state: 'detached' });
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
    // avgProgressPct is already a percentage (0–100): shown with %, not ×100.
    const first = progressRows[0]!;
    const firstTr = progress.locator('tbody tr', { hasText: String(first.dongName) });
    expect(await firstTr.locator('td[data-key="avgProgressPct"]').textContent()).toBe(`${formatNumber(first.avgProgressPct as number, 'ko', 1)}%`);
    // Counts with their unit.
    expect(await firstTr.locator('td[data-key="expected"]').textContent()).toBe(`${String(first.expected)}건`);
    await drillAndCheck(page, firstTr.locator('td[data-key="completedExpected"] button'));
    await page.keyboard.press('Escape');
    await page.getByRole('dialog').waitFor({ state: 'detached' });

    // 시 요약: each figure in its own unit; a chart shows one figure, and per-1,000 never as %.
    await panel.getByLabel('비교 항목').selectOption('summary');
    await panel.getByLabel('단계', { exact: true }).selectOption('');
    await panel.getByLabel('구', { exact: true }).selectOption('');
    await panel.getByRole('button', { name: '보기', exact: true }).click();
    const cityTable = panel.getByRole('table', { name: comparisons.summary.ko });
    await cityTable.waitFor();
    const chartFigure = panel.getByLabel('그래프 지표');
    const options = await chartFigure.locator('option').allTextContents();
    expect(options).toContain('값 · 주민총회 참여율(천 명당)');
    await chartFigure.selectOption({ label: '값 · 주민총회 참여율(천 명당)' });
    const chartText = (await panel.locator('svg.chart text.chart-small').allTextContents()).join(' ');
    expect(chartText).toMatch(/\d+\.\d/);
    expect(chartText).not.toContain('%');
    await chartFigure.selectOption({ label: '값 · 완료율' });
    expect((await panel.locator('svg.chart text.chart-small').allTextContents()).join(' ')).toContain('%');
    // Rows of the summary read in the unit of their own figure.
    const turnoutRow = cityTable.locator('tbody tr', { hasText: '주민총회 참여율(천 명당)' }).first();
    expect(await turnoutRow.locator('td[data-key="value"]').textContent()).not.toContain('%');

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
    const sql = 'select dongName, phase, fiscalYear, sum(budgetKrw) as budgetKrw, sum(executedKrw) as executedKrw from spending group by all order by dongName, phase';
    await page.getByLabel('SQL (읽기 전용)').fill(sql);
    await page.getByRole('button', { name: '실행' }).click();
    const result = page.getByRole('table', { name: '질의' });
    await result.waitFor();
    const expected = (await service.json('POST', '/api/query', 'analyst', { sql, limit: 1000 })).body.rows as Row[];
    expect(await result.locator('tbody tr').count()).toBe(Math.min(50, expected.length));
    // A query's money reads to the won (43,740,000원), never rounded to 백만원.
    expect(await result.locator('tbody tr').first().locator('td[data-key="executedKrw"]').textContent()).toBe(formatWon(expected[0]!.executedKrw as number, 'ko'));
    // A year reads 2019, not 2,019.
    expect(await result.locator('tbody tr').first().locator('td[data-key="fiscalYear"]').textContent()).toBe(String(expected[0]!.fiscalYear));
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
    await page.getByRole('dialog').getByTestId('drill-shown').waitFor();
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
