// addin/taskpane/views/sync-model.ts: what the 동기화 view shows for a sync's outcomes, without a DOM or Office.
import { describe, expect, it } from 'vitest';
import { kinds, metaColumns, rowIdHeader, sheets, type Kind } from '../../domain/sheets.ts';
import type { Conflict } from '../../addin/sync/index.ts';
import type { KindOutcome, ResultItem } from '../../addin/sync/workflow.ts';
import { conflictFields, connectionModel, deleteModel, progressModel, resultsModel, syncNames, syncTotals } from '../../addin/taskpane/views/sync-model.ts';

// The kinds as /api/meta gives them.
const meta = {
  kinds: kinds.map((kind) => ({ kind, sheet: sheets[kind].sheet, table: sheets[kind].table, rowIdHeader, columns: metaColumns(kind) })),
  dongs: [{ code: '3023052000', name: '가양2동', district: '대덕구', city: '30', adminCode: null, joinedPhase: 1, cohort: 1, population: {}, populationIllustrative: false }],
};

const msg = (ko: string) => ({ ko, en: `${ko} (en)` });
const item = (kind: Kind, address: string, status: ResultItem['status']): ResultItem => ({
  kind,
  tableName: `T_${kind}`,
  row: 0,
  column: 1,
  address,
  status,
  messages: [msg(address)],
});

function outcome(kind: Kind, over: Partial<KindOutcome> = {}): KindOutcome {
  return {
    kind,
    tableName: `T_${kind}`,
    rowsRead: 0,
    rowsSent: 0,
    accepted: 0,
    unchanged: 0,
    refused: [],
    warnings: [],
    skipped: [],
    conflicts: [],
    deleteCandidates: [],
    pulled: 0,
    offers: { kind, tableName: `T_${kind}`, fits: [], outside: [] },
    offline: false,
    failedBatches: [],
    ...over,
  };
}

describe('syncNames', () => {
  const names = syncNames(meta, 'ko');

  it('names every kind by its sheet, however many kinds domain/ has', () => {
    for (const kind of kinds) expect(names.sheetOf(kind)).toBe(sheets[kind].sheet);
  });

  it('shows values as an official reads them', () => {
    expect(names.show('3023052000', 'spending', 'dong')).toBe('가양2동');
    expect(names.show(156000000, 'spending', 'budgetKrw')).toBe('156,000,000');
    expect(names.show(true)).toBe('예');
    expect(syncNames(meta, 'en').show(false)).toBe('No');
    expect(names.show(null)).toBe('–');
    expect(names.show('')).toBe('–');
  });

  it('labels fields by their Korean header, and an unknown field by its name', () => {
    expect(names.labelOf('spending', 'budgetKrw')).toBe('예산액(원)');
    expect(names.labelOf('spending', 'nope')).toBe('nope');
  });

  it('titles a row by its dong, phase and what it is about, for every kind', () => {
    expect(names.rowTitle('spending', { dong: '3023052000', phase: 1, fiscalYear: 2019, category: '자체사업', item: '마을축제' })).toBe('가양2동 · 1 · 2019 · 자체사업 · 마을축제');
    expect(names.rowTitle('progress', { dong: '3023052000', phase: 2, milestone: '주민총회' })).toBe('가양2동 · 2 · 주민총회');
    for (const kind of kinds) expect(names.rowTitle(kind, { dong: '3023052000', phase: 1 })).toBe('가양2동 · 1');
    expect(names.rowTitle('spending', null)).toBe('');
  });

  it('describes a row offered as a delete by its first columns, or its id when never seen', () => {
    const values = { dong: '3023052000', phase: 1, fiscalYear: 2019, category: '기타', item: null, fundingSource: '시비', budgetKrw: 1000 };
    expect(names.describeRow('spending', { rowId: 'r1', baseRevision: 3, values })).toBe('가양2동 · 1 · 2019 · 기타 · – · 시비');
    expect(names.describeRow('spending', { rowId: 'r1', baseRevision: 3 })).toBe('r1');
  });
});

