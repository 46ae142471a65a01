/**
 * Sheets from other districts (issue 13): headers mapped by hand, boolean formula cells, CSV in
 * UTF-8 and CP949, and the upload streamed to a bounded file (issue 17). Real HTTP on 127.0.0.1,
 * a real DuckDB file; the workbooks are made here as their producers write them.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import '../../service/workbook/exceljs-utf8.ts';
import ExcelJS from 'exceljs';
import { startService, type TestService } from '../support/service.ts';
import { startServer, type TestServer } from '../browser/harness.ts';

let svc: TestService;
let server: TestServer;
beforeAll(async () => {
  svc = await startService();
  server = await startServer(svc.app.fetch);
});
afterAll(async () => {
  await server.close();
  svc.close();
});

const saved = new Map<string, string | undefined>();
afterEach(() => {
  for (const [k, v] of saved) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  saved.clear();
});

const send = (bytes: Uint8Array, name: string, fields: Record<string, string> = {}) => {
  const form = new FormData();
  form.set('file', new File([new Uint8Array(bytes)], name));
  for (const [k, v] of Object.entries(fields)) form.set(k, v);
  return fetch(`${server.url}/api/import`, { method: 'POST', body: form, headers: { authorization: `Bearer ${svc.tokens.dong}` } });
};
const report = async (res: Response) => {
  const body = (await res.json()) as any;
  expect(res.status, JSON.stringify(body)).toBe(200);
  return body;
};

async function book(rows: unknown[][], sheet = '예산'): Promise<Uint8Array> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet(sheet);
  for (const r of rows) ws.addRow(r);
  return new Uint8Array(await wb.xlsx.writeBuffer());
}

/** CP949 bytes of a text, as Korean Excel and 한셀 save CSV (Node decodes EUC-KR but has no encoder). */
function cp949(text: string): Uint8Array {
  const table = new Map<string, number[]>();
  const decoder = new TextDecoder('euc-kr');
  for (let lead = 0x81; lead <= 0xfe; lead++) {
    for (let trail = 0x41; trail <= 0xfe; trail++) {
      const ch = decoder.decode(new Uint8Array([lead, trail]));
      if (ch.length === 1 && ch !== '\ufffd' && !table.has(ch)) table.set(ch, [lead, trail]);
    }
  }
  const out: number[] = [];
  for (const ch of text) {
    if (ch.charCodeAt(0) < 0x80) out.push(ch.charCodeAt(0));
    else out.push(...(table.get(ch) ?? []));
  }
  return new Uint8Array(out);
}

