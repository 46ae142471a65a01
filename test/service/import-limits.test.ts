/**
 * Workbooks in a box (issue 17, attacks 2, 4 and 5): every bomb is built here, small, against
 * small limits set the way an operator sets them (JACHI_IMPORT_… in the environment), and sent over
 * real HTTP to the service on 127.0.0.1.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { setTimeout as sleep } from 'node:timers/promises';
import { startService, type TestService } from '../support/service.ts';
import { startServer, type TestServer } from '../browser/harness.ts';
import { sheetXml, workbookParts, zipOf } from '../support/xlsx.ts';
import { runningReaders } from '../../service/import/index.ts';

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

/** Limits for one test, in the operator's environment variables; put back afterwards. */
const saved = new Map<string, string | undefined>();
function limits(env: Record<string, string>) {
  for (const [k, v] of Object.entries(env)) {
    if (!saved.has(k)) saved.set(k, process.env[k]);
    process.env[k] = v;
  }
}
afterEach(() => {
  for (const [k, v] of saved) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  saved.clear();
});

const header = ['동', '단계', '회계연도', '비목', '세부내역', '예산액(원)', '집행액(원)'];
const spending = (n: number, tag = '항목') => [header, ...Array.from({ length: n }, (_, i) => ['가양2동', 1, 2019, '기타', `${tag} ${i}`, 1000, 500] as (string | number)[])];

const send = (bytes: Buffer, fields: Record<string, string> = {}, signal?: AbortSignal) => {
  const form = new FormData();
  form.set('file', new File([new Uint8Array(bytes)], 'book.xlsx'));
  for (const [k, v] of Object.entries(fields)) form.set(k, v);
  return fetch(`${server.url}/api/import`, { method: 'POST', body: form, headers: { authorization: `Bearer ${svc.tokens.dong}` }, signal });
};

async function refused(res: Response, status: number) {
  const body = (await res.json()) as any;
  expect(res.status, JSON.stringify(body)).toBe(status);
  expect(Object.keys(body.error)).toEqual(['code', 'message']);
  expect(Object.keys(body.error.message)).toEqual(['ko', 'en']);
  return body.error as { code: string; message: { ko: string; en: string } };
}

const storedRows = async () => (await svc.json('GET', '/api/rows/spending?since=0', 'dong')).body.rows.length as number;

async function until(check: () => boolean, what: string) {
  for (let i = 0; i < 3000 && !check(); i++) await sleep(10);
  expect(check(), what).toBe(true);
}

