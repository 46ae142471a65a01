// 파일 올리기 (issue 13): the built page in Chromium, outside Office, against the real service over
// real HTTP. An official drops the fixtures and a CP949 CSV from another district, sees the
// header mapping and the per-cell report (the same as `import --dry-run`), maps the unknown
// column, and stores; the rows are then in the service like any synced row.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { TestService } from '../support/service.ts';
import { openDemoPane, type DemoPane } from './demo-pane.ts';
import type { BrowserSession } from './harness.ts';

const fixtures = resolve(import.meta.dirname, '../../../shared/fixtures');

/** CP949 bytes (Node decodes EUC-KR but has no encoder). */
function cp949(text: string): number[] {
  const table = new Map<string, number[]>();
  const decoder = new TextDecoder('euc-kr');
  for (let lead = 0x81; lead <= 0xfe; lead++) {
    for (let trail = 0x41; trail <= 0xfe; trail++) {
      const ch = decoder.decode(new Uint8Array([lead, trail]));
      if (ch.length === 1 && ch !== '\ufffd' && !table.has(ch)) table.set(ch, [lead, trail]);
    }
  }
  return [...text].flatMap((ch) => (ch.charCodeAt(0) < 0x80 ? [ch.charCodeAt(0)] : (table.get(ch) ?? [])));
}

describe('uploading a file without the add-in', () => {
  let pane: DemoPane;
  let service: TestService;
  let browser: BrowserSession;

  beforeAll(async () => {
    pane = await openDemoPane();
    ({ service, browser } = pane);
    const { page } = browser;
    await page.goto(`${pane.server.url}/taskpane.html`);
    await page.getByLabel('토큰').fill(service.tokens.dong);
    await page.getByRole('button', { name: '로그인' }).click();
    await page.getByTestId('who').waitFor();
    await page.getByRole('tab', { name: '파일 올리기' }).click();
  }, 60_000);

  afterAll(() => pane?.close());

  it('previews a fixture as import --dry-run reports it: the header mapping and every refused cell', async () => {
    const { page } = browser;
    const name = 'gayang2-2019-spending.xlsx';
    await page.getByLabel('파일 (.xlsx, .csv)').setInputFiles(join(fixtures, name));
    await page.getByRole('button', { name: '미리보기' }).click();
    await page.getByTestId('upload-counts').waitFor();

    const form = new FormData();
    form.set('file', new File([readFileSync(join(fixtures, name))], name));
    form.set('dryRun', 'true');
    const api = (await (await service.app.request('/api/import', { method: 'POST', body: form, headers: { authorization: `Bearer ${service.tokens.dong}` } })).json()) as any;
    const sheet = api.sheets[0];
    expect(await page.getByTestId('upload-counts').textContent()).toBe(`가져올 행 ${sheet.counts.accepted} · 거부 ${sheet.counts.rejected} · 건너뜀 ${sheet.counts.skipped}`);
    const refused = await page.getByTestId('upload-rejected').locator('li').allTextContents();
    expect(refused).toEqual(sheet.rejected.map((r: any) => `${r.column}${r.row}: ${r.message.ko}`));
    // each header column with the field it became
    const mapping = page.getByTestId('upload-mapping');
    for (const c of sheet.header.columns) {
      expect(await mapping.getByLabel(`${c.column} ${c.header}`).inputValue()).toBe(c.field);
    }
    expect(await page.getByRole('button', { name: '저장' }).getAttribute('disabled')).toBeNull();
  });

  it('takes a dropped CP949 CSV from another district, maps its unknown column, and stores it', async () => {
    const { page } = browser;
    const csv = '동,단계,회계연도,지출항목,용도,예산액\r\n가양2동,1,2019,기타,마을 신문,"120,000"\r\n가양2동,1,2019,자체 사업비,벽화,"800,000"\r\n';
    await page.getByTestId('drop-zone').evaluate((zone, bytes) => {
      const data = new DataTransfer();
      data.items.add(new File([new Uint8Array(bytes)], '대덕구-예산.csv', { type: 'text/csv' }));
      zone.dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));
    }, cp949(csv));
    await page.getByRole('button', { name: '미리보기' }).click();
    const error = page.getByTestId('sheet-error');
    await error.waitFor();
    expect(await error.textContent()).toContain("D열 '지출항목'");
    expect(await page.getByText('CSV 인코딩: CP949(EUC-KR)').count()).toBe(1);
    // nothing can be stored while a required field has no column
    expect(await page.getByRole('button', { name: '저장' }).getAttribute('disabled')).toBe('');

    await page.getByTestId('upload-mapping').getByLabel('D 지출항목').selectOption('category');
    expect(await page.getByTestId('upload-mapping').getByLabel('E 용도').inputValue()).toBe('');
    await page.getByTestId('upload-mapping').getByLabel('E 용도').selectOption('item');
    await page.getByRole('button', { name: '미리보기' }).click();
    await page.getByText('가져올 행 2 · 거부 0 · 건너뜀 0').waitFor();
    await page.getByRole('button', { name: '저장' }).click();
    await page.getByTestId('upload-stored').waitFor();
    expect(await page.getByTestId('upload-stored').textContent()).toContain('2행을 저장했습니다');

    const rows = (await service.json('GET', '/api/rows/spending?since=0', 'dong')).body.rows.filter((r: any) => r.source === '대덕구-예산.csv');
    expect(rows.map((r: any) => [r.values.category, r.values.item, r.values.budgetKrw])).toEqual([
      ['기타', '마을 신문', 120_000],
      ['자체 사업비', '벽화', 800_000],
    ]);
  });
});