describe('resultsModel', () => {
  it('lists refused cells, warnings and skipped rows of every kind synced, in order', () => {
    const model = resultsModel([
      outcome('spending', { refused: [item('spending', 'I13', 'rejected')], warnings: [item('spending', 'F7', 'warning')] }),
      outcome('progress', { refused: [item('progress', 'C4', 'invalid')], skipped: [{ kind: 'progress', sheetRow: 9, reason: 'total', message: msg('합계') }] }),
    ]);
    expect(model.refused.map((x) => x.address)).toEqual(['I13', 'C4']);
    expect(model.warnings.map((x) => x.address)).toEqual(['F7']);
    expect(model.skipped.map((x) => x.sheetRow)).toEqual([9]);
  });

  it('is empty before any sync', () => {
    expect(resultsModel([])).toEqual({ refused: [], warnings: [], skipped: [], fillOnly: false });
  });

  it('says when the reasons are only in the list: cells marked by their fill alone (before ExcelApi 1.10)', () => {
    const refused = [item('spending', 'I13', 'rejected')];
    expect(resultsModel([outcome('spending', { refused, marksAs: 'fill' })]).fillOnly).toBe(true);
    expect(resultsModel([outcome('spending', { refused, marksAs: 'comments' })]).fillOnly).toBe(false);
    // Marks cleared by the fill alone, nothing refused: nothing to say.
    expect(resultsModel([outcome('spending', { marksAs: 'fill' })]).fillOnly).toBe(false);
  });
});

describe('connectionModel (the badge)', () => {
  it('is online with nothing waiting', () => {
    expect(connectionModel(true, [outcome('spending')], 0)).toEqual({ offline: false, pending: 0 });
  });
  it('is offline when the browser is, or when a sync found the service unreachable', () => {
    expect(connectionModel(false, [], 0).offline).toBe(true);
    expect(connectionModel(true, [outcome('spending'), outcome('council', { offline: true })], 2)).toEqual({ offline: true, pending: 2 });
  });
});

describe('progressModel', () => {
  const base = { kind: 'spending' as const, rowsRead: 40, rowCount: 100, rowsToSend: 10, rowsSent: 4, rowsAccepted: 3 };
  it('counts rows read against the table while reading, then rows sent against rows to send', () => {
    expect(progressModel({ ...base, phase: 'read' })).toEqual({ max: 100, value: 40 });
    expect(progressModel({ ...base, phase: 'send' })).toEqual({ max: 10, value: 4 });
    expect(progressModel({ ...base, phase: 'done' })).toEqual({ max: 10, value: 10 });
  });
  it('never divides by zero', () => {
    expect(progressModel({ ...base, phase: 'read', rowCount: 0, rowsRead: 0 }).max).toBe(1);
    expect(progressModel({ ...base, phase: 'done', rowsToSend: 0 })).toEqual({ max: 1, value: 1 });
  });
});

describe('conflicts, deletes and totals', () => {
  const names = syncNames(meta, 'ko');
  it('shows only the fields whose values differ', () => {
    const c: Conflict = {
      rowId: 'r',
      mine: { dong: '3023052000', budgetKrw: 1 },
      server: { rowId: 'r', revision: 2, deleted: false, values: { dong: '3023052000', budgetKrw: 2 }, updatedBy: 'x', updatedAt: '' } as never,
    };
    expect(conflictFields(c, names.show)).toEqual(['budgetKrw']);
  });
  it('groups rows to delete by kind', () => {
    const model = deleteModel([
      outcome('spending', {
        deleteCandidates: [
          { rowId: 'a', baseRevision: 1 },
          { rowId: 'b', baseRevision: 1 },
        ],
      }),
      outcome('agendas', { deleteCandidates: [{ rowId: 'c', baseRevision: 2 }] }),
    ]);
    expect(model.entries.map((e) => `${e.kind}:${e.d.rowId}`)).toEqual(['spending:a', 'spending:b', 'agendas:c']);
    expect([...model.byKind]).toEqual([
      ['spending', ['a', 'b']],
      ['agendas', ['c']],
    ]);
  });
  it('adds up rows read, sent and taken (accepted or unchanged)', () => {
    expect(syncTotals([outcome('spending', { rowsRead: 5, rowsSent: 3, accepted: 2, unchanged: 1 }), outcome('progress', { rowsRead: 2, rowsSent: 2, accepted: 2 })])).toEqual({
      read: 7,
      sent: 5,
      accepted: 5,
    });
  });
});