describe('headers mapped by hand', () => {
  const daedeok = [
    ['2019년 주민자치회 예산 집행 (단위: 원)'],
    ['동', '단계', '회계연도', '지출항목', '용도', '예산액', '집행액'],
    ['가양2동', 1, 2019, '기타', '회의 다과', 300_000, 120_000],
    ['가양2동', 1, 2019, '자체 사업비', '마을 축제', 2_000_000, 1_500_000],
  ];

  it('a missing required field names the unknown columns that could be it, and nothing is read', async () => {
    const body = await report(await send(await book(daedeok), 'daedeok.xlsx', { dryRun: 'true' }));
    const [sheet] = body.sheets;
    expect(sheet.error.code).toBe('missing_columns');
    expect(sheet.error.missing.map((m: any) => m.field)).toEqual(['category']);
    expect(sheet.error.candidates).toEqual([
      { column: 'D', header: '지출항목' },
      { column: 'E', header: '용도' },
    ]);
    expect(sheet.error.message.ko).toContain("D열 '지출항목'");
    expect(sheet.error.message.ko).toContain('--map');
    expect(sheet.counts.accepted).toBe(0);
  });

  it('reads the sheet once its columns are mapped (the map field, as the command line writes it or as JSON)', async () => {
    const byText = await report(await send(await book(daedeok), 'daedeok.xlsx', { dryRun: 'true', map: '지출항목=category,용도=item' }));
    const [sheet] = byText.sheets;
    expect(sheet.error).toBeUndefined();
    expect(sheet.header.columns.map((c: any) => `${c.column}:${c.field}`)).toContain('D:category');
    expect(sheet.rows.map((r: any) => [r.values.category, r.values.item, r.values.budgetKrw])).toEqual([
      ['기타', '회의 다과', 300_000],
      ['자체 사업비', '마을 축제', 2_000_000],
    ]);
    const byJson = await report(await send(await book(daedeok), 'daedeok.xlsx', { dryRun: 'true', map: JSON.stringify({ 지출항목: '비목', 용도: '무시' }) }));
    expect(byJson.sheets[0].rows.map((r: any) => r.values.item)).toEqual([null, null]);
    expect(byJson.sheets[0].header.ignored).toContainEqual({ column: 'E', header: '용도' });
  });

  it('refuses a mapping to a field that does not exist, naming the pair (422)', async () => {
    const res = await send(await book(daedeok), 'daedeok.xlsx', { kind: 'spending', map: '지출항목=categry' });
    const body = (await res.json()) as any;
    expect(res.status).toBe(422);
    expect(body.error.code).toBe('invalid_map');
    expect(body.error.message.ko).toContain("'지출항목=categry'");
    expect(body.error.message.ko).toContain('category(비목)');
  });

  it('reads the words other districts use without a mapping (예산과목, 사업내용)', async () => {
    const rows = [
      ['동', '단계', '회계연도', '예산과목', '사업내용', '예산액'],
      ['가양2동', 1, 2019, '기타', '현수막', 50_000],
    ];
    const body = await report(await send(await book(rows), 'words.xlsx', { dryRun: 'true' }));
    expect(body.sheets[0].rows[0].values).toMatchObject({ category: '기타', item: '현수막', budgetKrw: 50_000 });
  });

  it('the command line takes --map and shows which column became which field', () => {
    const dir = svc.dir;
    const file = join(dir, 'daedeok-cli.xlsx');
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('예산');
    for (const r of daedeok) ws.addRow(r);
    return wb.xlsx.writeFile(file).then(() => {
      const jachi = (...args: string[]) =>
        execFileSync(process.execPath, ['bin/jachi.mjs', 'import', file, '--dry-run', '--db', join(dir, 'cli-map.duckdb'), ...args], {
          encoding: 'utf8',
          stdio: ['ignore', 'pipe', 'pipe'],
        });
      const out = jachi('--map', '지출항목=category,용도=item');
      expect(out).toContain('가져옴 2');
      expect(out).toContain('D 지출항목→비목');
      let failure = '';
      try {
        jachi('--map', '지출항목=없는항목');
      } catch (error) {
        failure = String((error as { stderr: string }).stderr);
      }
      expect(failure).toContain("'없는항목'은(는) 알 수 없는 항목입니다");
    });
  });
});

describe('boolean formula cells', () => {
  it('reads =TRUE(), =FALSE() and a formula returning a boolean as yes and no; a formula never calculated is refused at its cell', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('주민참여');
    ws.addRow(['동', '단계', '일자', '활동유형', '참여인원', '온라인']);
    const rows: [string, unknown][] = [
      ['2019-05-01', { formula: 'FALSE()', result: false }],
      ['2019-05-02', { formula: 'TRUE()', result: true }],
      ['2019-05-03', { formula: 'E4>10', result: true }],
      ['2019-05-04', 'FALSE'],
      ['2019-05-05', { formula: 'TRUE()' }],
    ];
    for (const [date, online] of rows) ws.addRow(['가양2동', 1, date, '분과위원회', 12, online]);
    const bytes = new Uint8Array(await wb.xlsx.writeBuffer());
    const body = await report(await send(bytes, 'libreoffice.xlsx', { dryRun: 'true' }));
    const [sheet] = body.sheets;
    expect(sheet.rows.map((r: any) => [r.row, r.values.online])).toEqual([
      [2, false],
      [3, true],
      [4, true],
      [5, false],
    ]);
    expect(sheet.rejected.map((r: any) => `${r.column}${r.row}:${r.code}`)).toEqual(['F6:error_cell']);
  });
});

