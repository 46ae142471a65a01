import { epochDay, formatYmd, fromEpochDay, isValidYmd, parseIsoDate } from '../dates.ts';
import { cleanText } from './text.ts';

/** Excel serial of 1970-01-01 in the 1900 system. */
const unixEpochSerial = 25569;
/** Days between the 1900 and the 1904 systems' day zero. */
const offset1904 = 1462;
/** The largest serial Excel shows as a date (9999-12-31). */
export const maxSerial = 2958465;

/**
 * An Excel date serial to `YYYY-MM-DD`, or undefined when it names no real day. The 1900 system
 * keeps Lotus' bug: serial 60 is the 29th of February 1900, which never was (refused), and serials
 * below it are one day early of the simple count. A fraction is a time of day and is dropped.
 */
export function serialToIso(serial: number, date1904: boolean): string | undefined {
  if (!Number.isFinite(serial) || serial < 0) return undefined;
  const day = Math.floor(serial);
  if (date1904) {
    if (day > maxSerial - offset1904) return undefined;
    return checked(fromEpochDay(day + offset1904 - unixEpochSerial));
  }
  if (day < 1 || day === 60 || day > maxSerial) return undefined;
  return checked(fromEpochDay(day - unixEpochSerial + (day < 60 ? 1 : 0)));
}

function checked(iso: string): string | undefined {
  return parseIsoDate(iso);
}

/** `YYYY-MM-DD` to its Excel serial (inverse of serialToIso). */
export function isoToSerial(iso: string, date1904: boolean): number {
  const day = epochDay(iso) + unixEpochSerial;
  if (date1904) return day - offset1904;
  return day < 61 ? day - 1 : day;
}

/** Two-digit years the way Excel reads them: 00–29 are 2000–2029, 30–99 are 1930–1999. */
export function expandTwoDigitYear(yy: number): number {
  return yy < 30 ? 2000 + yy : 1900 + yy;
}

const weekdays = ['일', '월', '화', '수', '목', '금', '토'];

function ymd(y: number, m: number, d: number): string | undefined {
  return isValidYmd(y, m, d) ? formatYmd(y, m, d) : undefined;
}

const patterns: { re: RegExp; twoDigit: boolean }[] = [
  // 2019-06-04, 2019.6.30, 2019. 10. 24., 2019/5/30 (one separator throughout), with an optional time
  { re: /^(\d{4})\s*([-./])\s*(\d{1,2})\s*\2\s*(\d{1,2})\s*\.?(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$/u, twoDigit: false },
  // '19. 12. 20., 19-12-20, 19/5/30
  { re: /^'?(\d{2})\s*([-./])\s*(\d{1,2})\s*\2\s*(\d{1,2})\s*\.?$/u, twoDigit: true },
];
const korean = /^('?\d{2}|\d{4})\s*년\s*(\d{1,2})\s*월\s*(\d{1,2})\s*일$/u;
const compact = /^(\d{4})(\d{2})(\d{2})$/u;

/**
 * Reads a date written as text, or returns undefined: ISO, 2019.6.30, '19. 12. 20., 2019. 10. 24.,
 * 2019년 4월 15일, 2019/5/30, 20190530; a trailing weekday (목) or (목요일) must be the right one.
 * Day-month-year and month-day-year orders are not read (they cannot be told apart for sure).
 */
export function parseDateText(text: string): string | undefined {
  let t = cleanText(text);
  let weekday: number | undefined;
  const wd = /\s*\(([일월화수목금토])(?:요일)?\)$/u.exec(t);
  if (wd) {
    weekday = weekdays.indexOf(wd[1] as string);
    t = t.slice(0, wd.index).trim();
  }
  const iso = read(t);
  if (iso === undefined) return undefined;
  if (weekday !== undefined && (((epochDay(iso) + 4) % 7) + 7) % 7 !== weekday) return undefined;
  return iso;
}

function read(t: string): string | undefined {
  for (const { re, twoDigit } of patterns) {
    const m = re.exec(t);
    if (m) {
      const y = Number(m[1]);
      return ymd(twoDigit ? expandTwoDigitYear(y) : y, Number(m[3]), Number(m[4]));
    }
  }
  const k = korean.exec(t);
  if (k) {
    const yText = (k[1] as string).replace("'", '');
    const y = yText.length === 2 ? expandTwoDigitYear(Number(yText)) : Number(yText);
    return ymd(y, Number(k[2]), Number(k[3]));
  }
  const c = compact.exec(t);
  if (c) return ymd(Number(c[1]), Number(c[2]), Number(c[3]));
  return undefined;
}

/**
 * True when an Excel number format shows a date (it has day or year parts once quoted text,
 * escapes, colours and locale tags are removed). Time-only formats (h:mm) are not dates.
 */
export function isDateFormat(numFmt: string | undefined): boolean {
  if (!numFmt) return false;
  const bare = stripFormat(numFmt);
  return /[dy]/i.test(bare);
}

/** True when a number format shows only the year of a date (yyyy, yyyy"년"). */
export function isYearOnlyFormat(numFmt: string | undefined): boolean {
  if (!numFmt) return false;
  const bare = stripFormat(numFmt);
  return /y/i.test(bare) && !/[dmhs]/i.test(bare);
}

/** True when a number format shows the number as a percentage (0%, 0.0%). */
export function isPercentFormat(numFmt: string | undefined): boolean {
  return numFmt ? stripFormat(numFmt).includes('%') : false;
}

function stripFormat(numFmt: string): string {
  const first = numFmt.split(';')[0] ?? '';
  return first
    .replace(/"[^"]*"/g, '')
    .replace(/\\./g, '')
    .replace(/\[(?![hms]+\])[^\]]*\]/gi, '')
    .replace(/_./g, '')
    .replace(/\*./g, '');
}
