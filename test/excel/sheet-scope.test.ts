// An official's sheet is theirs (issue 13): after adopting last year's sheet, a sync sends its rows
// and a pull writes nothing the official did not ask for — not the dong's other years, not below the
// 합계 row. Headers the normaliser does not know are mapped by hand in the adopt step, and every later
// sync reads the table the same way. The sync workflow runs as in the pane: the Excel layer over the
// strict fake host (reading an unloaded property fails), the real service over real HTTP.
import { describe, expect, it } from 'vitest';
import { createExcelLayer } from '../../addin/excel/index.ts';
import { createSyncWorkflow } from '../../addin/sync/workflow.ts';
import { memoryKeyValue, workbookMemory, type KeyValue } from '../../addin/sync/state-store.ts';
import { ApiClient } from '../../addin/taskpane/api.ts';
import { batch, servedPerTest, spendingRow } from '../support/service.ts';
import { addGrid, mockHost, newModel, type Model } from './strict-mock.ts';

const serve = servedPerTest();

const header = ['동', '단계', '회계연도', '비목', '세부내역', '재원', '예산액(원)', '집행액(원)'];
const lines = [
  ['가양2동', 1, 2019, '자치지원관 인건비', '자치지원관 보수', '특별교부세', 40_000_000, 39_000_000],
  ['가양2동', 1, 2019, '주민자치학교 운영비', '강사료', '시비', 12_000_000, 11_500_000],
];
const total = ['합계', '', '', '', '', '', 52_000_000, 50_500_000];

async function pane(base: string, token: string, model: Model, kv: KeyValue) {
  const api = new ApiClient({ token, baseUrl: base });
  const meta = await api.meta();
  return createSyncWorkflow({ api, meta, layer: createExcelLayer(mockHost(model)), memory: await workbookMemory(kv) });
}

/** The adopted table's rows as the official sees them, without the hidden 행ID. */
const shown = (model: Model) => model.tables[0]!.rows.map((r) => r.slice(1));

