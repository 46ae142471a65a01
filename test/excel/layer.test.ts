import { describe, expect, it } from 'vitest';
import { OfficeMockObject } from 'office-addin-mock';
import { createExcelLayer, templateSpecs, notePrefix, isPayloadTooLarge, areaAddresses } from '../../addin/excel/index.ts';
import { fieldNumberFormats } from '../../domain/number-formats.ts';
import { kinds, rowIdHeader, sheets } from '../../domain/sheets.ts';
import { addGrid, addTable, mockHost, newModel, strict, UnloadedPropertyError } from './strict-mock.ts';

const header = [rowIdHeader, '동', '단계', '일자', '활동유형', '참여인원'];
const fields = [null, 'dong', 'phase', 'date', 'activity', 'participants'];
const dataRow = (i: number) => [`id-${i}`, '갈마1동', 1, 43615 + i, '주민총회', i];

describe('the strict mock', () => {
  it('throws when a property is read before load and sync', async () => {
    const range = strict(new OfficeMockObject({ values: [[1]], address: 'A1' }), 'range');
    expect(() => range.values).toThrow(UnloadedPropertyError);
    range.load('values');
    expect(() => range.values).toThrow(/before load\(\) and context.sync\(\)/);
    await range.sync();
    await new Promise((r) => setTimeout(r, 0));
    expect(range.values).toEqual([[1]]);
    expect(() => range.address).toThrow(UnloadedPropertyError);
  });

  it('fails an Excel layer read that forgot to load', async () => {
    const model = newModel();
    const host = mockHost(model);
    await expect(host.run(async (ctx: { workbook: { tables: { getItem(n: string): { name: string } } } }) => ctx.workbook.tables.getItem('x').name)).rejects.toThrow();
  });
});

describe('insertTemplates', () => {
  it('inserts a table per kind with Korean headers, a hidden 행ID, formats and code lists', async () => {
    const model = newModel();
    const excel = createExcelLayer(mockHost(model));
    const result = await excel.insertTemplates(templateSpecs());
    expect(result.map((r) => [r.kind, r.created])).toEqual(kinds.map((kind) => [kind, true]));
    expect(model.tables.map((t) => t.name)).toEqual(kinds.map((kind) => sheets[kind].table));
    const spending = model.tables.find((t) => t.name === 'JachiSpending')!;
    expect(spending.sheet).toBe('예산집행');
    expect(spending.header).toEqual([rowIdHeader, ...sheets.spending.columns.map((c) => c.header)]);
    expect(spending.hiddenColumns.has(0)).toBe(true);
    const col = (field: string) => 1 + sheets.spending.columns.findIndex((c) => c.field === field);
    expect(spending.columnFormats.get(col('budgetKrw'))).toBe('#,##0');
    expect(spending.columnFormats.get(col('executedOn'))).toBe('yyyy-mm-dd');
    expect(spending.columnFormats.get(0)).toBe('@');
    // Every column as domain/number-formats.ts formats it (the .xlsx export's formats), phase included.
    sheets.spending.columns.forEach((c, j) => expect(spending.columnFormats.get(j + 1)).toBe(fieldNumberFormats[c.type]));
    expect(spending.columnFormats.get(col('phase'))).toBe('0');
    expect(spending.validation.get(col('category'))).toBe('자치지원관 인건비,간사 인건비,주민자치학교 운영비,사무공간 조성비,자체 사업비,기타');
    expect(model.frozenRows.get('예산집행')).toBe(1);
    // Load, sync; write, sync; events back on, sync.
    expect(model.syncs).toBe(3);
    expect(model.calcSuspended).toBe(1);
    expect(model.eventsLog).toEqual([false, true]);

    const again = await createExcelLayer(mockHost(model)).insertTemplates(templateSpecs());
    expect(again.every((r) => !r.created)).toBe(true);
  });

  it('leaves events alone before ExcelApi 1.8, and makes the tables without drop-down lists there', async () => {
    const model = newModel({ apiMinor: 7 });
    const [out] = await createExcelLayer(mockHost(model)).insertTemplates(templateSpecs().slice(0, 1));
    expect(model.eventsLog).toEqual([]);
    expect(model.syncs).toBe(2);
    expect(out).toMatchObject({ created: true, dropDowns: false });
    expect(model.tables[0]!.validation.size).toBe(0);
  });

  it('never writes over a sheet the official has: the table goes on a new sheet beside it', async () => {
    const model = newModel();
    const own = [
      ['우리 동 예산', ''],
      ['항목', '금액'],
    ];
    const grid = addGrid(
      model,
      '예산집행',
      own.map((r) => [...r]),
    );
    addGrid(model, '예산집행 (2)', [['메모']]);
    const [out] = await createExcelLayer(mockHost(model)).insertTemplates(templateSpecs().slice(0, 1));
    expect(out).toMatchObject({ created: true, sheet: '예산집행 (3)', renamed: true, dropDowns: true });
    expect(model.tables.find((t) => t.name === 'JachiSpending')!.sheet).toBe('예산집행 (3)');
    expect(grid.values).toEqual(own);
  });
});

