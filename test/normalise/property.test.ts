import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { formatYmd, fromEpochDay, epochDay, isoToSerial, parseDateText, readCell, type GridCell, type ReadContext, type FieldType } from '../../domain/index.ts';
import { ref } from './helpers.ts';

const ctx: ReadContext = { date1904: false, unit: '원', ref };
const read = (type: FieldType, cell: GridCell, over: Partial<ReadContext> = {}) => readCell({ type }, cell, { ...ctx, ...over });

/** Digits grouped by thousands, the way Excel's #,##0 shows them. */
const grouped = (n: bigint | number) => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
/** The full-width forms officials paste from word processors. */
const fullWidth = (s: string) => s.replace(/[0-9,.%]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));

describe('property: what Excel shows reads back as the value', () => {
  it('money with commas, full-width digits, a 원 unit, △ or brackets for negatives', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 9_000_000_000_000 }),
        fc.boolean(),
        fc.constantFrom('plain', 'fullWidth'),
        fc.constantFrom('', '원', ' 원'),
        fc.constantFrom('-', '△', '▲', '()'),
        (n, negative, width, unit, sign) => {
          let text = `${grouped(n)}${unit}`;
          if (negative) text = sign === '()' ? `(${text})` : `${sign}${text}`;
          if (width === 'fullWidth') text = fullWidth(text);
          const expected = negative && n !== 0 ? -n : 0 + n;
          expect(read('money', { value: text })).toEqual({ value: expected });
        },
      ),
    );
  });

  it('amounts in 천원 and 백만원 columns, as text or numbers, in whole won', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 9_000_000_000 }), fc.integer({ min: 0, max: 999 }), fc.boolean(), (whole, frac, asText) => {
        // 천원 with up to three decimals is still whole won
        const shown = frac === 0 ? grouped(whole) : `${grouped(whole)}.${String(frac).padStart(3, '0')}`;
        const won = whole * 1000 + frac;
        const cell: GridCell = asText ? { value: shown } : { value: Number(shown.replace(/,/g, '')) };
        expect(read('money', cell, { unit: '천원' })).toEqual({ value: won });
        const m = read('money', { value: grouped(whole) }, { unit: '백만원' });
        expect(m).toEqual({ value: whole * 1_000_000 });
      }),
    );
  });

  it('counts with a 명 unit and commas', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000_000 }), fc.constantFrom('', '명', ' 명', '건'), (n, unit) => {
        expect(read('count', { value: `${grouped(n)}${unit}` })).toEqual({ value: n });
      }),
    );
  });

  it('percentages: as 0% formatted fractions, as "60%" text, as plain numbers', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1000 }), (tenths) => {
        const pct = tenths / 10;
        expect(read('percent', { value: tenths / 1000, numFmt: '0.0%' })).toEqual({ value: pct });
        expect(read('percent', { value: `${pct}%` })).toEqual({ value: pct });
        expect(read('percent', { value: pct })).toEqual({ value: pct });
      }),
    );
  });

  const day = fc.integer({ min: epochDay('1900-03-01'), max: epochDay('2099-12-31') }).map(fromEpochDay);

  it('dates in every way officials write them', () => {
    fc.assert(
      fc.property(day, fc.constantFrom('iso', 'dots', 'dotsSpaced', 'korean', 'slash', 'compact'), (iso, style) => {
        const [y, m, d] = [Number(iso.slice(0, 4)), Number(iso.slice(5, 7)), Number(iso.slice(8, 10))];
        const text = {
          iso,
          dots: `${y}.${m}.${d}`,
          dotsSpaced: `${y}. ${m}. ${d}.`,
          korean: `${y}년 ${m}월 ${d}일`,
          slash: `${y}/${m}/${d}`,
          compact: `${formatYmd(y, m, d).replace(/-/g, '')}`,
        }[style];
        expect(parseDateText(text)).toBe(iso);
        expect(read('date', { value: text })).toEqual({ value: iso });
      }),
    );
  });

  it("two-digit years as Excel reads them ('19. 12. 20.)", () => {
    fc.assert(
      fc.property(fc.integer({ min: epochDay('1930-01-01'), max: epochDay('2029-12-31') }).map(fromEpochDay), fc.boolean(), (iso, quote) => {
        const [y, m, d] = [Number(iso.slice(0, 4)), Number(iso.slice(5, 7)), Number(iso.slice(8, 10))];
        const text = `${quote ? "'" : ''}${String(y % 100).padStart(2, '0')}. ${m}. ${d}.`;
        expect(parseDateText(text)).toBe(iso);
      }),
    );
  });

  it('date serials of both systems, with a date format and a time of day', () => {
    fc.assert(
      fc.property(
        day,
        fc.boolean(),
        fc.double({ min: 0, max: 0.999, noNaN: true }),
        fc.constantFrom('yyyy-mm-dd', 'mm-dd-yy', 'yyyy"년" m"월" d"일"', 'yyyy-mm-dd h:mm'),
        (iso, date1904, time, numFmt) => {
          if (date1904 && iso < '1904-01-01') return;
          const serial = isoToSerial(iso, date1904) + time;
          expect(read('date', { value: serial, numFmt }, { date1904 })).toEqual({ value: iso });
        },
      ),
    );
  });

  it('is total: any text in any column gives a value or a reason, never a throw', () => {
    const types: FieldType[] = ['dong', 'phase', 'year', 'money', 'count', 'percent', 'date', 'boolean', 'code', 'text'];
    fc.assert(
      fc.property(
        fc.constantFrom(...types),
        fc.oneof(
          fc.string(),
          fc.string({ unit: 'binary' }),
          fc.string({ unit: fc.constantFrom(' ', '1', ',', '.', '△', '(', ')', '년', '월', '일', '원', '%', '\u3000', '-', '/') }),
          fc.double(),
          fc.boolean(),
        ),
        (type, value) => {
          const r = readCell({ type, codeList: 'status' }, { value }, ctx);
          expect('value' in r || 'code' in r).toBe(true);
          if (typeof value === 'string' && value.trim() === '') expect(r).toEqual({ value: null });
        },
      ),
    );
  });
});
