// Numbers the Korean way: 1,234,567원, 1,235.0백만원, 78.5%, +3.2%p, 28.4 (per 1,000), 2019, 2019. 5. 30.
// How a value reads follows its unit (domain/metrics.ts, served in /api/meta) or its sheet column's
// type, never a list of names kept here.
import type { Locale } from '../i18n.ts';

const tag = (locale: Locale) => (locale === 'ko' ? 'ko-KR' : 'en-US');

export function formatNumber(value: number, locale: Locale, digits = 0): string {
  return value.toLocaleString(tag(locale), { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

export function formatWon(value: number, locale: Locale): string {
  return locale === 'ko' ? `${formatNumber(value, locale)}원` : `₩${formatNumber(value, locale)}`;
}

/** A ratio (0.785) as a percentage (78.5%). */
export function formatRate(value: number, locale: Locale): string {
  return `${formatNumber(value * 100, locale, 1)}%`;
}

/** A change of a ratio, in percentage points. */
export function formatRateDelta(value: number, locale: Locale): string {
  const sign = value > 0 ? '+' : value < 0 ? '−' : '±';
  return `${sign}${formatNumber(Math.abs(value) * 100, locale, 1)}%p`;
}

export function formatDelta(value: number, locale: Locale, digits = 1): string {
  const sign = value > 0 ? '+' : value < 0 ? '−' : '±';
  return `${sign}${formatNumber(Math.abs(value), locale, digits)}`;
}

export function formatDate(iso: string, locale: Locale): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso);
  if (!m) return iso;
  return locale === 'ko' ? `${m[1]}. ${Number(m[2])}. ${Number(m[3])}.` : `${m[1]}-${m[2]}-${m[3]}`;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** The time of day (HH:MM) in the reader's time zone. */
export function formatTime(date: Date): string {
  return `${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/** A timestamp (ISO 8601) in the reader's time zone: 2020. 3. 5. 14:02. */
export function formatDateTime(iso: string, locale: Locale): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const day = formatDate(`${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`, locale);
  return `${day} ${formatTime(date)}`;
}

/** Won as officials read them: 백만원 from a million up (one decimal), whole 원 below. */
export function formatMoney(value: number, locale: Locale): string {
  if (Math.abs(value) >= 1_000_000) {
    const millions = formatNumber(value / 1_000_000, locale, 1);
    return locale === 'ko' ? `${millions}백만원` : `₩${millions}M`;
  }
  return formatWon(Math.round(value), locale);
}

/**
 * How a value reads: money (원, 백만원), rate (a ratio shown in %), per1000 (one decimal, never %),
 * percent (already 0–100), count (whole, with its unit), decimal, year (2019, no separator), dates,
 * text.
 */
export type ValueKind = 'money' | 'rate' | 'per1000' | 'percent' | 'decimal' | 'count' | 'year' | 'date' | 'datetime' | 'text';

/** How a value of a unit reads: its kind, and the unit word a count carries (명, 건, 일). */
export interface UnitFormat {
  kind: ValueKind;
  suffix?: string;
}

/** A metric's unit (domain/metrics.ts MetricUnit, from /api/meta) as the way its values read. */
const unitFormats: Record<string, UnitFormat> = {
  원: { kind: 'money' },
  ratio: { kind: 'rate' },
  per1000: { kind: 'per1000' },
  '%': { kind: 'percent' },
  일: { kind: 'decimal', suffix: '일' },
  명: { kind: 'count', suffix: '명' },
  건: { kind: 'count', suffix: '건' },
  label: { kind: 'text' },
  flag: { kind: 'text' },
};

/** A sheet column's type (domain/sheets.ts FieldType, from /api/meta's kinds) as the way its values read. */
const columnFormats: Record<string, UnitFormat> = {
  money: { kind: 'money' },
  count: { kind: 'count' },
  percent: { kind: 'percent' },
  year: { kind: 'year' },
  phase: { kind: 'year' },
  date: { kind: 'date' },
  dong: { kind: 'text' },
  code: { kind: 'text' },
  text: { kind: 'text' },
  boolean: { kind: 'text' },
};

const lookUp = (table: Record<string, UnitFormat>, key: string | undefined) => (key !== undefined && Object.hasOwn(table, key) ? table[key] : undefined);
export const unitFormat = (unit: string | undefined): UnitFormat | undefined => lookUp(unitFormats, unit);
export const columnFormat = (type: string | undefined): UnitFormat | undefined => lookUp(columnFormats, type);

/** A change of a value of this kind: %p for rates, a sign and one decimal otherwise. */
export function formatChange(value: number, kind: ValueKind, locale: Locale): string {
  if (kind === 'rate') return formatRateDelta(value, locale);
  if (kind === 'money') return `${value > 0 ? '+' : value < 0 ? '−' : '±'}${formatMoney(Math.abs(value), locale)}`;
  return formatDelta(value, locale, kind === 'count' ? 0 : 1);
}

export function formatValue(value: unknown, kind: ValueKind, locale: Locale, suffix?: string): string {
  if (value === null || value === undefined || value === '') return '–';
  if (
    typeof value === 'number' ||
    (typeof value === 'string' && kind !== 'text' && kind !== 'date' && kind !== 'datetime' && value.trim() !== '' && !Number.isNaN(Number(value)))
  ) {
    const n = Number(value);
    const unit = suffix && locale === 'ko' ? suffix : '';
    switch (kind) {
      case 'money':
        return formatMoney(n, locale);
      case 'rate':
        return formatRate(n, locale);
      case 'per1000':
        return formatNumber(n, locale, 1);
      case 'percent':
        return `${formatNumber(n, locale, 1)}%`;
      case 'decimal':
        return `${formatNumber(n, locale, Number.isInteger(n) ? 0 : 1)}${unit}`;
      case 'count':
        return `${formatNumber(n, locale)}${unit}`;
      case 'year':
        return String(n);
      default:
        return Number.isInteger(n) ? formatNumber(n, locale) : formatNumber(n, locale, 2);
    }
  }
  if (typeof value === 'string') return kind === 'date' ? formatDate(value, locale) : kind === 'datetime' ? formatDateTime(value, locale) : value;
  if (typeof value === 'boolean') return value ? (locale === 'ko' ? '예' : 'yes') : locale === 'ko' ? '아니오' : 'no';
  return JSON.stringify(value);
}