describe('a sheet owns its rows', () => {
  it("pulls nothing into last year's sheet unasked: other years are offered for a new sheet, the year's own rows added above 합계 only when taken", async () => {
    const { svc, base } = await serve();
    // Rows the dong keeps elsewhere: one more 2019 line, and two 2020 lines.
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
    expect(elsewhere.body.results.map((r: { status: string }) => r.status)).toEqual(['accepted', 'accepted', 'accepted']);
    const [festival, ...year2020] = elsewhere.body.results.map((r: { rowId: string }) => r.rowId) as string[];

    const model = newModel();
    addGrid(model, '2019 예산', [header, ...lines, total]);
    model.selectedCell = { sheet: '2019 예산', row: 1, col: 1 };
    const workflow = await pane(base, svc.tokens.dong, model, memoryKeyValue());
    const proposal = await workflow.proposeAdoption();
    expect(proposal.report.error).toBeUndefined();
    await workflow.adopt(proposal, { scope: 'rows' });
    expect((await workflow.binding('spending'))?.scope).toEqual({ dongs: [expect.any(String)], years: [2019], phases: [1] });

    const outcome = (await workflow.syncKind('spending'))!;
    expect(outcome).toMatchObject({ rowsRead: 2, accepted: 2, pulled: 0 });
    // The sheet is as the official left it: two lines, then the total row, nothing below.
    expect(shown(model)).toEqual([...lines, total]);
    expect(outcome.offers.fits.map((r) => r.rowId)).toEqual([festival]);
    expect(outcome.offers.outside.map((r) => r.rowId).sort()).toEqual([...year2020].sort());
    // Nothing of the offers counts as the table's: the next sync sends nothing and deletes nothing.
    const again = (await workflow.syncKind('spending'))!;
    expect(again).toMatchObject({ rowsSent: 0, deleteCandidates: [] });
    expect(again.offers.fits).toHaveLength(1);

    // The official takes the 2019 line: it goes in above 합계, which stays the last row.
    expect(await workflow.takeOffered('spending', [festival!])).toBe(1);
    const rows = shown(model);
    expect(rows).toHaveLength(4);
    expect(rows[2]).toEqual(['가양2동', 1, 2019, '자체 사업비', '마을 축제', '시비', 5_000_000, 4_000_000]);
    expect(rows[3]).toEqual(total);
    expect(model.tables[0]!.rows[2]![0]).toBe(festival);
    const after = (await workflow.syncKind('spending'))!;
    expect(after).toMatchObject({ rowsSent: 0, deleteCandidates: [], pulled: 0 });
    expect(after.offers.fits).toEqual([]);
    expect(after.offers.outside).toHaveLength(2);

    // A change on the service to a row the sheet holds is written in place (the row is the sheet's).
    const stored = (await svc.json('GET', '/api/rows/spending?since=0', 'dong')).body.rows.find((r: { rowId: string }) => r.rowId === festival);
    const edit = await svc.json(
      'POST',
      '/api/sync/spending',
      'dong',
      batch([{ rowId: festival, baseRevision: stored.revision, values: { ...stored.values, executedKrw: 4_500_000 } }]),
    );
    expect(edit.body.results[0].status).toBe('accepted');
    expect((await workflow.pullKind('spending'))?.written).toBe(1);
    expect(shown(model)[2]![7]).toBe(4_500_000);
    expect(shown(model)[3]).toEqual(total);

    // The sheet has no 집행일 column: an edit made in the sheet keeps the service's 집행일 as it was.
    model.tables[0]!.rows[2]![8] = 4_800_000;
    expect(await workflow.syncKind('spending')).toMatchObject({ rowsSent: 1, accepted: 1 });
    const edited = (await svc.json('GET', '/api/rows/spending?since=0', 'dong')).body.rows.find((r: { rowId: string }) => r.rowId === festival);
    expect(edited.values).toMatchObject({ executedKrw: 4_800_000, executedOn: '2019-10-05', item: '마을 축제' });
  });

  it('maps unknown headers by hand before adopting, and every later sync reads the table with that mapping', async () => {
    const { svc, base } = await serve();
    const model = newModel();
    const kv = memoryKeyValue();
    // A 대덕구 sheet: 지출 구분 and 내역 요약 are words the normaliser does not know.
    addGrid(model, '대덕구 집행', [
      ['동', '단계', '회계연도', '지출 구분', '내역 요약', '예산액(원)', '담당자'],
      ['가양2동', 1, 2019, '자체 사업비', '마을 축제', 5_000_000, '김담당'],
      ['가양2동', 1, 2019, '간사 인건비', '간사 보수', 20_000_000, '김담당'],
    ]);
    model.selectedCell = { sheet: '대덕구 집행', row: 0, col: 0 };
    const workflow = await pane(base, svc.tokens.dong, model, kv);
    const first = await workflow.proposeAdoption('spending');
    expect(first.report.error?.code).toBe('missing_columns');
    expect(first.report.error?.candidates?.map((c) => c.header)).toEqual(['지출 구분', '내역 요약', '담당자']);
    // Nothing is made while a required field has no column.
    await expect(workflow.adopt(first, { scope: 'rows' })).rejects.toMatchObject({ code: 'missing_columns' });
    expect(model.tables).toEqual([]);

    const map = { '지출 구분': 'category', '내역 요약': 'item', 담당자: '무시' };
    const mapped = await workflow.proposeAdoption('spending', map);
    expect(mapped.report.error).toBeUndefined();
    // The rows as they will be read, before anything is sent.
    expect(mapped.report.rows.map((r) => [r.values.category, r.values.item, r.values.budgetKrw])).toEqual([
      ['자체 사업비', '마을 축제', 5_000_000],
      ['간사 인건비', '간사 보수', 20_000_000],
    ]);
    expect(mapped.report.header?.ignored.map((c) => c.header)).toEqual(['담당자']);
    await workflow.adopt(mapped, { scope: 'all' });
    const bound = await workflow.binding('spending');
    expect(bound?.map).toEqual(map);
    expect(bound?.scope).toBeUndefined();

    // A pane opened later on the same workbook reads the table the same way.
    const later = await pane(base, svc.tokens.dong, model, kv);
    const outcome = (await later.syncKind('spending'))!;
    expect(outcome).toMatchObject({ rowsRead: 2, accepted: 2, refused: [] });
    const stored = (await svc.json('GET', '/api/rows/spending?since=0', 'dong')).body.rows.map((r: { values: Record<string, unknown> }) => [r.values.category, r.values.item]);
    expect(stored.sort()).toEqual([
      ['간사 인건비', '간사 보수'],
      ['자체 사업비', '마을 축제'],
    ]);
  });
  it('maps a header of words the normaliser knows none of: every column by hand, then the table reads as mapped', async () => {
    const { svc, base } = await serve();
    const model = newModel();
    // A title row above, and a header whose every word is the district's own.
    addGrid(model, '집행 내역', [
      ['2019년 자치회 집행 내역', '', '', '', ''],
      ['지역', '시기', '해당연도', '항목', '배정금액'],
      ['가양2동', 1, 2019, '자체 사업비', 5_000_000],
      ['가양2동', 1, 2019, '기타', 1_000_000],
    ]);
    model.selectedCell = { sheet: '집행 내역', row: 1, col: 0 };
    const workflow = await pane(base, svc.tokens.dong, model, memoryKeyValue());
    const first = await workflow.proposeAdoption('spending');
    // Offered for mapping rather than refused: the row with the headers, every column unmapped, 확인 blocked.
    expect(first.report.header?.row).toBe(2);
    expect(first.report.header?.columns).toEqual([]);
    expect(first.report.header?.ignored.map((c) => `${c.column}:${c.header}`)).toEqual(['A:지역', 'B:시기', 'C:해당연도', 'D:항목', 'E:배정금액']);
    expect(first.report.error?.code).toBe('missing_columns');
    expect(first.report.error?.missing?.map((m) => m.field)).toEqual(['dong', 'phase', 'fiscalYear', 'category', 'budgetKrw']);
    await expect(workflow.adopt(first, { scope: 'rows' })).rejects.toMatchObject({ code: 'missing_columns' });

    // One column mapped: the choice is kept, and the fields still without a column are named.
    const one = await workflow.proposeAdoption('spending', { 지역: 'dong' });
    expect(one.report.header?.columns).toContainEqual(expect.objectContaining({ header: '지역', field: 'dong' }));
    expect(one.report.error?.code).toBe('missing_columns');
    expect(one.report.error?.missing?.map((m) => m.field)).not.toContain('dong');

    const map = { 지역: 'dong', 시기: 'phase', 해당연도: 'fiscalYear', 항목: 'category', 배정금액: 'budgetKrw' };
    const mapped = await workflow.proposeAdoption('spending', map);
    expect(mapped.report.error).toBeUndefined();
    expect(mapped.report.rows.map((r) => [r.values.category, r.values.budgetKrw])).toEqual([
      ['자체 사업비', 5_000_000],
      ['기타', 1_000_000],
    ]);
    await workflow.adopt(mapped, { scope: 'rows' });
    expect(await workflow.syncKind('spending')).toMatchObject({ rowsRead: 2, accepted: 2, refused: [] });
  });
});