describe('readTable', () => {
  it('reads in chunks and halves the chunk on the payload error', async () => {
    const model = newModel({ payloadRows: 6000 });
    addTable(
      model,
      'JachiParticipation',
      '주민참여',
      header,
      Array.from({ length: 25_000 }, (_, i) => dataRow(i)),
    );
    const progress: number[] = [];
    const read = await createExcelLayer(mockHost(model)).readTable('JachiParticipation', { chunkRows: 10_000, onProgress: (n) => progress.push(n) });
    expect(read.headers).toEqual(header);
    expect(read.values).toHaveLength(25_000);
    expect(read.values[24_999]).toEqual(dataRow(24_999));
    expect(read.numberFormat).toHaveLength(25_000);
    expect(progress).toEqual([5000, 10_000, 15_000, 20_000, 25_000]);
    // one for the shape, one refused at 10,000, five chunks of 5,000
    expect(model.syncs).toBe(7);
  });

  it('reads value types, so an error cell (#N/A) is told from the text', async () => {
    const model = newModel();
    const t = addTable(model, 'T', 'S', header, [dataRow(0), ['id-1', '갈마1동', 1, 43616, '주민총회', '#N/A']]);
    t.types = [header.map(() => 'String'), ['String', 'String', 'Integer', 'Integer', 'String', 'Error']];
    const read = await createExcelLayer(mockHost(model)).readTable('T');
    expect(read.values[1]![5]).toBe('#N/A');
    expect(read.valueTypes[1]![5]).toBe('Error');
    expect(read.valueTypes[0]![5]).toBe('String');
  });

  it('reads an empty table as no rows', async () => {
    const model = newModel();
    addTable(model, 'T', 'S', header, [header.map(() => '')]);
    const read = await createExcelLayer(mockHost(model)).readTable('T');
    expect(read.values).toEqual([]);
  });

  it('knows the payload errors of Excel on the web', () => {
    expect(isPayloadTooLarge({ code: 'RequestPayloadSizeLimitExceeded' })).toBe(true);
    expect(isPayloadTooLarge({ code: 'ResponsePayloadSizeLimitExceeded' })).toBe(true);
    expect(isPayloadTooLarge(new Error('x'))).toBe(false);
  });
});

describe('writing', () => {
  it('writes row ids back in one sync', async () => {
    const model = newModel();
    const t = addTable(
      model,
      'T',
      'S',
      header,
      [0, 1, 2, 3].map((i) => ['', ...dataRow(i).slice(1)]),
    );
    await createExcelLayer(mockHost(model)).writeRowIds('T', [
      { index: 0, rowId: 'a' },
      { index: 1, rowId: 'b' },
      { index: 3, rowId: 'd' },
    ]);
    expect(t.rows.map((r) => r[0])).toEqual(['a', 'b', '', 'd']);
    expect(model.syncs).toBe(2);
    expect(model.eventsLog).toEqual([false, true]);
  });

  it('writes pulled rows: updates by id, removes tombstones, appends new ones', async () => {
    const model = newModel();
    const t = addTable(model, 'T', 'S', header, [0, 1, 2].map(dataRow));
    const done = await createExcelLayer(mockHost(model)).writeRows(
      'T',
      fields,
      ['id-0', 'id-1', 'id-2'],
      [
        { type: 'upsert', rowId: 'id-1', values: { dong: '갈마1동', phase: 2, date: '2020-05-30', activity: '분과위원회', participants: 7 } },
        { type: 'remove', rowId: 'id-0' },
        { type: 'upsert', rowId: 'new', values: { dong: '진잠동', phase: 1, date: '2019-01-02', activity: '기타', participants: null } },
      ],
    );
    expect(done).toEqual({ updated: 1, appended: 1, removed: 1 });
    expect(t.rows).toEqual([['id-1', '갈마1동', 2, '2020-05-30', '분과위원회', 7], dataRow(2), ['new', '진잠동', 1, '2019-01-02', '기타', '']]);
    expect(model.calcSuspended).toBe(1);
  });

  it("adds pulled rows above the official's total row when told where, the rows below moving down", async () => {
    const model = newModel();
    const total = ['', '합계', '', '', '', 3];
    const t = addTable(model, 'T', 'S', header, [dataRow(0), dataRow(1), total]);
    const done = await createExcelLayer(mockHost(model)).writeRows(
      'T',
      fields,
      ['id-0', 'id-1', null],
      [
        { type: 'remove', rowId: 'id-0' },
        { type: 'upsert', rowId: 'new', values: { dong: '갈마1동', phase: 1, date: '2019-07-01', activity: '기타', participants: 4 } },
      ],
      { appendAt: 2 },
    );
    expect(done).toEqual({ updated: 0, appended: 1, removed: 1 });
    // id-0 went; the new row sits between id-1 and the total, which stays last.
    expect(t.rows).toEqual([dataRow(1), ['new', '갈마1동', 1, '2019-07-01', '기타', 4], total]);
  });

  it('selects a cell for the results list', async () => {
    const model = newModel();
    addTable(model, 'T', 'S', header, [0, 1, 2].map(dataRow));
    await createExcelLayer(mockHost(model)).selectCell('T', 2, 4);
    expect(model.selection).toEqual({ table: 'T', row: 2, column: 4 });
  });
});

