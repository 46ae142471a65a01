// The warnings that read another kind's rows (README, "Rules"), over HTTP: an
// agenda's votes over the voters of its dong's assembly, and a spending line naming an agenda the
// dong's 자치계획 of that year lacks. Warnings, never errors: the rows are kept.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { batch, spendingRow, startService, type TestService } from '../support/service.ts';

let svc: TestService;
beforeAll(async () => {
  svc = await startService();
  // 가양2동's 2019 assembly: 300 on site and 40 online, the same day (one assembly of 340 voters).
  const assembly = (voters: number, online: boolean) => ({
    values: {
      dong: '가양2동',
      phase: 1,
      date: '2019-11-09',
      activity: '주민총회',
      title: '2019 주민총회',
      participants: voters,
      voters,
      votersOnline: online ? voters : 0,
      online,
    },
  });
  const sent = await svc.json('POST', '/api/sync/participation', 'dong', batch([assembly(300, false), assembly(40, true)]));
  expect(sent.body.results.map((r: any) => r.status)).toEqual(['accepted', 'accepted']);
});
afterAll(() => svc.close());

const codes = (result: any) => (result.warnings ?? []).map((w: any) => `${w.field}:${w.code}`);
const agenda = (over: Record<string, unknown> = {}) => ({
  dong: '가양2동',
  phase: 1,
  fiscalYear: 2019,
  title: '마을 축제',
  assemblyOn: '2019-11-09',
  votesFor: 300,
  votesAgainst: 20,
  adopted: true,
  status: '가결',
  ...over,
});

describe('an agenda’s votes against its assembly’s voters', () => {
  it('warns on 찬성 when for + against exceed the voters of the assembly that day, naming both; the row is kept', async () => {
    const answer = await svc.json('POST', '/api/sync/agendas', 'dong', batch([{ values: agenda() }, { values: agenda({ title: '공유 텃밭', votesFor: 330, votesAgainst: 25 }) }]));
    const [within, over] = answer.body.results;
    expect(within).toMatchObject({ status: 'accepted' });
    expect(codes(within)).toEqual([]);
    expect(over.status).toBe('accepted');
    expect(codes(over)).toEqual(['votesFor:votes_over_voters']);
    expect(over.warnings[0].message.ko).toBe(
      '찬성: 찬성·반대 합계 355표가 가양2동 주민총회(2019-11-09) 투표자 수 340명보다 많습니다. 찬반 수나 주민참여 시트의 투표자 수를 확인하세요.',
    );
    expect(over.warnings[0].message.en).toMatch(/^Votes for: votes for and against \(355\) exceed the 340 voters recorded at 가양2동's assembly of 2019-11-09/);
    const stored = (await svc.json('GET', '/api/rows/agendas?since=0', 'dong')).body.rows.map((r: any) => r.values.title);
    expect(stored).toContain('공유 텃밭');
  });

  it('without a 총회 상정일 (or with another day) reads the phase’s largest assembly; with none recorded, says nothing', async () => {
    const noDate = await svc.json('POST', '/api/sync/agendas', 'dong', batch([{ values: agenda({ title: '마을 도서관', assemblyOn: null, votesFor: 400, votesAgainst: 0 }) }]));
    expect(codes(noDate.body.results[0])).toEqual(['votesFor:votes_over_voters']);
    // 2020 (phase 2): no assembly of 가양2동 recorded yet, so nothing to compare with.
    const unknown = await svc.json(
      'POST',
      '/api/sync/agendas',
      'dong',
      batch([{ values: agenda({ phase: 2, fiscalYear: 2020, title: '마을 신문', assemblyOn: '2020-10-10', votesFor: 5_000 }) }]),
    );
    expect(unknown.body.results[0].status).toBe('accepted');
    expect(codes(unknown.body.results[0])).toEqual([]);
  });
});

describe('a spending line’s 관련 의제 against the dong’s 자치계획', () => {
  it('warns on 관련 의제 when the dong’s plan of that year lacks it; a title as in the plan (spaces aside) is fine', async () => {
    const answer = await svc.json(
      'POST',
      '/api/sync/spending',
      'dong',
      batch([
        { values: spendingRow({ category: '자체 사업비', item: '축제 운영', budgetKrw: 5_000_000, executedKrw: 4_000_000, agenda: ' 마을 축제 ' }) },
        { values: spendingRow({ category: '자체 사업비', item: '벽화 재료', budgetKrw: 3_000_000, executedKrw: 3_000_000, agenda: '마을 벽화' }) },
        // 마을 축제 is of the 2019 plan, not of 2020's.
        {
          values: spendingRow({
            phase: 2,
            fiscalYear: 2020,
            category: '자체 사업비',
            item: '축제 2020',
            budgetKrw: 1_000_000,
            executedKrw: 0,
            executedOn: null,
            agenda: '마을 축제',
          }),
        },
      ]),
    );
    const [inPlan, missing, otherYear] = answer.body.results;
    expect(codes(inPlan)).toEqual([]);
    expect(missing.status).toBe('accepted');
    expect(codes(missing)).toEqual(['agenda:agenda_not_in_plan']);
    expect(missing.warnings[0].message.ko).toBe(
      "관련 의제: '마을 벽화'은(는) 가양2동의 2019년 자치계획에 없는 의제입니다. 자치계획 시트의 의제명과 똑같이 쓰거나, 의제를 자치계획에 먼저 넣으세요.",
    );
    expect(missing.warnings[0].message.en).toContain("'마을 벽화' is not an agenda of 가양2동's 2019 자치계획");
    expect(codes(otherYear)).toEqual(['agenda:agenda_not_in_plan']);
  });

  it('shows in the import report at the 관련 의제 cell, like the other warnings', async () => {
    const ExcelJS = (await import('exceljs')).default;
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('예산집행');
    ws.addRow(['동', '단계', '회계연도', '비목', '세부내역', '예산액(원)', '집행액(원)', '관련 의제']);
    ws.addRow(['가양2동', 1, 2019, '자체 사업비', '축제 홍보물', 1_000_000, 900_000, '마을 축제']);
    ws.addRow(['가양2동', 1, 2019, '자체 사업비', '놀이터 정비', 2_000_000, 1_000_000, '놀이터']);
    const form = new FormData();
    form.set('file', new File([(await wb.xlsx.writeBuffer()) as ArrayBuffer], 'gayang2-lines.xlsx'));
    form.set('dryRun', 'true');
    const res = await svc.app.request('/api/import', { method: 'POST', body: form, headers: { authorization: `Bearer ${svc.tokens.dong}` } });
    const [sheet] = ((await res.json()) as any).sheets;
    expect(sheet.rows).toHaveLength(2);
    const warned = sheet.warnings.filter((w: any) => w.code === 'agenda_not_in_plan');
    expect(warned.map((w: any) => `${w.column}${w.row} ${w.field} ${w.value}`)).toEqual(['H3 agenda 놀이터']);
    expect(warned[0].message.ko).toMatch(/^관련 의제: '놀이터'은\(는\) 가양2동의 2019년 자치계획에 없는 의제입니다/);
  });
});
