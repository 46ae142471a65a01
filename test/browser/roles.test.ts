// Each role's first screen, at every width from a narrow task pane to a wide monitor: what the role
// opens on, nothing clipped (the page never scrolls sideways; a wide table scrolls inside its own
// box with the dong column in view), axe finds nothing. The 350 px and 1280 px screens of each role
// are kept for the README.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestService } from '../support/service.ts';
import { openDemoPane, signInPane, type DemoPane } from './demo-pane.ts';
import { describeViolations, keepForDocs, runAxe, screenshot, type BrowserSession, type TestServer } from './harness.ts';

const widths = [320, 350, 768, 1280, 1920];

/** Each role, the tab it opens on, and something of its own first screen. */
const roles = [
  { role: 'dong', tab: '요약', who: '동 담당' },
  { role: 'district', tab: '요약', who: '구 담당' },
  { role: 'manager', tab: '요약', who: '시 관리자' },
  { role: 'analyst', tab: '비교', who: '분석가' },
] as const;

describe('each role’s first screen, 320 to 1920 px', () => {
  let pane: DemoPane;
  let service: TestService;
  let server: TestServer;
  let browser: BrowserSession;

  beforeAll(async () => {
    pane = await openDemoPane({ viewport: { width: 1280, height: 900 } });
    ({ service, server, browser } = pane);
  }, 60_000);
  afterAll(() => pane?.close());

  for (const { role, tab, who } of roles) {
    it(`${role}: opens on ${tab}, fits every width, and axe finds nothing`, async () => {
      const { page } = browser;
      await page.setViewportSize({ width: 1280, height: 900 });
      await signInPane(page, server.url, service.tokens[role]);
      await page.getByTestId('who').filter({ hasText: who }).waitFor();
      expect(await page.getByRole('tab', { name: tab }).getAttribute('aria-selected')).toBe('true');
      const panel = page.locator('[role="tabpanel"]:not([hidden])');
      // The first screen is drawn: a summary says how many dongs to review, a comparison shows its table.
      if (tab === '요약') await panel.getByTestId('review-count').waitFor();
      else await panel.getByRole('table').first().waitFor();
      if (role === 'dong') {
        // Its own dong only: no other dong in the dong table or among the flags.
        const names = await panel.locator('td[data-key="dongName"]').allTextContents();
        expect(names.length).toBeGreaterThan(0);
        for (const name of names) expect(name).toContain('가양2동');
      }
      for (const width of widths) {
        await page.setViewportSize({ width, height: width < 600 ? 720 : 900 });
        await page.waitForFunction(() => document.getAnimations().every((a) => a.playState !== 'running'));
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
        // What sticks out, named in the failure.
        const wide = await page.evaluate(() =>
          [...document.querySelectorAll<HTMLElement>('body *')]
            .filter((e) => e.getBoundingClientRect().right > document.documentElement.clientWidth + 0.5 && e.getBoundingClientRect().width > 0 && !e.closest('.table-scroll'))
            .slice(0, 5)
            .map((e) => `${e.tagName.toLowerCase()}.${e.className}`),
        );
        expect(overflow, `${role} at ${width} px scrolls sideways by ${overflow} px: ${wide.join(', ')}`).toBeLessThanOrEqual(0);
        if (width === 350) {
          // Charts stay readable in the task pane: no text under 11 px on screen.
          const smallest = await page.evaluate(() => {
            let min = Infinity;
            for (const svg of document.querySelectorAll<SVGSVGElement>('[role="tabpanel"]:not([hidden]) svg.chart')) {
              const scale = svg.getScreenCTM()?.a ?? 1;
              if (svg.getBoundingClientRect().width === 0) continue;
              for (const text of svg.querySelectorAll('text')) min = Math.min(min, parseFloat(getComputedStyle(text).fontSize) * scale);
            }
            return min;
          });
          expect(smallest).toBeGreaterThanOrEqual(11);
        }
        if (width === 350 || width === 1280) {
          expect(describeViolations(await runAxe(page))).toBe('');
          keepForDocs(await screenshot(page, `role-${role}-${width}`), `role-${role}-${width}`);
        }
      }
      await page.getByRole('button', { name: '로그아웃' }).click();
    });
  }
});