describe('markCells', () => {
  const marks = [
    { row: 0, column: 5, kind: 'rejected' as const, text: '참여인원: 음수일 수 없습니다.' },
    { row: 2, column: 1, kind: 'warning' as const, text: '동: 확인하세요.' },
  ];

  it('fills the cells and adds a Korean note (ExcelApi 1.18), replacing earlier notes and clearing fixed rows', async () => {
    const model = newModel();
    const t = addTable(model, 'T', 'S', header, [0, 1, 2].map(dataRow));
    const excel = createExcelLayer(mockHost(model));
    expect(await excel.markCells('T', marks, { rows: [], columnCount: header.length })).toBe('notes');
    expect(t.fills.get('0:5')).toBe('#F8D7DA');
    expect(t.fills.get('2:1')).toBe('#FFF3CD');
    expect(model.notes.get('S!F2')).toBe(`${notePrefix}참여인원: 음수일 수 없습니다.`);
    expect(model.notes.get('S!B4')).toBe(`${notePrefix}동: 확인하세요.`);

    // The next sync: row 0 is fixed, row 2 is still wrong (its note is replaced, not duplicated).
    await excel.markCells('T', [{ ...marks[1]!, text: '동: 다시 확인하세요.' }], { rows: [0], columnCount: header.length });
    expect(t.fills.has('0:5')).toBe(false);
    expect(model.notes.has('S!F2')).toBe(false);
    expect(model.notes.get('S!B4')).toBe(`${notePrefix}동: 다시 확인하세요.`);
  });

  it('uses comments on ExcelApi 1.10 to 1.17, and fill only before', async () => {
    const withComments = newModel({ apiMinor: 12 });
    addTable(withComments, 'T', 'S', header, [0, 1, 2].map(dataRow));
    expect(await createExcelLayer(mockHost(withComments)).markCells('T', marks, { rows: [], columnCount: 6 })).toBe('comments');
    expect(withComments.comments.get('S!F2')).toContain('음수');
    expect(withComments.notes.size).toBe(0);

    const fillOnly = newModel({ apiMinor: 7 });
    const t = addTable(fillOnly, 'T', 'S', header, [0, 1, 2].map(dataRow));
    expect(await createExcelLayer(mockHost(fillOnly)).markCells('T', marks, { rows: [], columnCount: 6 })).toBe('fill');
    expect(t.fills.size).toBe(2);
    expect(fillOnly.comments.size + fillOnly.notes.size).toBe(0);
  });

  it("removes its comments when the cells are fixed (ExcelApi 1.10, no notes), replaces them, and keeps the official's own", async () => {
    const model = newModel({ apiMinor: 12 });
    const t = addTable(model, 'T', 'S', header, [0, 1, 2].map(dataRow));
    model.comments.set('S!C3', '담당자 메모: 단계 확인');
    const excel = createExcelLayer(mockHost(model));
    await excel.markCells('T', [...marks, { row: 1, column: 2, kind: 'warning', text: '단계: 확인하세요.' }], { rows: [], columnCount: 6 });
    expect(model.comments.get('S!F2')).toBe(`${notePrefix}참여인원: 음수일 수 없습니다.`);
    // The official's comment stays as it was; the cell gets the fill alone (Excel keeps one thread a cell).
    expect(model.comments.get('S!C3')).toBe('담당자 메모: 단계 확인');
    expect(t.fills.get('1:2')).toBe('#FFF3CD');

    // Row 0 and row 1 fixed, row 2 still wrong: its comment replaced, not added twice.
    await excel.markCells('T', [{ ...marks[1]!, text: '동: 다시 확인하세요.' }], { rows: [0, 1], columnCount: 6 });
    expect(model.comments.has('S!F2')).toBe(false);
    expect(t.fills.has('0:5')).toBe(false);
    expect(model.comments.get('S!B4')).toBe(`${notePrefix}동: 다시 확인하세요.`);
    expect(model.comments.get('S!C3')).toBe('담당자 메모: 단계 확인');
    expect(t.fills.has('1:2')).toBe(false);
    expect(model.notes.size).toBe(0);
  });

  it("removes its notes when the cells are fixed (ExcelApi 1.18) and keeps the official's own note", async () => {
    const model = newModel();
    addTable(model, 'T', 'S', header, [0, 1, 2].map(dataRow));
    model.notes.set('S!F3', '직접 쓴 메모');
    const excel = createExcelLayer(mockHost(model));
    await excel.markCells('T', [...marks, { row: 1, column: 5, kind: 'rejected', text: '참여인원: 확인' }], { rows: [], columnCount: 6 });
    expect(model.notes.get('S!F3')).toBe('직접 쓴 메모');
    await excel.markCells('T', [], { rows: [0, 1, 2], columnCount: 6 });
    expect([...model.notes.entries()]).toEqual([['S!F3', '직접 쓴 메모']]);
    expect(model.comments.size).toBe(0);
  });
});

