// Calendar dates as the rules read them (domain/dates.ts): `YYYY-MM-DD` of a real day from 1900 on,
// nothing else — held against the calendar of JavaScript's own Date in UTC.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseIsoDate } from '../../domain/dates.ts';

/** The same question asked of Date: the text is the day Date.UTC makes of its numbers. */
function isRealDay(text: string): boolean {
  if (!/^[0-9]{4}-[0-9]{2}-[0-9]{2}$/.test(text)) return false;
  const [y, m, d] = text.split('-').map(Number) as [number, number, number];
  const day = new Date(Date.UTC(y, m - 1, d));
  return y >= 1900 && day.getUTCFullYear() === y && day.getUTCMonth() === m - 1 && day.getUTCDate() === d;
}

describe('dates', () => {
  it('takes exactly the real days written YYYY-MM-DD', () => {
    const pad = (n: number, width: number) => String(n).padStart(width, '0');
    const written = fc
      .tuple(fc.integer({ min: 1000, max: 9999 }), fc.integer({ min: 0, max: 13 }), fc.integer({ min: 0, max: 32 }))
      .map(([y, m, d]) => `${pad(y, 4)}-${pad(m, 2)}-${pad(d, 2)}`);
    const near = fc
      .tuple(written, fc.nat(12), fc.constantFrom('', ' ', '0', '-', '/', ':', '１', 'a', '\u0000'))
      .map(([text, at, put]) => text.slice(0, at) + put + text.slice(at + 1));
    fc.assert(
      fc.property(fc.oneof(written, near, fc.string({ maxLength: 12 })), (text) => {
        expect(parseIsoDate(text) !== undefined, text).toBe(isRealDay(text));
      }),
      { numRuns: 5000 },
    );
    expect(parseIsoDate('2020-02-29')).toBe('2020-02-29');
    expect(parseIsoDate('1900-02-29')).toBeUndefined();
    expect(parseIsoDate('2000-02-29')).toBe('2000-02-29');
    expect(parseIsoDate('1899-12-31')).toBeUndefined();
  });
});
