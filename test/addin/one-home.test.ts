// Facts with one home: comparison names and the batch limit (domain/), Office.js shapes (@types/office-js, read
// only through addin/excel/office-types.ts).
// (The formula guard: test/domain/formula-guard.test.ts; number formats: test/excel/layer.test.ts.)
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { maxBatchRows as contractLimit } from '../../domain/contract.ts';
import { comparisonNames, comparisons } from '../../domain/metrics.ts';
import { maxBatchRows } from '../../addin/sync/index.ts';
import { compareNames } from '../../addin/taskpane/api.ts';
import { comparisonTitle } from '../../addin/taskpane/i18n.ts';

const addin = join(import.meta.dirname, '..', '..', 'addin');
const sources = (dir: string): string[] =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : path.endsWith('.ts') ? [path] : [];
  });

describe('one home per fact', () => {
  it('offers every comparison domain/metrics.ts defines, summary and phases first, under its own names', () => {
    expect([...compareNames].sort()).toEqual([...comparisonNames].sort());
    expect(compareNames.slice(0, 2)).toEqual(['summary', 'phases']);
    for (const name of comparisonNames) {
      expect(comparisonTitle(name, 'ko')).toBe(comparisons[name].ko);
      expect(comparisonTitle(name, 'en')).toBe(comparisons[name].en);
    }
  });

  it('writes no comparison name into the add-in by hand', () => {
    const names = comparisonNames.filter((n) => n !== 'summary').map((n) => comparisons[n].ko);
    for (const file of sources(addin)) {
      const text = readFileSync(file, 'utf8');
      for (const name of names) expect(text.includes(`'${name}'`), `${file}: '${name}'`).toBe(false);
    }
  });

  it('types Office.js shapes only in addin/excel/office-types.ts', () => {
    const typed = sources(addin).filter((file) => !file.endsWith('office-types.ts') && /\{\s*Office\??:|Office\?: \{|Excel\??:\s*\{/.test(readFileSync(file, 'utf8')));
    expect(typed).toEqual([]);
  });

  it("takes Excel's shapes from @types/office-js: the add-in writes none of its own", () => {
    // A hand-written Range or Table lets a call Excel does not have pass the typecheck.
    const shapes = /\b(?:interface|type)\s+(?:Range|RangeAreas|Table|TableColumn|TableRow|Worksheet|Workbook|RequestContext|Note|Comment|Insert\w+)\b/;
    expect(sources(addin).filter((file) => shapes.test(readFileSync(file, 'utf8')))).toEqual([]);
    expect(readFileSync(join(addin, 'excel', 'office-types.ts'), 'utf8')).toContain('/// <reference types="office-js" />');
  });

  it("reads /api/meta as the service's one shape (domain/contract.ts MetaAnswer), with no fallbacks for shapes that never come", () => {
    // The service's route is checked against MetaAnswer (satisfies); the add-in's Meta is that type, not a copy.
    expect(readFileSync(join(addin, 'taskpane', 'api.ts'), 'utf8')).toMatch(/export type Meta = MetaAnswer;/);
    const loose = /\binterface Meta\w*\s*\{|meta\.token\b|meta\.role\b|\.joinedPhase\b/;
    expect(sources(addin).filter((file) => loose.test(readFileSync(file, 'utf8')))).toEqual([]);
    // Written once per reference but for the token's own `me`: both parts typed by MetaAnswer.
    const route = readFileSync(join(addin, '..', 'service', 'routes', 'meta.ts'), 'utf8');
    expect(route).toContain("satisfies Omit<MetaAnswer, 'me'>");
    expect(route).toContain("const me: MetaAnswer['me']");
  });

  it('batches by the contract limit', () => {
    expect(maxBatchRows).toBe(contractLimit);
  });
});