describe('CSV', () => {
  const text = '동,단계,일자,활동유형,참여인원,온라인\r\n가양2동,1,2019-05-01,주민총회,"1,204",N\r\n가양2동,1,2019-06-11,분과위원회,15,예\r\n';

  it.each([
    ['UTF-8 with a BOM', new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode(text)]), 'utf-8'],
    ['UTF-8', new TextEncoder().encode(text), 'utf-8'],
    ['CP949', cp949(text), 'euc-kr'],
  ])('reads a CSV in %s through the same normaliser and report', async (_label, bytes, encoding) => {
    const body = await report(await send(bytes as Uint8Array, '참여.csv', { dryRun: 'true' }));
    expect(body).toMatchObject({ format: 'csv', encoding });
    const [sheet] = body.sheets;
    expect(sheet).toMatchObject({ sheet: '참여', kind: 'participation' });
    expect(sheet.rows.map((r: any) => [r.values.activity, r.values.participants, r.values.online])).toEqual([
      ['주민총회', 1204, false],
      ['분과위원회', 15, true],
    ]);
  });

  it('refuses a CSV whose encoding cannot be told for sure, saying why', async () => {
    // Latin-1 text: neither UTF-8 nor CP949
    const latin1 = new Uint8Array([...new TextEncoder().encode('동,단계\r\n'), 0x63, 0x61, 0x66, 0xe9, 0x2c, 0x31, 0x0d, 0x0a]);
    const res = await send(latin1, 'cafe.csv');
    const body = (await res.json()) as any;
    expect(res.status).toBe(422);
    expect(body.error.code).toBe('undecodable_csv');
    expect(body.error.message.ko).toContain('UTF-8로도 CP949(EUC-KR)로도 읽히지 않습니다');
    const nul = await send(new Uint8Array([0x41, 0, 0x42, 0]), 'utf16.csv');
    expect(((await nul.json()) as any).error.message.ko).toContain('NUL');
  });

  it('stores a CSV like a workbook: the rows then sync', async () => {
    const body = await report(await send(cp949(text), '참여-저장.csv'));
    expect(body.sheets[0].counts.accepted).toBe(2);
    const rows = (await svc.json('GET', '/api/rows/participation?since=0', 'dong')).body.rows;
    expect(rows.filter((r: any) => r.source === '참여-저장.csv')).toHaveLength(2);
  });
});

describe('the upload', () => {
  it('refuses a file over the upload limit with 413 and a Korean message, and stores nothing', async () => {
    saved.set('JACHI_IMPORT_MAX_UPLOAD_MB', process.env.JACHI_IMPORT_MAX_UPLOAD_MB);
    process.env.JACHI_IMPORT_MAX_UPLOAD_MB = '0.05';
    const before = svc.store.revision;
    const big = new TextEncoder().encode(`동,단계,일자,활동유형,참여인원\n${'가양2동,1,2019-05-01,주민총회,10\n'.repeat(4000)}`);
    // sent chunked (no Content-Length), so the limit is met while the body streams
    const stream = new Blob([big]).stream();
    const boundary = 'jachiBoundary';
    const head = new TextEncoder().encode(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.csv"\r\nContent-Type: text/csv\r\n\r\n`);
    const tail = new TextEncoder().encode(`\r\n--${boundary}--\r\n`);
    const body = new ReadableStream<Uint8Array>({
      async start(controller) {
        controller.enqueue(head);
        const reader = stream.getReader();
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          controller.enqueue(value);
        }
        controller.enqueue(tail);
        controller.close();
      },
    });
    const res = await fetch(`${server.url}/api/import`, {
      method: 'POST',
      body,
      duplex: 'half',
      headers: { authorization: `Bearer ${svc.tokens.dong}`, 'content-type': `multipart/form-data; boundary=${boundary}` },
    } as RequestInit);
    const answer = (await res.json()) as any;
    expect(res.status).toBe(413);
    expect(answer.error.code).toBe('body_too_large');
    expect(answer.error.message.ko).toContain('한도를 넘습니다');
    expect(svc.store.revision).toBe(before);
  });

  it('says what is wrong with a file that is neither .xlsx nor .csv', async () => {
    const res = await send(new TextEncoder().encode('hello'), 'notes.docx');
    expect(res.status).toBe(400);
    expect(((await res.json()) as any).error.message.ko).toContain('.xlsx나 .csv 파일이 아닙니다');
  });
});
