// Numbers the Korean way: 1,234,567원, 1,235백만원, 78.5%, +3.2%p, 2019. 5. 30.
import type { Locale } from '../i18n.ts';

const tag = (locale: Locale) => (locale === 'ko' ? 'ko-KR' : 'en-US');

export function formatNumber(value: number, locale: Locale, digits = 0): string {
  return value.toLocaleString(tag(locale), { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

export function formatWon(value: number, locale: Locale): string {
  return locale === 'ko' ? `${formatNumber(value, locale)}원` : `₩${formatNumber(value, locale)}`;
}

export function formatMillionWon(value: number, locale: Locale): string {
  const millions = formatNumber(value / 1_000_000, locale, Math.abs(value) < 10_000_000 ? 1 : 0);
  return locale === 'ko' ? `${millions}백만원` : `₩${millions}M`;
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

/** A timestamp (ISO 8601) in the reader's time zone: 2020. 3. 5. 14:02. */
export function formatDateTime(iso: string, locale: Locale): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const pad = (n: number) => String(n).padStart(2, '0');
  const day = formatDate(`${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`, locale);
  return `${day} ${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/** Won as officials read them: 백만원 from a million up (one decimal), whole 원 below. */
export function formatMoney(value: number, locale: Locale): string {
  if (Math.abs(value) >= 1_000_000) {
    const millions = formatNumber(value / 1_000_000, locale, 1);
    return locale === 'ko' ? `${millions}백만원` : `₩${millions}M`;
  }
  return formatWon(Math.round(value), locale);
}

/** A metric's unit (domain/metrics.ts, served in /api/meta) as the kind of value it formats as. */
export function kindOfUnit(unit: string | undefined): ValueKind | undefined {
  switch (unit) {
    case '원':
      return 'money';
    case 'ratio':
      return 'rate';
    case '%':
    case 'per1000':
    case '일':
      return 'decimal';
    case '명':
    case '건':
      return 'count';
    default:
      return undefined;
  }
}

export type ValueKind = 'money' | 'rate' | 'decimal' | 'count' | 'date' | 'datetime' | 'text';

/** How a result column should read, from its field name (fields of DESIGN.md "The metrics"). */
export function kindOfField(field: string): ValueKind {
  if (/Krw$|PerResident$/.test(field)) return 'money';
  if (/Rate$/.test(field)) return 'rate';
  if (/Per1000$|Pct$|Days$/.test(field)) return 'decimal';
  if (/At$/.test(field)) return 'datetime';
  if (/On$|^date$/.test(field)) return 'date';
  if (/^(events|participants|newParticipants|assemblyParticipants|votes|milestones|completed|delayed|phase|fiscalYear)$/.test(field)) return 'count';
  return 'text';
}

export function formatValue(value: unknown, kind: ValueKind, locale: Locale): string {
  if (value === null || value === undefined || value === '') return '–';
  if (typeof value === 'number' || (typeof value === 'string' && kind !== 'text' && kind !== 'date' && value.trim() !== '' && !Number.isNaN(Number(value)))) {
    const n = Number(value);
    switch (kind) {
      case 'money':
        return formatMoney(n, locale);
      case 'rate':
        return formatRate(n, locale);
      case 'decimal':
        return formatNumber(n, locale, 1);
      case 'count':
        return formatNumber(n, locale);
      default:
        return Number.isInteger(n) ? formatNumber(n, locale) : formatNumber(n, locale, 2);
    }
  }
  if (typeof value === 'string') return kind === 'date' ? formatDate(value, locale) : kind === 'datetime' ? formatDateTime(value, locale) : value;
  if (typeof value === 'boolean') return value ? (locale === 'ko' ? '예' : 'yes') : locale === 'ko' ? '아니오' : 'no';
  return JSON.stringify(value);
}