describe('adopting a plain range', () => {
  // Shaped like the fixtures: a merged title, a unit row, a blank row, the header in row 4, a blank
  // row and a total row inside the data, and a 동 merged over two data rows.
  const title = '2019년 가양2동 예산 집행 현황';
  const sheet = [
    [title, '', '', ''],
    ['', '', '', '(단위: 천원)'],
    ['', '', '', ''],
    ['동명', '비목', '예산액', '집행액'],
    ['가양2동', '자치지원관 인건비', 40000, 40000],
    ['', '간사 인건비', 12000, '11,500'],
    ['', '', '', ''],
    ['합계', '', 52000, 51500],
    ['가양2동', '홍보비', 1000, 1000],
  ];
  const merges = ['A1:D1', 'A5:A6'];

  it('reads the whole block of the selection: title rows above, rows past a blank row, and its merged areas', async () => {
    const model = newModel();
    addGrid(model, '2019 집행현황', sheet, merges);
    model.selectedCell = { sheet: '2019 집행현황', row: 5, col: 1 };
    const c = await createExcelLayer(mockHost(model)).readHeaderCandidates(30);
    expect(c).toEqual({ sheet: '2019 집행현황', address: '2019 집행현황!A1:D9', tableName: null, rows: sheet, merges: ['A1:D1', 'A5:A6'] });
  });

  it('says it cannot tell merged areas before ExcelApi 1.13', async () => {
    const model = newModel({ apiMinor: 12 });
    addGrid(model, 'S', sheet, merges);
    model.selectedCell = { sheet: 'S', row: 4, col: 0 };
    const c = await createExcelLayer(mockHost(model)).readHeaderCandidates(3);
    expect(c.merges).toBeNull();
    expect(c.rows).toEqual(sheet.slice(0, 3));
  });

  it('unmerges the merged cells below the header, fills their value down, and makes the table from the header row', async () => {
    const model = newModel();
    const grid = addGrid(model, 'S', sheet, merges);
    const excel = createExcelLayer(mockHost(model));
    const done = await excel.adoptRange({ tableName: null, sheet: 'S', address: 'S!A1:D9', headerRow: 3, newName: 'JachiSpending', merges: ['A1:D1', 'A5:A6'] });
    expect(done).toEqual({ tableName: 'JachiSpending', unmerged: ['A5:A6'] });
    // The title's merge stays above the table; the 동 merge is gone and its value is in both rows.
    expect(grid.merges).toEqual([{ r0: 0, c0: 0, r1: 0, c1: 3 }]);
    const t = model.tables.find((x) => x.name === 'JachiSpending')!;
    expect(t.header).toEqual([rowIdHeader, '동명', '비목', '예산액', '집행액']);
    expect(t.hiddenColumns.has(0)).toBe(true);
    expect(t.rows.map((r) => r.slice(1))).toEqual(sheet.slice(4).map((r, i) => (i === 1 ? ['가양2동', ...r.slice(1)] : r)));
  });

  it('fails as Excel does when merged cells it could not see are in the way', async () => {
    const model = newModel();
    addGrid(model, 'S', sheet, merges);
    await expect(createExcelLayer(mockHost(model)).adoptRange({ tableName: null, sheet: 'S', address: 'S!A1:D9', headerRow: 3, newName: 'T', merges: null })).rejects.toThrow(
      /merged/,
    );
  });

  it('reads the ranges of a RangeAreas address', () => {
    expect(areaAddresses("'2019 집행현황'!$A$1:$K$1, '2019 집행현황'!A2:A4, S!C7")).toEqual(['A1:K1', 'A2:A4', 'C7']);
  });
});