describe('POST /api/import keeps a workbook in its box', () => {
  it('imports a small hand-built workbook within the limits, and says which batch stored it', async () => {
    limits({ JACHI_IMPORT_MAX_ROWS: '10' });
    const res = await send(zipOf(workbookParts(sheetXml(spending(5)))));
    const report = (await res.json()) as any;
    expect(res.status).toBe(200);
    expect(report.sheets[0].counts.accepted).toBe(5);
    expect(report.batches).toEqual([{ batchId: expect.any(String), sheet: '예산집행', kind: 'spending', rows: 5 }]);
    const status = await svc.json('GET', `/api/batches/${report.batches[0].batchId}`, 'dong');
    expect(status.body.status).toBe('applied');
  });

  it('refuses shared strings that expand hugely, by their bytes and by their count', async () => {
    const strings = (n: number, length: number) =>
      `<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="${n}" uniqueCount="${n}">${`<si><t>${'가'.repeat(length)}</t></si>`.repeat(n)}</sst>`;
    const sheet = sheetXml([['동']]);
    const big = zipOf(workbookParts(sheet, { 'xl/sharedStrings.xml': strings(2000, 1000) })); // 6 MB of text in ~10 KB
    expect(big.length).toBeLessThan(64 * 1024);
    limits({ JACHI_IMPORT_MAX_STRINGS_MB: '1' });
    const bytes = await refused(await send(big), 413);
    expect(bytes.message.ko).toContain('xl/sharedStrings.xml');
    expect(bytes.message.en).toContain('1 MB');

    limits({ JACHI_IMPORT_MAX_STRINGS_MB: '64', JACHI_IMPORT_MAX_STRINGS: '1000' });
    const count = await refused(await send(zipOf(workbookParts(sheet, { 'xl/sharedStrings.xml': strings(5000, 1) }))), 413);
    expect(count.message.ko).toContain('공유 문자열');
    expect(count.message.en).toContain('1,000');
  });

  it('refuses a sheet over the row limit before storing anything, dry run or not', async () => {
    limits({ JACHI_IMPORT_MAX_ROWS: '20' });
    const before = await storedRows();
    const revision = svc.store.revision;
    const book = zipOf(workbookParts(sheetXml(spending(30, '행 한도'))));
    for (const fields of [{ dryRun: 'true' }, {}] as Record<string, string>[]) {
      const error = await refused(await send(book, fields), 413);
      expect(error.message.ko).toContain('xl/worksheets/sheet1.xml');
      expect(error.message.ko).toContain('행');
      expect(error.message.en).toContain('rows');
    }
    expect(svc.store.revision).toBe(revision);
    expect(await storedRows()).toBe(before);
    // The same sheet under the limit goes in whole.
    limits({ JACHI_IMPORT_MAX_ROWS: '31' });
    expect((await send(book)).status).toBe(200);
    expect(await storedRows()).toBe(before + 30);
  });

  it('refuses an xl/workbook.xml that inflates past its cap, without inflating it whole', async () => {
    limits({ JACHI_IMPORT_MAX_PART_MB: '0.0625' }); // 64 KB
    const padded = `<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><!--${'x'.repeat(4 * 1024 * 1024)}--><sheets><sheet name="예산집행" sheetId="1" r:id="rId1"/></sheets></workbook>`;
    const error = await refused(await send(zipOf(workbookParts(sheetXml(spending(1)), { 'xl/workbook.xml': padded }))), 413);
    expect(error.message.ko).toContain('xl/workbook.xml');
    expect(error.message.en).toContain('64 KB');
  });

  it('refuses one huge cell, and a sheet of whitespace, while /api/health keeps answering', async () => {
    limits({ JACHI_IMPORT_MAX_CELL_KB: '64' });
    const huge = zipOf(workbookParts(sheetXml([header, ['가양2동', 1, 2019, '기타', 'x'.repeat(8 * 1024 * 1024), 1, 1]])));
    const blank = zipOf(workbookParts(sheetXml(spending(2), ' '.repeat(8 * 1024 * 1024))));
    for (const book of [huge, blank]) {
      let answered = false;
      const importing = send(book).then((res) => {
        answered = true;
        return res;
      });
      await until(() => runningReaders() > 0 || answered, 'the import is being read');
      const reading = !answered;
      const health = await fetch(`${server.url}/api/health`);
      expect(health.status).toBe(200);
      expect(((await health.json()) as any).status).toBe('ok');
      // Health answered while the workbook was still being read, off the service thread.
      if (reading) expect(answered).toBe(false);
      const error = await refused(await importing, 413);
      expect(error.message.ko).toContain('셀');
      expect(error.message.en).toContain('64 KB');
    }
    await until(() => runningReaders() === 0, 'no reader left');
  });

  it('refuses by the ratio a part that inflates far more than anything Excel writes', async () => {
    limits({ JACHI_IMPORT_MAX_RATIO: '100', JACHI_IMPORT_MAX_CELL_KB: '16384' });
    const book = zipOf(workbookParts(sheetXml([header, ['가양2동', 1, 2019, '기타', 'x'.repeat(8 * 1024 * 1024), 1, 1]])));
    const error = await refused(await send(book), 413);
    expect(error.message.en).toContain('100 times');
  });

  it('stops reading (the worker is gone) when the client hangs up, and stores nothing', async () => {
    const before = await storedRows();
    const revision = svc.store.revision;
    const book = zipOf(workbookParts(sheetXml(spending(20_000))));
    const client = new AbortController();
    const importing = send(book, {}, client.signal).catch((error: Error) => error);
    await until(() => runningReaders() > 0, 'the import is being read');
    client.abort();
    expect(await importing).toBeInstanceOf(Error);
    await until(() => runningReaders() === 0, 'the worker is gone');
    expect(svc.store.revision).toBe(revision);
    expect(await storedRows()).toBe(before);
  });

  it('stops reading when the request runs out of time: 504, the worker gone, nothing stored', async () => {
    const slow = await startService({ limits: { longRequestTimeoutMs: 200 } });
    const slowServer = await startServer(slow.app.fetch);
    const revision = slow.store.revision;
    try {
      const form = new FormData();
      form.set('file', new File([new Uint8Array(zipOf(workbookParts(sheetXml(spending(20_000)))))], 'book.xlsx'));
      const res = await fetch(`${slowServer.url}/api/import`, { method: 'POST', body: form, headers: { authorization: `Bearer ${slow.tokens.dong}` } });
      expect((await refused(res, 504)).code).toBe('request_timeout');
      await until(() => runningReaders() === 0, 'the worker is gone');
      expect(slow.store.revision).toBe(revision);
    } finally {
      await slowServer.close();
      slow.close();
    }
  });

  it('reads no more workbooks at once than its readers; the others wait their turn', async () => {
    limits({ JACHI_IMPORT_READERS: '1' });
    let most = 0;
    let done = false;
    const watch = (async () => {
      while (!done) {
        most = Math.max(most, runningReaders());
        await sleep(5);
      }
    })();
    const answers = await Promise.all([1, 2, 3].map((n) => send(zipOf(workbookParts(sheetXml(spending(50, `차례 ${n}`)))), { dryRun: 'true' })));
    done = true;
    await watch;
    expect(answers.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(most).toBe(1);
  });

  it('answers 400 for a file that is a zip in name only', async () => {
    const corrupt = Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(2000, 7)]);
    const error = await refused(await send(corrupt), 400);
    expect(error.code).toBe('unreadable_workbook');
    const broken = zipOf(workbookParts(sheetXml(spending(3))));
    broken.fill(0x41, 200, 400); // inside the deflated parts
    expect((await refused(await send(broken), 400)).message.ko).toContain('.xlsx');
  });
});
