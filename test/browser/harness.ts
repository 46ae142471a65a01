// Browser tests in Debian's Chromium through playwright-core: a fresh profile per browser, no network
// beyond the local test server (office.js's CDN is refused, so the page runs in plain-browser mode),
// console errors collected, axe-core injected from node_modules, screenshots under test-artifacts/.
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { getRequestListener } from '@hono/node-server';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const addinDist = join(repoRoot, 'dist', 'addin');
export const artifactsDir = join(repoRoot, 'test-artifacts');
/** Screenshots the README shows (committed), copied from test-artifacts/. */
export const docsScreenshotsDir = join(repoRoot, 'docs', 'screenshots');
export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Hosts the page may load from the network in real use; in tests they are refused. */
const blockedHosts = /(^|\.)appsforoffice\.microsoft\.com$/;

export type FetchHandler = (request: Request) => Response | Promise<Response>;

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
  '.map': 'application/json',
};

/** Serves files of `dir` (the built task pane) for GET requests; null when there is no such file. */
export function staticFiles(dir: string): (request: Request) => Response | null {
  const root = resolve(dir);
  return (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return null;
    const path = decodeURIComponent(new URL(request.url).pathname);
    const file = normalize(join(root, path === '/' ? 'taskpane.html' : path));
    if (file !== root && !file.startsWith(root + sep)) return null;
    try {
      if (!statSync(file).isFile()) return null;
    } catch {
      return null;
    }
    return new Response(readFileSync(file), { headers: { 'content-type': contentTypes[extname(file)] ?? 'application/octet-stream' } });
  };
}

export interface TestServer {
  url: string;
  close(): Promise<void>;
}

/**
 * An HTTP server on 127.0.0.1 and a free port for a fetch-style handler: a Hono app's `app.fetch`,
 * or `serveAddin()` below.
 */
export async function startServer(handler: FetchHandler): Promise<TestServer> {
  const server: Server = createServer(getRequestListener(handler));
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('The test server has no port.');
  return {
    url: `http://127.0.0.1:${address.port}`,
    close: () =>
      new Promise<void>((ok, fail) => {
        server.closeAllConnections();
        server.close((error) => (error ? fail(error) : ok()));
      }),
  };
}

/** The built task pane (dist/addin), with `/api/*` answered by `api` (404 JSON without one). */
export function serveAddin(api?: FetchHandler, dir = addinDist): Promise<TestServer> {
  const files = staticFiles(dir);
  return startServer(async (request) => {
    if (new URL(request.url).pathname.startsWith('/api/')) {
      if (api) return api(request);
      return Response.json({ error: { code: 'not_found', message: { ko: '없는 주소입니다.', en: 'Not found.' } } }, { status: 404 });
    }
    return files(request) ?? new Response('not found', { status: 404 });
  });
}

export interface ConsoleEntry {
  type: string;
  text: string;
  url: string;
}

export interface BrowserSession {
  context: BrowserContext;
  page: Page;
  /** Console errors and uncaught page errors, except the refused office.js request. */
  errors: ConsoleEntry[];
  /** Every request the page made that was refused because it left the machine. */
  blocked: string[];
  close(): Promise<void>;
}

export interface OpenOptions {
  viewport?: { width: number; height: number };
  locale?: string;
}

/** Chromium with a fresh profile, blocking everything that is not the local test server. */
export async function openBrowser({ viewport = { width: 1280, height: 900 }, locale = 'ko-KR' }: OpenOptions = {}): Promise<BrowserSession> {
  const profile = mkdtempSync(join(tmpdir(), 'jachi-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-dev-shm-usage'],
    viewport,
    locale,
    timezoneId: 'Asia/Seoul',
  });
  const blocked: string[] = [];
  const errors: ConsoleEntry[] = [];
  await context.route(
    (url) => !['127.0.0.1', 'localhost'].includes(url.hostname) && url.protocol !== 'data:' && url.protocol !== 'blob:',
    (route) => {
      blocked.push(route.request().url());
      return route.abort('blockedbyclient');
    },
  );
  const watch = (page: Page) => {
    page.on('console', (message) => {
      if (message.type() !== 'error') return;
      const url = message.location().url;
      // The refused office.js request is expected (plain-browser mode), not an error of the page.
      if (url && blockedHosts.test(new URL(url).hostname)) return;
      if (/ERR_BLOCKED_BY_CLIENT/.test(message.text()) && blocked.some((b) => blockedHosts.test(new URL(b).hostname))) return;
      errors.push({ type: 'console', text: message.text(), url });
    });
    page.on('pageerror', (error) => errors.push({ type: 'pageerror', text: `${error.name}: ${error.message}`, url: page.url() }));
  };
  context.on('page', watch);
  const page = context.pages()[0] ?? (await context.newPage());
  watch(page);
  return {
    context,
    page,
    errors,
    blocked,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[]; failureSummary?: string }[];
}

/** Runs axe-core (WCAG 2.x A/AA and best practices) on the page as it is now. */
export async function runAxe(page: Page, options: { exclude?: string[] } = {}): Promise<AxeViolation[]> {
  const loaded = await page.evaluate(() => typeof (globalThis as { axe?: unknown }).axe !== 'undefined');
  // Evaluated, not added as an inline <script>: the pane's Content-Security-Policy refuses those.
  if (!loaded) await page.evaluate(readFileSync(join(repoRoot, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8'));
  return page.evaluate(async (exclude) => {
    const axe = (globalThis as unknown as { axe: { run(context: unknown, options: unknown): Promise<{ violations: AxeViolation[] }> } }).axe;
    const context = exclude.length ? { include: [document], exclude: exclude.map((s) => [s]) } : document;
    const result = await axe.run(context, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] } });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target, failureSummary: n.failureSummary })) }));
  }, options.exclude ?? []);
}

/** A readable list of violations for an assertion message. */
export function describeViolations(violations: AxeViolation[]): string {
  return violations.map((v) => `${v.id} (${v.impact}): ${v.help}\n${v.nodes.map((n) => `  ${n.target.join(' ')} ${n.failureSummary ?? ''}`).join('\n')}`).join('\n');
}

/** Saves a full-page screenshot as test-artifacts/<name>.png and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(artifactsDir, { recursive: true });
  const path = join(artifactsDir, `${name.replace(/[^\w.-]+/g, '-')}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** Copies a screenshot from test-artifacts/ into docs/screenshots/<name>.png, for the README. */
export function keepForDocs(path: string, name: string): string {
  mkdirSync(docsScreenshotsDir, { recursive: true });
  const target = join(docsScreenshotsDir, `${name}.png`);
  copyFileSync(path, target);
  return target;
}
