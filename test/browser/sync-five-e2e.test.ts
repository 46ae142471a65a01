// End to end, all five sheets: the built task pane in Chromium inside a fake Excel (fake-office.ts),
// against the real service on a temp DuckDB file. A 가양2동 official inserts the five templates, types
// a row or two in each, syncs once: the service holds them, the kinds' cross-checks come back as
// warnings on the cells (an agenda with more votes than its assembly had voters, a spending line
// naming an agenda its 자치계획 lacks), each line's 관련 의제 offers the dong's agendas of that year,
// and another client's agenda is offered, then taken into the workbook (and into the lines' drop-down).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kinds, sheets, type Kind } from '../../domain/sheets.ts';
import { batch, type TestService } from '../support/service.ts';
import type { FakeWorkbookApi } from './fake-office.ts';
import { openExcelPane, signInExcel, workbookOf, type ExcelPane } from './demo-pane.ts';
import type { BrowserSession, TestServer } from './harness.ts';

/** A table row as an official types it: the hidden 행ID blank, then the sheet's columns by field. */
const typed = (kind: Kind, values: Record<string, unknown>) => ['', ...sheets[kind].columns.map((c) => values[c.field] ?? '')];
const column = (kind: Kind, field: string) => 1 + sheets[kind].columns.findIndex((c) => c.field === field);

