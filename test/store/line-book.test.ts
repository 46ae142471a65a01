import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { LineBook, lineHash, lineKey, lineYear } from '../../service/store/line-book.ts';
import { dongYearKey, spendingLineKey } from '../../domain/index.ts';

/** FNV-1a of the whole key, as written out: what `lineHash` works out from the key's parts. */
function fnvOfKey(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  return h | 0;
}

const text = fc.string({ unit: fc.oneof(fc.constantFrom(' ', '|', '가', '동', 'a', '\u{1F600}'), fc.string({ unit: 'grapheme', maxLength: 1 })) });
const values = fc.record({
  dong: text,
  fiscalYear: fc.integer({ min: 1990, max: 2100 }),
  category: text,
  item: fc.option(text, { nil: null }),
  budgetKrw: fc.oneof(fc.integer({ min: 0, max: 2 ** 53 - 1 }), fc.bigInt({ min: 0n, max: 2n ** 53n - 1n })),
});

describe('a spending line’s key, year and hash', () => {
  it('hashes the duplicate key’s own characters, item trimmed, a stored budget read as BIGINT alike', () => {
    fc.assert(
      fc.property(values, (v) => {
        const key = spendingLineKey({ dong: v.dong, fiscalYear: v.fiscalYear, category: v.category, item: v.item, budgetKrw: Number(v.budgetKrw) });
        expect(lineKey(v)).toBe(key);
        expect(lineHash(v)).toBe(fnvOfKey(key));
        expect(lineYear(v)).toBe(dongYearKey(v.dong, v.fiscalYear));
      }),
    );
  });

  it('reads a stored line’s year as a typed row’s, and counts two keys of one hash alike: the book cannot tell them apart', () => {
    const a = { dong: '30110-gayang2', fiscalYear: 2020, category: '기타', item: '현수막 296993', budgetKrw: 3_000_000 };
    const b = { ...a, item: '현수막 1122750' };
    expect(lineKey(a)).not.toBe(lineKey(b));
    expect(lineHash(a)).toBe(lineHash(b));
    expect(lineYear({ ...a })).toBe(lineYear({ ...b, fiscalYear: '2020' }));
    const book = new LineBook();
    book.load(lineYear(a), [{ budgetKrw: a.budgetKrw, hash: lineHash(a) }]);
    // The book cannot tell them apart: b is a "maybe", read to be sure (line-warnings.test.ts).
    expect(book.count(lineYear(b), lineHash(b))).toBe(1);
    expect(book.total(lineYear(a))).toBe(3_000_000);
  });
});
