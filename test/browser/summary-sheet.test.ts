// 요약 시트 넣기 end to end: the built pane inside a fake Excel (fake-office.ts), against the real
// service with the Daejeon demo. The sheet carries what the 요약 shows: the headline figures of the
// summary's city and continuing rows, the flagged dongs with their reasons, one native chart per
// headline figure, each figure in its own unit.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { headlineFigures, metrics } from '../../domain/metrics.ts';
import { summaryLayout } from '../../addin/excel/insert.ts';
import { openDemoPane, workbookOf, type DemoPane } from './demo-pane.ts';
import { describeViolations, runAxe } from './harness.ts';

type Row = Record<string, unknown>;

describe('요약 시트 넣기 in a fake Excel against the real service', () => {
  let pane: DemoPane;
  let summary: Row[];

  beforeAll(async () => {
    pane = await openDemoPane({ viewport: { width: 1024, height: 900 }, fakeExcel: true });
    summary = (await pane.service.json('GET', '/api/compare/summary', 'manager')).body.rows;
  }, 60_000);

  afterAll(() => pane?.close());

  it('puts the headline figures, the flagged dongs and a chart per figure into a new sheet', async () => {
    const { service, server, browser } = pane;
    const { page } = browser;
    const wb = workbookOf(page);
    await page.goto(`${server.url}/taskpane.html`);
    await page.getByLabel('토큰').fill(service.tokens.manager);
    await page.getByRole('button', { name: '로그인' }).click();
    await page.getByText('Excel에 연결되었습니다.').waitFor();
    await page.getByRole('tab', { name: '요약' }).click();
    await page.locator('#panel-summary[data-state="complete"]').waitFor();
    await page.getByRole('button', { name: '요약 시트 넣기' }).click();
    await page.getByRole('status').filter({ hasText: "'요약' 시트에 요약표와 차트를 넣었습니다." }).waitFor();
    expect(describeViolations(await runAxe(page))).toBe('');

    const flags = summary.filter((r) => r.kind === 'dong' && r.flag !== null);
    const flagged = new Set(flags.map((r) => r.dong));
    const layout = summaryLayout(headlineFigures.length, flags.length, 20);
    const cell = (row: number, col: number) => wb((w, a: [number, number]) => w.cell('요약', a[0], a[1]), [row, col]);
    expect((await cell(0, 0)).value).toBe('자치 장부 — 요약');
    expect((await cell(1, 0)).value).toMatch(new RegExp(`^지원 검토 ${flagged.size}곳 / 20개 동 · 기준 시각 \\d{2}:\\d{2}$`));

    // Headline figures: the city's value and median per phase, the same dongs in both phases; each in its unit.
    const header = await Promise.all([0, 1, 2, 3, 4, 5, 6, 7].map((c) => cell(layout.headlineTop, c).then((x) => x.value)));
    expect(header).toEqual(['지표', '1단계 값', '1단계 중앙값', '2단계 값', '2단계 중앙값', '계속 참여 동 수', '계속 참여 1단계', '계속 참여 2단계']);
    for (const [i, f] of headlineFigures.entries()) {
      const row = layout.headlineTop + 1 + i;
      expect((await cell(row, 0)).value).toBe(metrics[f].ko);
      const city = (phase: number) => summary.find((r) => r.kind === 'city' && r.figure === f && r.phase === phase && r.cohort === null)!;
      expect((await cell(row, 1)).value).toBe(city(1).value);
      expect((await cell(row, 2)).value).toBe(city(1).median);
      expect((await cell(row, 4)).value).toBe(city(2).median);
      const continuing = summary.find((r) => r.kind === 'continuing' && r.figure === f && r.phase === 2 && r.versus === 1 && r.cohort === null)!;
      expect((await cell(row, 5)).value).toBe(continuing.dongsWithData);
      expect((await cell(row, 7)).value).toBe(continuing.value);
      expect((await cell(row, 1)).format).toBe(metrics[f].unit === 'per1000' ? '#,##0.0' : '0.0%');
    }

    // The flagged dongs: which figure, which phase, why, against what.
    expect((await cell(layout.flagTop, 4)).value).toBe('지원 검토');
    const reasons = await Promise.all(flags.map((_, i) => cell(layout.flagTop + 1 + i, 4).then((x) => x.value)));
    expect(reasons.sort()).toEqual(flags.map((r) => (r.flag === 'low' ? '낮음 (중앙값)' : '하락 (이전 단계)')).sort());
    const dongNames = await Promise.all(flags.map((_, i) => cell(layout.flagTop + 1 + i, 1).then((x) => x.value)));
    expect(new Set(dongNames)).toEqual(new Set(flags.map((r) => r.dongName)));
    // 의제 완료율 is a headline figure like the others: every agenda the pilot dongs adopted in 2019
    // was done, and 중리동's late 2020 plan is among the flags, under that figure's name.
    const agendaRow = layout.headlineTop + 1 + headlineFigures.indexOf('agendaCompletionRate');
    expect((await cell(agendaRow, 0)).value).toBe('의제 완료율');
    expect((await cell(agendaRow, 1)).value).toBe(1);
    const flagFigures = await Promise.all(
      flags.map((_, i) => Promise.all([cell(layout.flagTop + 1 + i, 1), cell(layout.flagTop + 1 + i, 2)]).then(([d, f]) => `${String(d.value)} ${String(f.value)}`)),
    );
    expect(flagFigures).toContain('중리동 의제 완료율');

    // One native clustered column chart of phase 1 against phase 2 per headline figure.
    const charts = await wb((w) => w.charts('요약'));
    expect(charts.map((c) => c.title)).toEqual(headlineFigures.map((f) => `동별 ${metrics[f].ko}: 1단계 대 2단계`));
    expect(new Set(charts.map((c) => c.type))).toEqual(new Set(['ColumnClustered']));
    expect((await wb((w) => w.pageLayout('요약'))).orientation).toBe('Landscape');
    expect(browser.errors).toEqual([]);
  });
});
