// The built task pane (dist/addin) served by the real service on a fresh store with the Daejeon demo,
// and Chromium to open it (with a fake Excel when asked): what the browser tests of the views share.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { loadDemo } from '../../service/demo.ts';
import { startService, type TestService } from '../support/service.ts';
import { installFake, type FakeWorkbookApi } from './fake-office.ts';
import { addinDist, openBrowser, startServer, type BrowserSession, type TestServer } from './harness.ts';

export interface DemoPane {
  service: TestService;
  server: TestServer;
  browser: BrowserSession;
  close(): Promise<void>;
}

export async function openDemoPane(options: { viewport?: { width: number; height: number }; fakeExcel?: boolean } = {}): Promise<DemoPane> {
  if (!existsSync(join(addinDist, 'taskpane.html'))) throw new Error('dist/addin is missing: run `npm run build` first (npm test does)');
  const service = await startService({ staticDir: addinDist });
  await loadDemo(service.store);
  const server = await startServer(service.app.fetch);
  const browser = await openBrowser({ viewport: options.viewport ?? { width: 1280, height: 900 } });
  if (options.fakeExcel) await installFake(browser.page);
  return {
    service,
    server,
    browser,
    async close() {
      await browser.close();
      await server.close();
      service.close();
    },
  };
}

/** Runs `fn` on the fake workbook inside the page (fn is sent as source text, with one JSON argument). */
export function workbookOf(page: Page) {
  return <T>(fn: (w: FakeWorkbookApi, arg: never) => T, arg?: unknown): Promise<T> =>
    page.evaluate(
      ([source, a]) =>
        (new Function('w', 'a', `return (${source})(w, a)`) as (w: unknown, a: unknown) => T)((window as unknown as { __fakeWorkbook: FakeWorkbookApi }).__fakeWorkbook, a),
      [fn.toString(), arg] as const,
    );
}

/** Opens the pane and signs in with `token` from a fresh start (no token kept from a sign-in before). */
export async function signInPane(page: Page, url: string, token: string): Promise<void> {
  await page.goto(`${url}/taskpane.html`);
  await page.evaluate(() => (sessionStorage.clear(), localStorage.clear()));
  await page.reload();
  await page.getByLabel('토큰').fill(token);
  await page.getByRole('button', { name: '로그인' }).click();
  await page.getByTestId('who').waitFor();
}

/** The pane inside the fake Excel (fake-office.ts) over a fresh store without the demo: what the sync tests share. */
export interface ExcelPane {
  svc: TestService;
  server: TestServer;
  browser: BrowserSession;
  close(): Promise<void>;
}

export async function openExcelPane(): Promise<ExcelPane> {
  // JACHI_ADDIN_DIST: the same tests over another build of the pane.
  const dist = process.env.JACHI_ADDIN_DIST ?? addinDist;
  if (!existsSync(join(dist, 'taskpane.html'))) throw new Error(`${dist} is missing: run \`npm run build\` first (npm test does)`);
  const svc = await startService({ staticDir: dist });
  const server = await startServer(svc.app.fetch);
  const browser = await openBrowser({ viewport: { width: 1024, height: 900 } });
  await installFake(browser.page);
  return {
    svc,
    server,
    browser,
    async close() {
      await browser.close();
      await server.close();
      svc.close();
    },
  };
}

/** Signs in inside the fake Excel and waits until the pane says it is connected to the workbook. */
export async function signInExcel(page: Page, url: string, token: string): Promise<void> {
  await page.goto(`${url}/taskpane.html`);
  await page.getByLabel('토큰').fill(token);
  await page.getByRole('button', { name: '로그인' }).click();
  await page.getByText('Excel에 연결되었습니다.').waitFor();
}