describe('setListChoices (a spending line’s 관련 의제 as a drop-down)', () => {
  const lineHeader = [rowIdHeader, '동', '회계연도', '관련 의제'];
  const message = { title: '관련 의제 / Agenda', message: '자치계획에 없는 의제입니다.' };

  it('puts each group’s list on its rows’ cells, warning (not refusing) another value; an empty list clears one', async () => {
    const model = newModel();
    addTable(model, 'JachiSpending', '예산집행', lineHeader, [
      ['a', '가양2동', 2019, ''],
      ['b', '가양2동', 2019, ''],
      ['c', '가양2동', 2020, ''],
      ['d', '가양2동', 2019, ''],
    ]);
    const layer = createExcelLayer(mockHost(model));
    const done = await layer.setListChoices('JachiSpending', 3, [
      { rows: [0, 1, 3], choices: ['마을 축제', '공유 텃밭'], ...message },
      { rows: [2], choices: [], ...message },
    ]);
    expect(done).toBe(true);
    const cells = model.tables[0]!.cellValidation!;
    for (const row of [0, 1, 3]) expect(cells.get(`${row}:3`)).toEqual({ source: '마을 축제,공유 텃밭', style: 'Warning', message: message.message });
    expect(cells.get('2:3')).toEqual({ source: null });
    // Rows 0–1 are one run, row 3 another: queued together, one sync (and one to turn events back on).
    expect(model.syncs).toBe(2);
  });

  it('does nothing before ExcelApi 1.8 (no data validation there)', async () => {
    const model = newModel({ apiMinor: 7 });
    addTable(model, 'JachiSpending', '예산집행', lineHeader, [['a', '가양2동', 2019, '']]);
    expect(await createExcelLayer(mockHost(model)).setListChoices('JachiSpending', 3, [{ rows: [0], choices: ['마을 축제'], ...message }])).toBe(false);
    expect(model.tables[0]!.cellValidation).toBeUndefined();
  });
});

describe('a host with only ExcelApi 1.7 (what the manifest asks for)', () => {
  // The strict host refuses every call of a newer set (data validation, events, tables of a range,
  // merged areas, comments, notes), as Excel does: each operation must check first and fall back.
  it('inserts, adopts, reads, writes, marks and lists: each with its fallback, none failing', async () => {
    const model = newModel({ apiMinor: 7 });
    const excel = createExcelLayer(mockHost(model));
    const [inserted] = await excel.insertTemplates(templateSpecs().slice(0, 1));
    expect(inserted).toMatchObject({ created: true, dropDowns: false });

    addGrid(model, '참여', [header.slice(1), ...[0, 1].map((i) => dataRow(i).slice(1))]);
    model.selectedCell = { sheet: '참여', row: 1, col: 0 };
    const candidates = await excel.readHeaderCandidates();
    // Merged areas cannot be told before 1.13 (null, not "none"), nor the table of a range before 1.9.
    expect(candidates).toMatchObject({ tableName: null, merges: null });
    const { tableName } = await excel.adoptRange({ tableName: null, sheet: '참여', address: candidates.address, headerRow: 0, newName: 'T', merges: [] });
    const read = await excel.readTable(tableName);
    expect(read.values).toHaveLength(2);
    await excel.writeRowIds(tableName, [
      { index: 0, rowId: 'a' },
      { index: 1, rowId: 'b' },
    ]);
    expect(
      await excel.writeRows(
        tableName,
        fields,
        ['a', 'b'],
        [{ type: 'upsert', rowId: 'b', values: { dong: '갈마1동', phase: 1, date: '2019-06-01', activity: '기타', participants: 3 } }],
      ),
    ).toEqual({ updated: 1, appended: 0, removed: 0 });
    expect(await excel.markCells(tableName, [{ row: 0, column: 5, kind: 'rejected', text: '참여인원' }], { rows: [1], columnCount: header.length })).toBe('fill');
    expect(await excel.setListChoices(tableName, 4, [{ rows: [0], choices: ['기타'], title: 't', message: 'm' }])).toBe(false);
    expect(model.notes.size + model.comments.size).toBe(0);
    expect(model.eventsLog).toEqual([]);
  });
});