describe('all five sheets synced in a fake Excel against the real service', () => {
  let svc: TestService;
  let server: TestServer;
  let browser: BrowserSession;
  let pane: ExcelPane;
  const wb = <T>(fn: (w: FakeWorkbookApi, arg: never) => T, arg?: unknown): Promise<T> => workbookOf(browser.page)(fn, arg);
  const stored = async (kind: Kind) =>
    ((await svc.json('GET', `/api/rows/${kind}?since=0`, 'dong')).body.rows as { rowId: string; revision: number; deleted: boolean; values: Record<string, unknown> }[]).filter(
      (r) => !r.deleted,
    );
  const syncNow = async () => {
    const { page } = browser;
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

  it('inserts the five templates, with 자치계획 and 위원구성 beside the first three', async () => {
    const { page } = browser;
    await signInExcel(page, server.url, svc.tokens.dong);
    await page.getByRole('button', { name: '서식 표 넣기' }).click();
    await page.getByRole('status').filter({ hasText: '표 5개를 만들었습니다.' }).waitFor();
    expect(await wb((w) => w.tableNames())).toEqual(kinds.map((k) => sheets[k].table));
    const agendas = await wb((w) => w.table('JachiAgendas'));
    expect(agendas?.header).toEqual(['행ID', ...sheets.agendas.columns.map((c) => c.header)]);
    expect(agendas?.hidden).toEqual([0]);
    const council = await wb((w) => w.table('JachiCouncil'));
    expect(council?.header.slice(0, 6)).toEqual(['행ID', '동', '단계', '회계연도', '기준일', '정원']);
  });

  it('syncs rows typed in each sheet once: the service holds them all, ids written back', async () => {
    const { page } = browser;
    const rows: Record<string, unknown[][]> = {
      JachiParticipation: [
        typed('participation', {
          dong: '가양2동',
          phase: '1단계',
          date: '2019.11.9',
          activity: '주민총회',
          title: '2019 주민총회',
          participants: 320,
          voters: '300',
          votersOnline: 40,
          online: 'Y',
        }),
      ],
      JachiProgress: [
        typed('progress', { dong: '가양2동', phase: 1, milestone: '주민총회 개최', plannedOn: '2019-11-30', completedOn: '2019-11-09', status: '완료', progressPct: 100 }),
      ],
      JachiAgendas: [
        typed('agendas', {
          dong: '가양2동',
          phase: 1,
          fiscalYear: 2019,
          title: '마을 축제',
          assemblyOn: '2019-11-09',
          votesFor: 250,
          votesAgainst: 30,
          adopted: '예',
          estimatedCostKrw: '5,000,000',
          status: '완료',
          completedOn: '2019-12-10',
        }),
        // 290 + 30 = 320 votes, at an assembly of 300 voters: kept, with a warning.
        typed('agendas', {
          dong: '가양2동',
          phase: 1,
          fiscalYear: 2019,
          title: '공유 텃밭',
          assemblyOn: '2019-11-09',
          votesFor: 290,
          votesAgainst: 30,
          adopted: 'O',
          status: '가결',
        }),
      ],
      JachiCouncil: [
        typed('council', {
          dong: '가양2동',
          phase: 1,
          fiscalYear: 2019,
          asOf: '2019-04-22',
          seats: 50,
          applicants: 80,
          selectedByLottery: 45,
          members: 48,
          women: 22,
          youth: 5,
          subcommittees: 4,
          trainingCompleted: 48,
        }),
      ],
      JachiSpending: [
        typed('spending', {
          dong: '가양2동',
          phase: 1,
          fiscalYear: 2019,
          category: '자체 사업비',
          item: '마을 축제 운영',
          fundingSource: '특별교부세',
          budgetKrw: 5_000_000,
          executedKrw: 4_800_000,
          executedOn: '2019-12-10',
          agenda: '마을 축제',
        }),
        // An agenda the 자치계획 lacks: kept, with a warning on 관련 의제.
        typed('spending', {
          dong: '가양2동',
          phase: 1,
          fiscalYear: 2019,
          category: '자체 사업비',
          item: '벽화 재료',
          fundingSource: '시비',
          budgetKrw: 3_000_000,
          executedKrw: 3_000_000,
          executedOn: '2019-12-12',
          agenda: '마을 벽화',
        }),
      ],
    };
    await wb((w, a: Record<string, unknown[][]>) => {
      for (const [table, values] of Object.entries(a)) w.typeRows(table, values);
    }, rows);
    await syncNow();

    const [participation, progress, agendas, council, spending] = await Promise.all([
      stored('participation'),
      stored('progress'),
      stored('agendas'),
      stored('council'),
      stored('spending'),
    ]);
    expect(participation.map((r) => r.values)).toEqual([expect.objectContaining({ dong: '30110-gayang2', date: '2019-11-09', voters: 300, votersOnline: 40, online: true })]);
    expect(progress.map((r) => r.values)).toEqual([expect.objectContaining({ milestone: '주민총회 개최', status: '완료', completedOn: '2019-11-09' })]);
    expect(agendas.map((r) => r.values).sort((a, b) => String(a.title).localeCompare(String(b.title), 'ko'))).toEqual([
      expect.objectContaining({ title: '공유 텃밭', votesFor: 290, votesAgainst: 30, adopted: true, status: '가결' }),
      expect.objectContaining({ title: '마을 축제', adopted: true, estimatedCostKrw: 5_000_000, status: '완료', completedOn: '2019-12-10' }),
    ]);
    expect(council.map((r) => r.values)).toEqual([expect.objectContaining({ seats: 50, applicants: 80, members: 48, women: 22, asOf: '2019-04-22' })]);
    expect(spending.map((r) => r.values.agenda).sort()).toEqual(['마을 벽화', '마을 축제']);
    // Each table's rows carry the ids the service keeps.
    for (const [table, kindRows] of [
      ['JachiAgendas', agendas],
      ['JachiCouncil', council],
      ['JachiSpending', spending],
    ] as const) {
      const ids = (await wb((w, a: string) => w.table(a), table))!.rows.map((r) => r[0]);
      expect(new Set(ids), table).toEqual(new Set(kindRows.map((r) => r.rowId)));
    }
    // Nothing refused; the two cross-checks listed as warnings, each naming its sheet and cell.
    expect(await page.getByTestId('refused').count()).toBe(0);
    const warned = await page.getByTestId('warnings').getByRole('button').allTextContents();
    expect(warned, warned.join('\n')).toHaveLength(2);
    expect(warned.find((t) => t.includes('자치계획'))).toMatch(/찬성·반대 합계 320표가 가양2동 주민총회\(2019-11-09\) 투표자 수 300명보다 많습니다/);
    expect(warned.find((t) => t.includes('예산집행'))).toMatch(/'마을 벽화'은\(는\) 가양2동의 2019년 자치계획에 없는 의제입니다/);
  });

  it('shows each warning on its cell, Korean first: 찬성 of the agenda, 관련 의제 of the line', async () => {
    const agendas = (await wb((w) => w.table('JachiAgendas')))!;
    const over = agendas.rows.findIndex((r) => r[column('agendas', 'title')] === '공유 텃밭');
    const votes = await wb((w, a: [number, number]) => w.tableCell('JachiAgendas', a[0], a[1]), [over, column('agendas', 'votesFor')]);
    expect(votes.fill).toBe('#FFF3CD');
    expect(votes.note).toMatch(/^\[자치 장부\] 찬성: 찬성·반대 합계 320표가 가양2동 주민총회\(2019-11-09\) 투표자 수 300명보다 많습니다/);
    const fine = await wb((w, a: [number, number]) => w.tableCell('JachiAgendas', a[0], a[1]), [1 - over, column('agendas', 'votesFor')]);
    expect(fine).toMatchObject({ fill: null, note: null });

    const lines = (await wb((w) => w.table('JachiSpending')))!;
    const orphan = lines.rows.findIndex((r) => r[column('spending', 'agenda')] === '마을 벽화');
    const cell = await wb((w, a: [number, number]) => w.tableCell('JachiSpending', a[0], a[1]), [orphan, column('spending', 'agenda')]);
    expect(cell.fill).toBe('#FFF3CD');
    expect(cell.note).toMatch(/^\[자치 장부\] 관련 의제: '마을 벽화'은\(는\) 가양2동의 2019년 자치계획에 없는 의제입니다/);
  });

  it("offers each line's 관련 의제 as a drop-down of its dong's agendas that year, warning (not refusing) another value", async () => {
    const cells = await wb((w, a: number) => [0, 1].map((row) => w.cell('예산집행', 1 + row, a)), column('spending', 'agenda'));
    for (const c of cells) expect(c).toMatchObject({ list: '마을 축제,공유 텃밭', alert: 'Warning' });
  });

  it("offers another client's agenda, and once taken it is in the 자치계획 sheet and the lines' drop-down", async () => {
    const sent = await svc.json(
      'POST',
      '/api/sync/agendas',
      'dong',
      batch([{ values: { dong: '가양2동', phase: 1, fiscalYear: 2019, title: '마을 도서관', status: '발굴', note: '다른 통합문서에서' } }]),
    );
    expect(sent.body.results[0].status).toBe('accepted');
    await syncNow();
    // A sync adds no row the table does not hold unasked: the agenda is offered first.
    const before = (await wb((w) => w.table('JachiAgendas')))!.rows.map((r) => r[column('agendas', 'title')]);
    expect(before).toEqual(['마을 축제', '공유 텃밭']);
    const offer = browser.page.getByTestId('offers-agendas');
    expect(await offer.getByTestId('offers-fit').textContent()).toContain('마을 도서관');
    await offer.getByRole('button', { name: '표에 추가' }).click();
    await browser.page.getByRole('status').filter({ hasText: '1행을 표에 추가했습니다' }).waitFor();
    const titles = (await wb((w) => w.table('JachiAgendas')))!.rows.map((r) => r[column('agendas', 'title')]);
    expect(titles).toEqual(['마을 축제', '공유 텃밭', '마을 도서관']);
    const cell = await wb((w, a: number) => w.cell('예산집행', 1, a), column('spending', 'agenda'));
    expect(cell.list).toBe('마을 축제,공유 텃밭,마을 도서관');
    expect(browser.errors).toEqual([]);
  });
});
