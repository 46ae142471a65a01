// domain/formula-guard.ts: the one test for text a spreadsheet would run as a formula, used by the
// add-in's sheets (addin/excel/insert.ts) and the CSV export (service/store/export); the tests keep it the only copy.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formulaLikePattern, guardFormula, isFormulaLike } from '../../domain/formula-guard.ts';
import { toCell } from '../../addin/excel/insert.ts';

const root = join(import.meta.dirname, '..', '..');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : path.endsWith('.ts') ? [path] : [];
  });
}

describe('guardFormula', () => {
  it('puts an apostrophe before text that starts like a formula, tab and carriage return included', () => {
    for (const text of ['=1+1', '+82 10', '-3', '@SUM(A1)', '\t=cmd', '\r=cmd']) expect(guardFormula(text)).toBe(`'${text}`);
  });

  it('leaves other text as it is', () => {
    for (const text of ['가양2동', '1,000', '', ' =not first', '주민총회 = 2회']) {
      expect(isFormulaLike(text)).toBe(false);
      expect(guardFormula(text)).toBe(text);
    }
  });

  it('is what the add-in writes into a sheet', () => {
    expect(toCell('\t=cmd', 'text')).toBe("'\t=cmd");
    expect(toCell('=cmd', 'text')).toBe("'=cmd");
  });

  it('has a pattern SQL can use that reads the same', () => {
    expect(formulaLikePattern).toBe('^[=+\\-@\\t\\r\\n]');
  });

  it('is the only formula test in the add-in and the service', () => {
    const copies = [...sources(join(root, 'addin')), ...sources(join(root, 'service'))].filter((file) => /\^\[=\+/.test(readFileSync(file, 'utf8')));
    expect(copies.map((f) => relative(root, f))).toEqual([]);
  });
});
