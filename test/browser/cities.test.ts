// Two cities in the pane: a manager of every city picks the city whose summary it reads (each city's
// groups, medians and flags are its own), and narrows 비교 to a city; a manager of one city sees its
// city alone, with no picker.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import type { Actor } from '../../service/store/store.ts';
import { openDemoPane, signInPane, type DemoPane } from './demo-pane.ts';
import { openBrowser } from './harness.ts';

const garam = {
  city: '가람광역시',
  cityCode: '51',
  districts: [{ code: '51140', name: '서구' }],
  dongs: ['둔산동', '갈마1동', '월평동', '탄방동', '용문동'].map((name, i) => ({
    code: `51140-d${i}`,
    name,
    district: '51140',
    adminCode: null,
    joinedPhase: 1,
    population: { '2021': 20_000 },
    populationIllustrative: false,
  })),
  phases: [{ phase: 1, name: '시범 1년차', year: 2021, start: '2021-01-01', end: '2021-12-31' }],
  allocations: [],
  expectedMilestones: [],
};

describe('two cities in the pane', () => {
  let pane: DemoPane;
  let cityManager: string;

  beforeAll(async () => {
    pane = await openDemoPane();
    const { store } = pane.service;
    await store.loadReference(garam);
    const admin: Actor = { tokenId: 'test', name: '운영자', role: 'admin', dong: null, district: null, city: null };
    // Garam's programme lines: 90% executed in four dongs, 60% in 용문동 (low in its own group of five).
    const rows = garam.dongs.map((d, i) => ({
      rowId: randomUUID(),
      baseRevision: null,
      values: { dong: d.code, phase: 1, fiscalYear: 2021, category: '자체 사업비', budgetKrw: 10_000_000, executedKrw: i === 4 ? 6_000_000 : 9_000_000 },
    }));
    const stored = await store.sync('spending', { batchId: randomUUID(), rows, deletes: [] }, admin);
    expect(stored.results.every((r) => r.status === 'accepted')).toBe(true);
    cityManager = (await store.createToken({ role: 'manager', city: '가람', name: '가람시 담당' })).token;
  }, 90_000);
  afterAll(() => pane?.close());

  it('a manager of every city picks the city whose summary it reads', async () => {
    const { page } = pane.browser;
    await signInPane(page, pane.server.url, pane.service.tokens.manager);
    await page.getByRole('tab', { name: '요약' }).click();
    const review = page.getByTestId('review-count');
    await review.waitFor();
    const picker = page.getByLabel('시·도');
    expect(await picker.inputValue()).toBe('30');
    const daejeon = await review.textContent();
    expect(daejeon).toMatch(/지원 검토 4곳/);
    await picker.selectOption({ label: '가람광역시' });
    await expect.poll(() => review.textContent()).toBe('지원 검토 1곳 / 5개 동');
    // Garam's flag is its own dong's, named with Garam's phase name.
    const chips = page.getByTestId('flag-chip');
    expect(await chips.count()).toBe(1);
    expect(await chips.first().textContent()).toContain('시범 1년차');
    expect(await page.locator('.flag-list li').first().getAttribute('data-dong')).toBe('51140-d4');
  });

  it('narrows 비교 to one city', async () => {
    const { page } = pane.browser;
    await page.getByRole('tab', { name: '비교' }).click();
    const form = page.getByRole('form', { name: '비교' });
    await form.getByLabel('시·도').selectOption({ label: '가람광역시' });
    const dongs = await form.getByLabel('동', { exact: true }).locator('option').allTextContents();
    expect(dongs.slice(1).sort()).toEqual(garam.dongs.map((d) => d.name).sort());
    await form.getByRole('button', { name: '보기' }).click();
    const table = page.getByRole('table', { name: /예산/ });
    await table.waitFor();
    await expect.poll(async () => (await table.locator('tbody tr').allTextContents()).join(' ')).toContain('용문동');
    expect((await table.locator('tbody tr').allTextContents()).join(' ')).not.toContain('가양2동');
  });

  it('a manager of one city reads its city alone, with no picker', async () => {
    // A browser of its own: nothing of the other manager's session in it.
    const own = await openBrowser();
    onTestFinished(() => own.close());
    const { page } = own;
    await signInPane(page, pane.server.url, cityManager);
    // Its scope is its city, not every dong of the service.
    expect(await page.getByTestId('who').textContent()).toContain('가람광역시 전체 동');
    await page.getByRole('tab', { name: '요약' }).click();
    const review = page.getByTestId('review-count');
    await expect.poll(() => review.textContent()).toBe('지원 검토 1곳 / 5개 동');
    expect(await page.getByLabel('시·도').count()).toBe(0);
  });
});
